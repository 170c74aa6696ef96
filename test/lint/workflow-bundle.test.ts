// The worker evaluates the workflow bundle's modules once for every workflow it holds, so whatever a
// workflow imports costs memory per store in flight: zod did, about 0.9 MB each (docs/benchmarks.md).
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

describe('the workflow bundle', () => {
  it('when the workflows are bundled, then zod is not in it (core/schemas.ts holds the zod schemas, outside what workflows import)', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code).toContain('storeWorkflow');
    expect(code.match(/node_modules\/zod\/[^"'\s]*/g) ?? []).toEqual([]);
  });
});
