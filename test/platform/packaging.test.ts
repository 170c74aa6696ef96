// The Dockerfile, .dockerignore and docker-compose.yml, checked by reading them (no Docker engine runs
// in CI): what the image holds and runs, that its production-only node_modules has every package the
// processes import, and that the compose services' settings parse with the real config loaders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { repoRoot } from '../../dev/config.js';
import { components } from '../../dev/toolchain/components.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { expectStoreSearchAttributes } from './render.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const dockerfile = read('Dockerfile');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = instructions.filter((line) => line.startsWith('FROM '));
const stageOf = (from: string) => {
  const start = instructions.indexOf(from);
  const next = stages[stages.indexOf(from) + 1];
  return instructions.slice(start, next ? instructions.indexOf(next) : undefined);
};
const buildStage = stageOf(stages.find((line) => line.endsWith(' AS build'))!);
const runtimeStage = stageOf(stages.at(-1)!);

/** The top-level folders of every module api/main.ts and worker/main.ts import, directly or not. */
function importedDirs(): string[] {
  const seen = new Set<string>();
  const pending = ['api/main.ts', 'worker/main.ts'];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of read(file).matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm))
      pending.push(relative(repoRoot, join(repoRoot, dirname(file), specifier!.replace(/\.js$/, '.ts'))));
  }
  return [...new Set([...seen].map((file) => file.split('/')[0]!))].sort();
}
const runtimeDirs = importedDirs();

/** The paths `COPY <src>... <dest>` of a stage takes from the build context (not from another stage). */
const contextCopies = (stage: string[]) =>
  stage
    .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
    .flatMap((line) =>
      line
        .split(/\s+/)
        .slice(1, -1)
        .filter((word) => !word.startsWith('--')),
    );

/** .dockerignore as patterns: `dir`, `**\/*.ext`, `*.ext`; a `!` line re-includes. */
function ignored(path: string): boolean {
  let result = false;
  for (const raw of read('.dockerignore').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = negate ? line.slice(1) : line;
    const regex = new RegExp(
      `^${pattern
        .replace(/\./g, '\\.')
        .replace(/\*\*\//g, '(.*/)?')
        .replace(/\*/g, '[^/]*')}(/.*)?$`,
    );
    if (regex.test(path)) result = !negate;
  }
  return result;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

describe('Dockerfile', () => {
  it('when read, then helm is built from its Go module at the toolchain version in a stage of its own and copied into the runtime', () => {
    const helm = components.find((c) => c.name === 'helm')!;
    expect(stages[0]).toMatch(/^FROM golang:\S+ AS helm$/);
    expect(dockerfile).toContain(`ARG HELM_VERSION=${helm.version}`);
    expect(dockerfile).toMatch(/go install .*"helm\.sh\/helm\/v3\/cmd\/helm@\$\{HELM_VERSION\}"/s);
    expect(runtimeStage).toContain('COPY --from=helm /go/bin/helm /usr/local/bin/helm');
  });

  it('when read, then the runtime is Node 20 slim with production dependencies only, runs as uid 1000, and the command picks the compiled api or worker', () => {
    expect(dockerfile).toContain('ARG NODE_VERSION=20\n');
    expect(stages.slice(1).every((line) => line.startsWith('FROM node:${NODE_VERSION}-bookworm-slim'))).toBe(true);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtimeStage).toContain('USER 1000:1000');
    expect(runtimeStage).toContain('ENTRYPOINT ["node"]');
    expect(runtimeStage).toContain('CMD ["api/main.js"]');
    for (const entry of ['api/main.ts', 'worker/main.ts']) expect(existsSync(join(repoRoot, entry))).toBe(true);
  });

  it('when read, then a build stage compiles the sources with `npm run build` and the runtime takes only its output', () => {
    expect(buildStage).toContain('RUN npm run build');
    expect(contextCopies(buildStage)).toEqual(
      expect.arrayContaining([...runtimeDirs, 'tsconfig.json', 'tsconfig.build.json']),
    );
    expect(runtimeStage).toContain('COPY --from=build /app/dist ./');
    const build = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build;
    expect(build).toContain('tsc -p tsconfig.build.json');
    const included = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    expect([...included].sort()).toEqual(runtimeDirs);
  });

  it('when read, then the image holds the compiled code, the dashboard and the store charts, and .dockerignore keeps none of their sources out', () => {
    // The folders the processes import from, found by following their imports (a new folder must be compiled).
    expect(runtimeDirs).toEqual(['activities', 'api', 'controller', 'core', 'worker', 'workflows']);
    expect(contextCopies(buildStage)).toEqual(expect.arrayContaining(['web', 'charts/woocommerce', 'charts/medusa']));
    expect(contextCopies(runtimeStage)).toEqual(['package.json', 'package-lock.json']);
    for (const path of [...contextCopies(buildStage), ...contextCopies(runtimeStage)]) {
      expect(existsSync(join(repoRoot, path)), path).toBe(true);
      expect(ignored(path), path).toBe(false);
    }
    for (const file of [
      ...runtimeDirs.flatMap(sourceFiles),
      'charts/woocommerce/Chart.yaml',
      'charts/woocommerce/files/setup.sh',
      'web/index.html',
    ])
      expect(ignored(file), file).toBe(false);
    for (const path of [
      'node_modules',
      '.storefleet',
      '.git',
      'test',
      'dev',
      'api/app.test.ts',
      'activities/helm.test.ts',
    ])
      expect(ignored(path), path).toBe(true);
  });

  it('when the api and worker run from the image, then every package they import is a production dependency', () => {
    const dependencies = Object.keys(
      (JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies,
    );
    const imported = new Set<string>();
    for (const file of runtimeDirs.flatMap(sourceFiles)) {
      for (const [, specifier] of read(file).matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'/gm)) {
        if (specifier!.startsWith('node:')) continue;
        const parts = specifier!.split('/');
        imported.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !dependencies.includes(name))).toEqual([]);
    // Production runs compiled JavaScript: no TypeScript loader among what the image installs.
    expect(dependencies).not.toContain('tsx');
  });
});

type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  cap_drop?: string[];
};

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?message}` against `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, op?: string, arg?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`required: ${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('docker-compose.yml', () => {
  const compose = loadYaml<{ services: Record<string, ComposeService>; volumes?: Record<string, unknown> }>(
    read('docker-compose.yml'),
  );
  const services = compose.services;
  const env = (service: string, shell: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(services[service]!.environment ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), shell),
      ]),
    );

  it('when read, then Temporal, the worker and the API are there, both built from the Dockerfile into one image and selected by command', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['temporal', 'worker', 'api']));
    for (const [name, entry] of [
      ['worker', 'worker/main.js'],
      ['api', 'api/main.js'],
    ] as const) {
      expect(services[name]!.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
      expect(services[name]!.image).toBe('storefleet:local');
      expect(services[name]!.command).toEqual([entry]);
      expect(services[name]!.depends_on?.temporal?.condition).toBe('service_healthy');
      expect(services[name]!.read_only).toBe(true);
      expect(services[name]!.cap_drop).toEqual(['ALL']);
    }
  });

  it('when read, then the Temporal dev server listens for the containers, keeps its db in a volume and registers the store search attributes', () => {
    const temporal = services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/temporal:/);
    const command = temporal.command ?? [];
    expect(command.slice(0, 2)).toEqual(['server', 'start-dev']);
    expect(command).toContain('--ip=0.0.0.0');
    expect(command).toContain('--db-filename=/data/temporal.db');
    expectStoreSearchAttributes(command);
    expect(temporal.volumes).toContain('temporal-data:/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('temporal-data');
    expect(temporal.healthcheck?.test.slice(0, 2)).toEqual(['CMD', '/temporal']);
  });

  it("when read, then the worker's settings parse with its config loader and it uses the mounted kubeconfig", () => {
    const config = loadWorkerConfig(env('worker'));
    expect(config.temporal).toEqual({
      address: 'temporal:7233',
      namespace: 'default',
      taskQueue: 'storefleet',
      tls: false,
    });
    expect(config.kubeconfigPath).toBe('/kube/config');
    expect(config.metricsAddress).toBe('0.0.0.0:9464');
    expect(services.worker!.volumes).toContain('${KUBECONFIG_FILE:-~/.kube/config}:/kube/config:ro');
    expect(loadWorkerConfig(env('worker', { MAX_CONCURRENT_PROVISIONS: '3' })).maxConcurrentProvisions).toBe(3);
  });

  it('when read, then the API refuses to come up without an admin key, and with one its settings parse', () => {
    expect(() => env('api')).toThrow(/STOREFLEET_ADMIN_KEYS/);
    const config = loadApiConfig(env('api', { STOREFLEET_ADMIN_KEYS: '0123456789abcdef0123' }));
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, auth: { enabled: true } });
    expect(config.temporal).toEqual(loadWorkerConfig(env('worker')).temporal);
  });

  it('when read, then every published port is bound to 127.0.0.1 only', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(published.sort()).toEqual([
      '127.0.0.1:7233:7233',
      '127.0.0.1:8080:8080',
      '127.0.0.1:8233:8233',
      '127.0.0.1:9464:9464',
    ]);
  });
});
