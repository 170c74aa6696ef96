// storefleet's own worker and API under `npm start`: when one crashes it is started again, after a
// back-off that grows while it keeps crashing, as kubelet does with a container, and the supervisor
// says so. They keep no state of their own (it is all in Temporal and the cluster), so a restart
// loses nothing; the platform stops only on Ctrl-C.
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from './output.js';
import type { ManagedProcess } from './process.js';

/** Delays before each restart: doubling from 1 s up to 30 s. */
export function restartDelayMs(crashesInARow: number): number {
  return Math.min(1000 * 2 ** Math.max(0, crashesInARow - 1), 30_000);
}

/** A run this long counts as healthy: the next crash starts the back-off from the beginning. */
export const healthyRunMs = 60_000;

export interface RestartingService {
  readonly name: string;
  /** The process running now (a new one after each restart). */
  current(): ManagedProcess;
  stop(): Promise<void>;
}

export function keepRestarting(
  first: ManagedProcess,
  startAgain: () => Promise<ManagedProcess>,
  say: (line: string) => void,
): RestartingService {
  let current = first;
  let stopping = false;
  let crashesInARow = 0;
  // A start under way when the platform stops: stop() waits for it, so its process is not left behind.
  let starting: Promise<ManagedProcess> | undefined;

  /** Starts it again until a start succeeds; each failed start counts as one more crash in a row. */
  const startUntilItRuns = async (): Promise<ManagedProcess | undefined> => {
    while (!stopping) {
      try {
        starting = startAgain();
        return await starting;
      } catch (error) {
        if (stopping) return undefined;
        crashesInARow += 1;
        const retryIn = restartDelayMs(crashesInARow);
        say(
          `${first.name} did not start again: ${error instanceof Error ? error.message : String(error)}; trying again in ${formatDuration(retryIn)}`,
        );
        await sleep(retryIn);
      }
    }
    return undefined;
  };

  const supervise = async () => {
    for (;;) {
      const startedAt = Date.now();
      const code = await current.exited;
      if (stopping || current.isStopping) return;
      // Forget the dead pid (stop() on an exited process only unregisters it).
      await current.stop();
      crashesInARow = Date.now() - startedAt >= healthyRunMs ? 1 : crashesInARow + 1;
      const delay = restartDelayMs(crashesInARow);
      say(
        `${current.name} exited unexpectedly (${code === null ? 'killed by a signal' : `code ${code}`}); restarting it in ${formatDuration(delay)} (crash ${crashesInARow} in a row). Last lines of ${current.logFile}:\n${current.logTail()}`,
      );
      await sleep(delay);
      const restarted = await startUntilItRuns();
      if (!restarted) return;
      current = restarted;
      if (stopping) return;
      say(`${current.name} restarted (pid ${current.pid})`);
    }
  };
  void supervise();

  return {
    name: first.name,
    current: () => current,
    async stop() {
      stopping = true;
      await starting?.catch(() => undefined);
      await current.stop();
    },
  };
}
