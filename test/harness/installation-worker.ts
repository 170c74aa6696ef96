// The installation workflow's updates (the creation pause) are applied by a worker on the task queue the
// workflow was started on. In a test run that queue is whichever the run's first API used, and the file
// that used it may have stopped its worker long ago: a file that pauses creation runs a worker there,
// with the workflow bundle only (the installation workflow runs no activities).
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { installationWorkflowId, startInstallation } from '../../api/installation.js';
import { createTestWorker, installQuietRuntime, temporalClient } from './clients.js';

export interface InstallationWorker {
  /** The task queue the installation workflow runs on. */
  taskQueue: string;
  /** Stops the worker, then replays the installation workflow's history against today's code. */
  stop(): Promise<void>;
}

/**
 * Starts the installation workflow if it does not run yet (on `taskQueue`, whose worker this test file
 * runs already), and a worker on its queue unless that is `taskQueue`.
 */
export async function startInstallationWorker(taskQueue: string): Promise<InstallationWorker> {
  installQuietRuntime();
  const client = await temporalClient();
  const handle = await startInstallation(client, taskQueue);
  const { taskQueue: installationQueue } = await handle.describe();
  // One process may run only one worker per task queue: the file's own serves it then.
  const worker = installationQueue === taskQueue ? undefined : await createTestWorker({ taskQueue: installationQueue });
  const running = worker?.run();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue: installationQueue,
    stop() {
      stopped ??= (async () => {
        if (worker?.getState() === 'RUNNING') worker.shutdown();
        await running;
        const history = await client.workflow.getHandle(installationWorkflowId).fetchHistory();
        await Worker.runReplayHistory(
          { workflowBundle: { codePath: inject('workflowBundlePath') } },
          history,
          installationWorkflowId,
        );
      })();
      return stopped;
    },
  };
}
