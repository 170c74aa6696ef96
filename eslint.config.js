// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

// Imports that do I/O or depend on the host: never allowed in code that must replay deterministically.
const ioModules = [
  '@kubernetes/client-node',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  'execa',
  'pino',
  'pino-http',
  'express',
  'prom-client',
];

// The worker evaluates the workflow bundle's modules once and shares them between all its workflows
// (worker/bundle-workflows.ts, preloadModules): state kept at module level would pass from one workflow
// to another, so it is kept inside the workflow function.
const moduleStateMessage =
  'workflows/ and core/ are loaded once per worker and shared by its workflows: keep state inside the workflow, not in the module';
const topLevel = (selector) =>
  [
    `Program > VariableDeclaration${selector}`,
    `Program > ExportNamedDeclaration > VariableDeclaration${selector}`,
  ].join(', ');
const noModuleState = [
  { selector: topLevel("[kind!='const']"), message: `${moduleStateMessage}.` },
  {
    // A constant collection typed ReadonlySet/ReadonlyMap/ReadonlyArray is fine: TypeScript keeps it unchanged.
    selector: topLevel(
      ' > VariableDeclarator:not([id.typeAnnotation.typeAnnotation.typeName.name=/^Readonly/]) > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet|Array)$/]',
    ),
    message: `${moduleStateMessage}; a constant collection is fine typed ReadonlySet, ReadonlyMap or ReadonlyArray.`,
  },
];

// Workflow code is replayed from history, so anything that reads the clock, randomness or the host
// would make a replay diverge. Temporal's sandbox offers `sleep`, `uuid4` and a deterministic Date instead.
const deterministicRules = {
  'no-restricted-syntax': ['error', ...noModuleState],
  'no-restricted-globals': [
    'error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask'].map((name) => ({
      name,
      message: 'Use sleep() / condition() from @temporalio/workflow: timers must be recorded in history.',
    })),
    ...['process', 'require', 'fetch', 'crypto', 'Buffer', 'performance'].map((name) => ({
      name,
      message: 'Workflow-safe code must not touch the host; do this in an activity.',
    })),
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'Use the workflow clock (new Date() inside a workflow) or pass time in.',
    },
    { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow or pass randomness in.' },
  ],
};

// The SDK's lib/ paths are internals: they move between releases without notice.
const sdkInternals = {
  group: ['@temporalio/*/lib/*', '@temporalio/*/lib/**'],
  message: "SDK internals change without notice: use the package's public exports.",
};

export default tseslint.config(
  // images/medusa-server is a Medusa project with dependencies of its own: its Containerfile's build
  // (`medusa build`, TypeScript) checks it.
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.storefleet/**',
      'bench/results/**',
      'coverage/**',
      '.scratch/**',
      'images/*/node_modules/**',
      'images/*/dist/**',
      'images/medusa-server/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'dev/*.mjs', 'web/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    // The one exception: loading a recorded JSON history into protos outside a replay has no public API.
    ignores: ['api/history-timeline.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sdkInternals] }] },
  },
  {
    files: ['api/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            sdkInternals,
            {
              group: ['**/activities/*', '**/activities', '**/worker/*', '**/worker', '**/workflows/*', '**/workflows'],
              allowTypeImports: true,
              message:
                'The API reaches workflows and activities only through Temporal: import their types; shared values live in core/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    // Unit tests beside the code run in Node, not in the workflow sandbox.
    ignores: ['**/*.test.ts'],
    rules: {
      ...deterministicRules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...ioModules].map((name) => ({
            name,
            message: 'Workflows are replayed deterministically: do I/O in activities.',
          })),
          patterns: [
            sdkInternals,
            {
              group: ['**/activities/*', '**/activities'],
              allowTypeImports: true,
              message: 'Import activities with `import type` and call them through proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.test.ts', 'workflows/store-status.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...noModuleState,
        {
          selector: "AssignmentExpression[left.type='MemberExpression'][left.property.name='phase']",
          message:
            "Change a store's phase with transition() (workflows/store-status.ts): it also records the event and upserts the search attributes.",
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      ...deterministicRules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // @temporalio/workflow only for defineSignal/defineQuery/defineUpdate and @temporalio/common
              // only for defineSearchAttributeKey: pure, shared by workflows and clients so each message
              // and search attribute is defined once.
              regex: '^(?!(zod|@temporalio/workflow|@temporalio/common)$|\\./|\\.\\./core/)',
              message:
                'core/ is shared with workflows: it may import only zod, @temporalio/workflow, @temporalio/common and itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
