// Many stores at once, some deleted mid-flight: every store ends in the right phase and nothing of
// the deleted ones leaks (namespaces, releases, volumes).
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSignal } from '../../core/messages.js';
import { helm, kubeConfig } from '../harness/clients.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  worker = await startStoreWorker({ maxProvisionSeconds: 300 });
});
afterAll(() => worker.stop());

describe('a fleet', () => {
  it('when 30 stores are created at once and 10 of them deleted during provisioning, then 20 are Ready, 10 Deleted and nothing of those leaked', async () => {
    const batch = storeId('fleet');
    const ids = Array.from({ length: 30 }, (_, i) => `${batch}-${i}`);
    const handles = await Promise.all(ids.map((id, i) => worker.createStore({ storeId: id, engine: i % 2 ? 'medusa' : 'woocommerce' })));
    const doomed = handles.slice(0, 10);
    await Promise.all(doomed.map((handle) => handle.signal(deleteSignal)));

    const deleted = await Promise.all(doomed.map((handle) => handle.result()));
    expect(deleted.map((s) => s.phase)).toEqual(Array(10).fill('Deleted'));
    const ready = await Promise.all(handles.slice(10).map((handle) => waitForPhase(handle, 'Ready', 300_000)));
    expect(ready).toHaveLength(20);

    const namespaces = (await core.listNamespace({ labelSelector: 'app.kubernetes.io/part-of=storefleet' })).items
      .map((n) => n.metadata?.labels?.['storefleet.io/store-id'] ?? '')
      .filter((id) => id.startsWith(`${batch}-`));
    expect(namespaces.sort()).toEqual(ids.slice(10).sort());
    const releases = (JSON.parse((await helm(['list', '-A', '-a', '-o', 'json', '--filter', batch])).stdout) as Array<{ name: string; status: string }>);
    expect(releases.map((r) => r.status)).toEqual(Array(20).fill('deployed'));
    const leakedVolumes = (await core.listPersistentVolume()).items.filter((pv) => ids.slice(0, 10).some((id) => pv.spec?.claimRef?.namespace === `store-${id}` && pv.status?.phase !== 'Released'));
    expect(leakedVolumes).toEqual([]);
  }, 600_000);
});
