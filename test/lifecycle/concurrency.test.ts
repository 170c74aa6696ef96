// MAX_CONCURRENT_PROVISIONS caps the helm and the readiness task queues: with 2 allowed and 6 stores, at
// most 2 helm commands and 2 readiness waits ever run at once, and every store still gets Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreActivities } from '../../activities/index.js';
import { injectPodReadyDelay, type Injected } from '../harness/faults.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

const prefix = storeId('cap');
const ids = Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`);
let worker: TestStoreWorker;
let delay: Injected;
const kinds = { helm: ['helmUpgradeInstall', 'rollbackRelease', 'uninstallRelease'], readiness: ['waitForReady'] } as const;
const running = { helm: 0, readiness: 0 };
const mostAtOnce = { helm: 0, readiness: 0 };

/** Counts helm commands and readiness waits in flight, leaving what they do unchanged. */
function countingReleaseSteps(activities: StoreActivities): StoreActivities {
  const counted = { ...activities } as Record<string, (...args: never[]) => Promise<unknown>>;
  for (const kind of ['helm', 'readiness'] as const) {
    for (const name of kinds[kind]) {
      const activity = counted[name]!;
      counted[name] = async (...args: never[]) => {
        running[kind] += 1;
        mostAtOnce[kind] = Math.max(mostAtOnce[kind], running[kind]);
        try {
          return await activity(...args);
        } finally {
          running[kind] -= 1;
        }
      };
    }
  }
  return counted as unknown as StoreActivities;
}

beforeAll(async () => {
  // Pods that take a moment to start keep readiness activities busy long enough to overlap.
  delay = await injectPodReadyDelay({ namespacePrefix: `store-${prefix}` }, 1500);
  worker = await startStoreWorker({ maxConcurrentProvisions: 2, wrapActivities: countingReleaseSteps });
});
afterAll(async () => {
  await worker.stop();
  await delay.remove();
});

describe('MAX_CONCURRENT_PROVISIONS', () => {
  it('when 6 stores are created with a cap of 2, then never more than 2 helm commands and 2 readiness waits run at once and all get Ready', async () => {
    const handles = await Promise.all(ids.map((id) => worker.createStore({ storeId: id, engine: 'woocommerce' })));
    await Promise.all(handles.map((handle) => waitForPhase(handle, 'Ready', 120_000)));
    expect(mostAtOnce.helm).toBeGreaterThan(0);
    expect(mostAtOnce.helm).toBeLessThanOrEqual(2);
    // Six stores waiting 1.5 s each fill both readiness slots, and never a third.
    expect(mostAtOnce.readiness).toBe(2);
  });
});
