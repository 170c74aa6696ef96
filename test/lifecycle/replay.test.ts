// Histories recorded from real runs must replay against today's workflow code: a change that is not
// deterministic (without patched()) fails here, before it can break running stores.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it, inject } from 'vitest';
import { installQuietRuntime } from '../harness/clients.js';
import * as workflows from '../../workflows/index.js';
import { historiesDir } from '../harness/histories.js';

installQuietRuntime();
const files = readdirSync(historiesDir).filter((file) => file.endsWith('.json'));

describe('recorded histories', () => {
  it('when the suite has histories, then every workflow the worker registers has at least one', () => {
    const recorded = new Set(
      files.map((file) =>
        workflowTypeOf(JSON.parse(readFileSync(`${historiesDir}/${file}`, 'utf8')) as RecordedHistory),
      ),
    );
    expect(Object.keys(workflows).filter((type) => !recorded.has(type))).toEqual([]);
  });

  it.each(files)('when %s is replayed, then the workflow code reproduces it', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${historiesDir}/${file}`, 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
    ).resolves.toBeUndefined();
  });
});

/** The workflow type a recorded history (`temporal workflow show --output json`) is of. */
interface RecordedHistory {
  events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
}

function workflowTypeOf(history: RecordedHistory): string | undefined {
  return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}
