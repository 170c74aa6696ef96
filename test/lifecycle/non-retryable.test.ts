// Failures a retry cannot fix stop at once with their own reason instead of burning the retry budget.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  worker = await startStoreWorker({ chartsDir: fileURLToPath(new URL('../fixtures/charts/rejected', import.meta.url)) });
});
afterAll(() => worker.stop());

describe('failures that retrying cannot fix', () => {
  it.each([
    ['woocommerce', 'InvalidChartValues', /values don't meet the specifications of the schema/],
    ['medusa', 'QuotaExceeded', /exceeded quota/],
  ] as const)('when the %s release is rejected, then the store is Failed with %s after one helm attempt', async (engine, reason, message) => {
    const handle = await worker.createStore({ storeId: storeId('rej'), engine });
    const status = await waitForPhase(handle, 'Failed', 30_000);
    expect(status.conditions.find((c) => c.type === 'ReleaseDeployed')).toMatchObject({ status: 'False', reason });
    expect(status.lastError).toMatch(message);
    const history = await handle.fetchHistory();
    const helmAttempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).length ?? 0;
    // ensureNamespace, applyGuardrails, ensureAdminSecret, then helm once: no retries.
    expect(helmAttempts).toBe(4);
    expect(history.events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
  });
});
