// Histories recorded from real runs must replay against today's workflow code: a change that is not
// deterministic (without patched()) fails here, before it can break running stores.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it, inject } from 'vitest';
import { installQuietRuntime } from '../harness/clients.js';
import { historiesDir } from '../harness/histories.js';

installQuietRuntime();
const files = readdirSync(historiesDir).filter((file) => file.endsWith('.json'));

describe('recorded histories', () => {
  it('when the suite has histories, then there are some for both workflows', () => {
    expect(files.some((f) => f.startsWith('store-'))).toBe(true);
    expect(files.some((f) => f.startsWith('cleanup-'))).toBe(true);
  });

  it.each(files)('when %s is replayed, then the workflow code reproduces it', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${historiesDir}/${file}`, 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
