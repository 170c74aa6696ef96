// The audit trail of a store: the timelines of all its workflow runs, oldest first. A store that
// continued as new has several runs; each run's first event names the run before it.
import type { Client } from '@temporalio/client';
import { storeWorkflowId } from '../core/names.js';
import { timelineOf, type TimelineEntry } from './history-timeline.js';
import { temporalCall } from './temporal-errors.js';

/** Enough for years of drift checks; older runs are left to the Temporal UI. */
const maxRuns = 20;

export async function storeTimeline(
  client: Client,
  storeId: string,
): Promise<{ timeline: TimelineEntry[]; runs: number; truncated: boolean }> {
  const runs: TimelineEntry[][] = [];
  let runId: string | undefined;
  do {
    const history = await temporalCall(() => client.workflow.getHandle(storeWorkflowId(storeId), runId).fetchHistory());
    const events = history.events ?? [];
    runs.unshift(timelineOf(events));
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  } while (runId && runs.length < maxRuns);
  return { timeline: runs.flat(), runs: runs.length, truncated: Boolean(runId) };
}
