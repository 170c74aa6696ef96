// What the worker loads: the workflow bundle. Its modules are preloaded, evaluated once per worker and
// shared by every workflow (worker/bundle-workflows.ts); zod stays out of it all the same (core/store-spec.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

const bundle = () => readFileSync(inject('workflowBundlePath'), 'utf8');

describe('the workflow bundle', () => {
  it('when the workflows are bundled, then zod is not in it (core/schemas.ts holds the zod schemas, outside what workflows import)', () => {
    const code = bundle();
    expect(code).toContain('storeWorkflow');
    expect(code.match(/node_modules\/zod\/[^"'\s]*/g) ?? []).toEqual([]);
  });

  it('when the workflows are bundled, then their entry point is preloaded, so the worker evaluates their modules once, not per workflow', () => {
    const preloaded = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(bundle())?.[1];
    expect(preloaded).toMatch(/__webpack_require__\([^)]*"\.\/test\/harness\/workflows\.ts"\)/);
  });
});
