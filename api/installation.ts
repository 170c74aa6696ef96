// The page-token key: STOREFLEET_PAGE_TOKEN_KEY when set, else one per installation kept in Temporal,
// in the memo of the installation workflow. Every replica offers a fresh random key when it starts that
// workflow; USE_EXISTING keeps the first one's, and describe() reads it back, so all replicas agree.
// Neither call needs a worker. The same workflow's memo holds the creation pause (creation-pause.ts).
import { randomBytes } from 'node:crypto';
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { installationWorkflow } from '../workflows/installation.js';
import { temporalCall } from './temporal-errors.js';

export const installationWorkflowId = 'storefleet-installation';

/**
 * The installation workflow, started on `taskQueue` when it does not run yet (the first API to start it
 * offers the page-token key that every replica then uses). Needs no worker.
 */
export async function startInstallation(client: Client, taskQueue: string) {
  return temporalCall(() =>
    client.workflow.start<typeof installationWorkflow>('installationWorkflow', {
      workflowId: installationWorkflowId,
      taskQueue,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      memo: { pageTokenKey: randomBytes(32).toString('base64url') },
    }),
  );
}

async function installationKey(client: Client, taskQueue: string): Promise<Buffer> {
  const handle = await startInstallation(client, taskQueue);
  const { memo } = await temporalCall(() => handle.describe());
  const key = memo?.pageTokenKey;
  if (typeof key !== 'string' || key.length < 43)
    throw new Error(`workflow ${installationWorkflowId} has no pageTokenKey in its memo`);
  return Buffer.from(key, 'base64url');
}

/**
 * The key, read once and kept; a failed read (Temporal down at start-up) is tried again on the next
 * use, so the API still comes up without Temporal.
 */
export function pageTokenKey(options: {
  configured?: string;
  client: Client;
  taskQueue: string;
}): () => Promise<Buffer> {
  const { configured, client, taskQueue } = options;
  if (configured) return () => Promise.resolve(Buffer.from(configured));
  let pending: Promise<Buffer> | undefined;
  return () =>
    (pending ??= installationKey(client, taskQueue).catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}
