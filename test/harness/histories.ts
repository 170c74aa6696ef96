// Histories of real runs, saved for the replay test: run the test files that record them with
// STOREFLEET_RECORD_HISTORIES=1 to refresh test/histories/ after a deliberate workflow change.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually, temporalCli, temporalClient } from './clients.js';

export const historiesDir = fileURLToPath(new URL('../histories', import.meta.url));

const recording = () => process.env.STOREFLEET_RECORD_HISTORIES === '1';

export async function recordHistory(name: string, workflowId: string): Promise<void> {
  if (!recording()) return;
  const { stdout } = await temporalCli(['workflow', 'show', '--workflow-id', workflowId, '--output', 'json']);
  writeFileSync(`${historiesDir}/${name}.json`, `${JSON.stringify(JSON.parse(stdout), null, 1)}\n`);
}

/** Records a finished workflow of `workflowType` that ran on `taskQueue`: for those whose ids are random (the API's reads). */
export async function recordHistoryOfType(name: string, taskQueue: string, workflowType: string): Promise<void> {
  if (!recording()) return;
  const query = `TaskQueue = "${taskQueue}" AND WorkflowType = "${workflowType}" AND ExecutionStatus = "Completed"`;
  const client = await temporalClient();
  const workflowId = await eventually(
    `a completed ${workflowType} on task queue ${taskQueue} to record`,
    async () => {
      for await (const execution of client.workflow.list({ query })) return execution.workflowId;
      return undefined;
    },
    10_000,
  );
  await recordHistory(name, workflowId);
}
