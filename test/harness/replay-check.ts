// Every workflow a test ran must replay against the same workflow code: a nondeterministic path that
// the recorded histories (test/lifecycle/replay.test.ts) do not cover would otherwise show only once
// a worker lost its cache, as queries and tasks failing on that store for good.
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';

/** Replays the histories of every workflow that ran on `taskQueue`; throws naming each that does not replay. */
export async function expectHistoriesReplay(client: Client, taskQueue: string): Promise<void> {
  const histories = client.workflow.list({ query: `TaskQueue = "${taskQueue}"` }).intoHistories();
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') } },
    histories,
  )) {
    if (result.error) failures.push(`${result.workflowId} (run ${result.runId}): ${result.error.message}`);
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} workflow(s) of task queue ${taskQueue} do not replay:\n${failures.join('\n')}`);
}
