// A store that cannot become ready fails with the reason, and the `retry` signal sent with the real
// temporal CLI brings it back once the cause is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../core/names.js';
import { eventually, temporalCli } from '../harness/clients.js';
import { injectPodFault } from '../harness/faults.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  // Short enough to fail fast, long enough for a healthy store on a busy machine.
  worker = await startStoreWorker({ maxProvisionSeconds: 15 });
});
afterAll(() => worker.stop());

describe('a store whose pods never become ready', () => {
  it('when provisioning times out, then it is Failed naming the pod reason; after the fault is removed the CLI retry signal makes it Ready, and a retry of a Ready store is ignored', async () => {
    const id = storeId('stuck');
    const fault = await injectPodFault(namespaceName(id), 'ImagePullBackOff');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });

    const failed = await waitForPhase(handle, 'Failed', 60_000);
    expect(failed.lastError).toMatch(/pod .*: container .*: ImagePullBackOff/);
    expect(failed.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
      status: 'False',
      reason: 'ProvisionTimeout',
    });
    expect(failed.conditions.find((c) => c.type === 'ReleaseDeployed')?.status).toBe('True');
    // It gave up at the configured time (15 s), not much earlier or later.
    const eventTime = (reason: string) => Date.parse(failed.events.find((e) => e.reason === reason)?.time ?? '');
    const waitedSeconds = (eventTime('ProvisionTimeout') - eventTime('Progressing')) / 1000;
    expect(waitedSeconds).toBeGreaterThanOrEqual(14);
    expect(waitedSeconds).toBeLessThan(20);
    await eventually('the Failed store to be found by a visibility query', async () => {
      for await (const execution of worker.client.workflow.list({
        query: `StorePhase = 'Failed' AND StoreId = '${id}'`,
      }))
        return execution.workflowId;
      return undefined;
    });

    await fault.remove();
    await temporalCli(['workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'retry']);

    const ready = await waitForPhase(handle, 'Ready', 60_000);
    expect(ready.attempts).toBe(2);
    expect(ready.lastError).toBeUndefined();
    expect(ready.events.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['ProvisionTimeout', 'RetryRequested', 'StoreReady']),
    );

    // Once Ready, a retry changes nothing but is on record.
    await handle.signal('retry');
    const ignored = await eventually('the ignored retry', async () =>
      (await storeStatus(handle)).events.some((e) => e.reason === 'RetryIgnored') ? storeStatus(handle) : undefined,
    );
    expect(ignored).toMatchObject({ phase: 'Ready', attempts: 2 });
    await handle.signal('delete');
    expect((await handle.result()).phase).toBe('Deleted');
    await recordHistory('store-failed-retried-deleted', handle.workflowId);
  });
});
