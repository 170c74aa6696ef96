// Many stores at once, some deleted mid-flight: every store ends in the right phase, nothing of the
// deleted ones leaks (namespaces, claims, volumes, releases) and no store's secret shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSignal } from '../../core/messages.js';
import { reasons } from '../../core/status.js';
import { eventually } from '../harness/clients.js';
import { expectNoSecretShown, expectNothingLeaked, storeSecretValues, type StoreRef } from '../harness/end-checks.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;

beforeAll(async () => {
  worker = await startStoreWorker({ maxProvisionSeconds: 300 });
});
afterAll(() => worker.stop());

describe('a fleet', () => {
  it('when 30 stores are created at once and 10 of them deleted during provisioning, then 20 are Ready, 10 Deleted, nothing of those leaked and no secret shown', async () => {
    const batch = storeId('fleet');
    const stores: StoreRef[] = Array.from({ length: 30 }, (_, i) => ({
      storeId: `${batch}-${i}`,
      engine: i % 2 ? 'medusa' : 'woocommerce',
    }));
    const handles = await Promise.all(stores.map((store) => worker.createStore(store)));
    const doomed = handles.slice(0, 10);
    // The secrets of a few doomed stores (both engines), read as soon as they exist (before helm runs):
    // after the delete nothing is left to read. Each store waits only for its own, so that the others'
    // deletes still come mid-provisioning.
    const secrets: string[] = [];
    await Promise.all(
      doomed.map(async (handle, i) => {
        const id = stores[i]!.storeId;
        // 30 stores share the helm queue's slots: on a busy machine a store's first steps may wait minutes.
        if (i < 3) secrets.push(...(await eventually(`the secret of ${id}`, () => storeSecretValues(id), 240_000)));
        await handle.signal(deleteSignal);
      }),
    );

    const deleted = await Promise.all(doomed.map((handle) => handle.result()));
    expect(deleted.map((s) => s.phase)).toEqual(Array(10).fill('Deleted'));
    // Deleted mid-flight, as the test says: none of them had been Ready.
    expect(deleted.filter((s) => s.events.some((e) => e.reason === reasons.StoreReady)).map((s) => s.storeId)).toEqual(
      [],
    );
    const ready = await Promise.all(handles.slice(10).map((handle) => waitForPhase(handle, 'Ready', 300_000)));
    expect(ready).toHaveLength(20);
    for (const { storeId: id } of stores.slice(10, 13)) secrets.push(...(await storeSecretValues(id)));

    await expectNothingLeaked({ ready: stores.slice(10), deleted: stores.slice(0, 10) });
    await expectNoSecretShown(
      worker.client,
      stores.map((store) => store.storeId),
      secrets,
      worker.logs,
    );
  }, 600_000);
});
