import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../dev/config.js';

// Lints snippets as if they lived in a folder, with the project's own eslint.config.js.
// Type-aware rules are switched off: the snippets are not files the TypeScript project knows.
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: tseslint.configs.disableTypeChecked as ESLint.Options['overrideConfig'],
});

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('determinism rules for workflow-safe folders', () => {
  const cases = [
    {
      what: 'a Node built-in import',
      code: "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;",
      rule: '@typescript-eslint/no-restricted-imports',
    },
    {
      what: 'a bare built-in import',
      code: "import os from 'os';\nexport const o = os;",
      rule: '@typescript-eslint/no-restricted-imports',
    },
    {
      what: 'an I/O package',
      code: "import { execa } from 'execa';\nexport const e = execa;",
      rule: '@typescript-eslint/no-restricted-imports',
    },
    { what: 'Date.now()', code: 'export const t = Date.now();', rule: 'no-restricted-properties' },
    { what: 'Math.random()', code: 'export const r = Math.random();', rule: 'no-restricted-properties' },
    { what: 'setTimeout', code: 'setTimeout(() => undefined, 10);', rule: 'no-restricted-globals' },
    { what: 'process.env', code: 'export const e = process.env.X;', rule: 'no-restricted-globals' },
    // The worker shares these modules between its workflows (worker/bundle-workflows.ts).
    {
      what: 'a module-level let',
      code: 'let calls = 0;\nexport const f = () => ++calls;',
      rule: 'no-restricted-syntax',
    },
    {
      what: 'a module-level Map',
      code: 'export const seen = new Map<string, number>();',
      rule: 'no-restricted-syntax',
    },
  ];
  for (const folder of ['workflows', 'core']) {
    for (const { what, code, rule } of cases) {
      it(`when ${folder}/ uses ${what}, then lint fails with ${rule}`, async () => {
        expect(await ruleIdsFor(`${folder}/example.ts`, code)).toContain(rule);
      });
    }
  }

  it('when workflows/ or core/ hold a constant collection typed read-only, then lint passes', async () => {
    const code = "export const done: ReadonlySet<string> = new Set(['Ready']);";
    expect(await ruleIdsFor('workflows/example.ts', code)).toEqual([]);
    expect(await ruleIdsFor('core/example.ts', code)).toEqual([]);
  });

  it('when workflows/ imports activities with `import type`, then lint passes', async () => {
    const code = "import type * as activities from '../activities/index.js';\nexport type A = typeof activities;";
    expect(await ruleIdsFor('workflows/example.ts', code)).toEqual([]);
  });

  it('when workflows/ imports activities as values, then lint fails', async () => {
    const code = "import * as activities from '../activities/index.js';\nexport const a = activities;";
    expect(await ruleIdsFor('workflows/example.ts', code)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('when core/ imports something other than zod and the workflow message helpers, then lint fails', async () => {
    expect(await ruleIdsFor('core/example.ts', "import { execa } from 'execa';\nexport const s = execa;")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(await ruleIdsFor('core/example.ts', "import { z } from 'zod';\nexport const s = z.string();")).toEqual([]);
    expect(
      await ruleIdsFor(
        'core/example.ts',
        "import { defineSignal } from '@temporalio/workflow';\nexport const s = defineSignal('s');",
      ),
    ).toEqual([]);
  });

  it('when dev/ (host code) uses Date.now and node:fs, then lint allows it', async () => {
    expect(
      await ruleIdsFor(
        'dev/example.ts',
        "import { readFileSync } from 'node:fs';\nexport const t = [Date.now(), readFileSync];",
      ),
    ).toEqual([]);
  });
});
