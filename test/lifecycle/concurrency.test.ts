// MAX_CONCURRENT_PROVISIONS caps the helm task queue: with 2 allowed and 6 stores, at most 2 provisioning
// steps (namespace, guardrails, Secret, helm, readiness) ever run at once, and every store still gets Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmQueueActivities, type StoreActivities } from '../../activities/index.js';
import { injectPodReadyDelay, type Injected } from '../harness/faults.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

const prefix = storeId('cap');
const ids = Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`);
let worker: TestStoreWorker;
let delay: Injected;
let running = 0;
let mostAtOnce = 0;

/** Counts the helm-queue activities in flight, leaving what they do unchanged. */
function countingHelmQueue(activities: StoreActivities): StoreActivities {
  const counted = { ...activities } as Record<string, (...args: never[]) => Promise<unknown>>;
  for (const name of helmQueueActivities) {
    const activity = counted[name]!;
    counted[name] = async (...args: never[]) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        return await activity(...args);
      } finally {
        running -= 1;
      }
    };
  }
  return counted as unknown as StoreActivities;
}

beforeAll(async () => {
  // Pods that take a moment to start keep readiness activities busy long enough to overlap.
  delay = await injectPodReadyDelay({ namespacePrefix: `store-${prefix}` }, 1500);
  worker = await startStoreWorker({ maxConcurrentProvisions: 2, wrapActivities: countingHelmQueue });
});
afterAll(async () => {
  await worker.stop();
  await delay.remove();
});

describe('MAX_CONCURRENT_PROVISIONS', () => {
  it('when 6 stores are created with a cap of 2, then never more than 2 provisioning steps run at once and all get Ready', async () => {
    const handles = await Promise.all(ids.map((id) => worker.createStore({ storeId: id, engine: 'woocommerce' })));
    await Promise.all(handles.map((handle) => waitForPhase(handle, 'Ready', 120_000)));
    expect(mostAtOnce).toBe(2);
  });
});
