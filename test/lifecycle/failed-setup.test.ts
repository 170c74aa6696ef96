// A setup Job that failed never runs again by itself (Jobs are immutable and finished): a retry
// deletes it so the upgrade creates it anew.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../core/names.js';
import { injectJobFailure } from '../harness/faults.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  worker = await startStoreWorker({
    maxProvisionSeconds: 6,
    chartsDir: fileURLToPath(new URL('../fixtures/charts/failing-setup', import.meta.url)),
  });
});
afterAll(() => worker.stop());

describe('a store whose setup Job failed', () => {
  it('when the cause is fixed and the store retried, then the Job runs again and the store gets Ready', async () => {
    const id = storeId('job');
    const fault = await injectJobFailure(namespaceName(id));
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    const failed = await waitForPhase(handle, 'Failed', 30_000);
    expect(failed.lastError).toMatch(/job .*-setup: BackoffLimitExceeded/);

    await fault.remove();
    await handle.signal('retry');
    const ready = await waitForPhase(handle, 'Ready', 30_000);
    expect(ready.attempts).toBe(2);
  });
});
