// The creation pause as the API and the Store controller see it: read from the installation workflow's
// memo with describe() (no worker needed) and kept for at most `cacheMs` per process, read again in
// the background from half that age on, so while creates keep coming none waits for that read; set
// and cleared through the workflow's update (a worker applies it; none within the timeout is a 503),
// after which this process knows the new state at once.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  creationPausedMessage,
  creationPauseFromMemo,
  creationPauseMemoKey,
  setCreationPauseUpdate,
  type CreationPause,
  type CreationPauseChange,
} from '../core/creation-pause.js';
import { ApiError } from './errors.js';
import { expiringValue } from './expiring-values.js';
import { installationWorkflowId, startInstallation } from './installation.js';
import type { Caller } from './store-records.js';
import { temporalCall } from './temporal-errors.js';
import { runUpdate } from './update-errors.js';

/** How long a process may answer from the pause it read last. */
export const creationPauseCacheMs = 2000;

export function createCreationPause(options: {
  client: Client;
  /** The platform's task queue: its pause is the one read and set. */
  taskQueue: string;
  /** How long a pause or resume waits for a worker to apply it (503 beyond). */
  timeoutMs: number;
  cacheMs?: number;
}) {
  const { client, taskQueue, timeoutMs } = options;
  const memoKey = creationPauseMemoKey(taskQueue);

  async function read(): Promise<CreationPause> {
    const description = await temporalCall(() =>
      client.workflow
        .getHandle(installationWorkflowId)
        .describe()
        .catch((error: unknown) => {
          // No installation workflow yet: nothing was ever paused.
          if (error instanceof WorkflowNotFoundError) return undefined;
          throw error;
        }),
    );
    return creationPauseFromMemo(description?.memo?.[memoKey]);
  }
  const maxAgeMs = options.cacheMs ?? creationPauseCacheMs;
  const current = expiringValue(read, { maxAgeMs, refreshAfterMs: maxAgeMs / 2 });

  async function change(pause: { reason: string; pausedBy: string } | undefined): Promise<CreationPauseChange> {
    const handle = await startInstallation(client, taskQueue);
    const changed = await runUpdate(
      () =>
        client.connection.withDeadline(Date.now() + timeoutMs, () =>
          handle.executeUpdate(setCreationPauseUpdate, { args: [{ taskQueue, ...(pause ? { pause } : {}) }] }),
        ),
      {
        refused: (reason) => new ApiError(400, 'validation_failed', reason),
        gone: () =>
          new ApiError(
            503,
            'worker_unavailable',
            `workflow ${installationWorkflowId} ended before the request reached it; try again`,
            undefined,
            { 'Retry-After': '1' },
          ),
        name: setCreationPauseUpdate.name,
        timeoutMs,
      },
    );
    current.set(changed.after);
    return changed;
  }

  return {
    /** The pause now, at most `cacheMs` old. */
    state: (): Promise<CreationPause> => current.get(),
    /** The last pause this process read or set, without asking Temporal (for /metrics). */
    lastKnown: (): CreationPause | undefined => current.last(),
    pause: (reason: string, caller: Caller) => change({ reason, pausedBy: caller.keyId }),
    resume: () => change(undefined),
    /** Before a new store starts: 503 creation_paused while creation is paused. */
    async refuseWhilePaused(): Promise<void> {
      const pause = await current.get();
      if (pause.paused) throw new ApiError(503, 'creation_paused', creationPausedMessage(pause));
    },
  };
}

export type CreationPauseService = ReturnType<typeof createCreationPause>;
