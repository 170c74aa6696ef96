// With the storefront check on, a Ready store's pages are requested through its URL. The simulated
// cluster's pods run no containers and nothing serves the store's host, so the check must report that
// (naming each page and its error) while the store stays Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/clients.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  worker = await startStoreWorker({ storefrontCheck: true });
});
afterAll(() => worker.stop());

describe('the storefront check', () => {
  it('when the store URL does not answer, then the store is Ready with StorefrontReachable False naming each page, and a Warning event', async () => {
    const id = storeId('front');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const checked = await eventually('the storefront condition', async () => {
      const status = await storeStatus(handle);
      return status.conditions.find((c) => c.type === 'StorefrontReachable' && c.status !== 'Unknown')
        ? status
        : undefined;
    });
    expect(checked.phase).toBe('Ready');
    const condition = checked.conditions.find((c) => c.type === 'StorefrontReachable');
    expect(condition).toMatchObject({ status: 'False', reason: 'StorefrontUnreachable' });
    for (const page of ['home page', 'admin login', 'product list (Store API)'])
      expect(condition?.message).toContain(`${page} failed: `);
    expect(checked.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'StorefrontUnreachable' });
    await handle.signal('delete');
    await waitForPhase(handle, 'Deleted');
  });
});
