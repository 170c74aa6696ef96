// Failures a retry cannot fix stop at once with their own reason instead of burning the retry budget.
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  worker = await startStoreWorker({
    chartsDir: fileURLToPath(new URL('../fixtures/charts/rejected', import.meta.url)),
  });
});
afterAll(() => worker.stop());

describe('failures that retrying cannot fix', () => {
  it.each([
    ['woocommerce', 'InvalidChartValues', /values don't meet the specifications of the schema/],
    ['medusa', 'QuotaExceeded', /exceeded quota/],
  ] as const)(
    'when the %s release is rejected, then the store is Failed with %s after one helm attempt',
    async (engine, reason, message) => {
      const handle = await worker.createStore({ storeId: storeId('rej'), engine });
      const status = await waitForPhase(handle, 'Failed', 30_000);
      expect(status.conditions.find((c) => c.type === 'ReleaseDeployed')).toMatchObject({ status: 'False', reason });
      expect(status.lastError).toMatch(message);
      const events = (await handle.fetchHistory()).events ?? [];
      const helm = events.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'helmUpgradeInstall',
      );
      const ofHelm = (scheduledEventId: unknown) =>
        helm !== undefined && String(scheduledEventId) === String(helm.eventId);
      // Temporal records one Started event for an activity however often it ran; its attempt says how often.
      const started = events.find((e) => ofHelm(e.activityTaskStartedEventAttributes?.scheduledEventId));
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);
      const failed = events.find((e) =>
        ofHelm(e.activityTaskFailedEventAttributes?.scheduledEventId),
      )?.activityTaskFailedEventAttributes;
      expect(failed?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
      expect(failed?.retryState).toBe(proto.temporal.api.enums.v1.RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      // Nothing after the rejected release was tried again either.
      expect(
        events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'helmUpgradeInstall'),
      ).toHaveLength(1);
    },
  );
});
