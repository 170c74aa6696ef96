// A kube-apiserver outage timed by the activities themselves, so it hits exactly the steps a test names:
// each named step of a named store is held at its start until all of them have arrived, then the
// apiserver stops, they run into the outage, and it comes back after `downMs`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreActivities } from '../../activities/index.js';
import type { RunningCluster } from '../../dev/cluster/simulated.js';

export interface HeldStep {
  activity: keyof StoreActivities;
  storeId: string;
}

export interface ApiserverOutage {
  /** For startStoreWorker's wrapActivities. */
  hold: (activities: StoreActivities) => StoreActivities;
  /**
   * Resolves once the apiserver serves again, with when it was stopped and when its start began (ms): it
   * served no request in between.
   */
  over: Promise<{ downAt: number; restartAt: number }>;
}

type StoreStep = (target: { storeId: string }, ...rest: unknown[]) => Promise<unknown>;

export function apiserverOutage(
  cluster: Pick<RunningCluster, 'stopApiserver' | 'startApiserver'>,
  downMs: number,
  steps: HeldStep[],
): ApiserverOutage {
  const key = (activity: string, storeId: string) => `${activity}/${storeId}`;
  const held = new Set(steps.map((step) => key(step.activity, step.storeId)));
  const notArrived = new Set(held);
  let begin: () => void = () => undefined;
  const down = new Promise<void>((resolve) => (begin = resolve));
  let downAt = 0;
  const over = down.then(async () => {
    await sleep(downMs);
    const restartAt = Date.now();
    await cluster.startApiserver();
    return { downAt, restartAt };
  });

  const hold = (activities: StoreActivities): StoreActivities => {
    const wrapped = { ...activities } as unknown as Record<string, StoreStep>;
    for (const activity of new Set(steps.map((step) => step.activity))) {
      const run = wrapped[activity]!;
      wrapped[activity] = async (target, ...rest) => {
        const name = key(activity, target.storeId);
        if (held.has(name)) {
          if (notArrived.delete(name) && notArrived.size === 0) {
            downAt = Date.now();
            await cluster.stopApiserver();
            begin();
          }
          await down;
        }
        return run(target, ...rest);
      };
    }
    return wrapped as unknown as StoreActivities;
  };
  return { hold, over };
}
