// Deleting a store from any phase leaves nothing behind; a namespace held by a finalizer is reported
// and the delete finishes once the finalizer goes.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeUpdate, deleteSignal, deleteUpdate } from '../../core/messages.js';
import { cleanupWorkflowId, namespaceName, storeSelector } from '../../core/names.js';
import { eventually, helm, kubeConfig } from '../harness/clients.js';
import { injectPodFault } from '../harness/faults.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  // Short, so that the crash-looping store fails soon; long enough that a busy machine gets the others
  // Ready in time (15 s once left a store's setup Job unfinished at its deadline).
  worker = await startStoreWorker({ maxProvisionSeconds: 45 });
});
afterAll(() => worker.stop());

/** What the cluster still holds of a store: labelled namespaces, volumes that were its, releases. */
async function leftovers(id: string): Promise<string[]> {
  const namespaces = (await core.listNamespace({ labelSelector: storeSelector(id) })).items.map(
    (n) => `namespace/${n.metadata?.name}`,
  );
  const volumes = (await core.listPersistentVolume()).items
    .filter((pv) => pv.spec?.claimRef?.namespace === namespaceName(id))
    .map((pv) => `pv/${pv.metadata?.name}`);
  const releases = await helm(['list', '-A', '-a', '-q', '--filter', id]);
  return [
    ...namespaces,
    ...volumes,
    ...releases.stdout
      .split('\n')
      .filter(Boolean)
      .map((r) => `release/${r}`),
  ];
}

async function expectDeletedWithoutLeftovers(
  id: string,
  handle: Awaited<ReturnType<TestStoreWorker['createStore']>>,
): Promise<void> {
  const final = await handle.result();
  expect(final.phase).toBe('Deleted');
  expect(final.events.map((e) => e.reason)).toEqual(
    expect.arrayContaining(['DeleteRequested', 'ReleaseUninstalled', 'NamespaceDeleting', 'Deleted']),
  );
  await eventually(
    'the released volumes to be reclaimed',
    async () => ((await leftovers(id)).length === 0 ? true : undefined),
    30_000,
  );
}

describe('deleting a store', () => {
  it('when a Ready store is deleted with the update, then it ends Deleted and nothing of it is left', async () => {
    const id = storeId('del');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const accepted = await handle.executeUpdate(deleteUpdate);
    expect(accepted.events.at(-1)?.reason).toBe('DeleteRequested');
    await expectDeletedWithoutLeftovers(id, handle);
  });

  it('when a Failed store is deleted, then it ends Deleted and nothing of it is left', async () => {
    const id = storeId('delf');
    const fault = await injectPodFault(namespaceName(id), 'CrashLoopBackOff');
    try {
      const handle = await worker.createStore({ storeId: id, engine: 'medusa' });
      await waitForPhase(handle, 'Failed', 150_000);
      await handle.signal(deleteSignal);
      await expectDeletedWithoutLeftovers(id, handle);
    } finally {
      await fault.remove().catch(() => undefined);
    }
  });

  it('when a store is deleted during provisioning, then provisioning stops and it ends Deleted with nothing left', async () => {
    const id = storeId('delp');
    const fault = await injectPodFault(namespaceName(id), 'ImagePullBackOff');
    try {
      const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
      await eventually('the store to wait for readiness', async () => {
        const status = await storeStatus(handle);
        return status.conditions.find((c) => c.type === 'ReleaseDeployed')?.status === 'True' ? status : undefined;
      });
      await handle.signal(deleteSignal);
      await expectDeletedWithoutLeftovers(id, handle);
      await recordHistory('store-deleted-while-provisioning', handle.workflowId);
      const final = await handle.result();
      expect(final.events.map((e) => e.reason)).not.toContain('ProvisionTimeout');
    } finally {
      await fault.remove().catch(() => undefined);
    }
  });

  it('when a store is deleted during a plan change, then the change ends Failed without a rollback and nothing of the store is left', async () => {
    const id = storeId('delu');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    // The new plan's pods never start, so the delete finds the change under way.
    const fault = await injectPodFault(namespaceName(id), 'ImagePullBackOff');
    try {
      const accepted = await handle.executeUpdate(changeUpdate, { args: [{ plan: 'medium', by: 'the delete test' }] });
      expect(accepted).toMatchObject({
        phase: 'Upgrading',
        lastChange: { result: 'Upgrading', requestedBy: 'the delete test', to: { plan: 'medium' } },
      });
      await handle.signal(deleteSignal);
      await expectDeletedWithoutLeftovers(id, handle);
      const final = await handle.result();
      expect(final.lastChange).toMatchObject({
        result: 'Failed',
        message: 'plan small -> medium: not finished, the store is being deleted',
      });
      expect(final.events.map((e) => e.reason)).not.toContain('RolledBack');
    } finally {
      await fault.remove().catch(() => undefined);
    }
  });

  it('when a finalizer holds the namespace, then the store shows the blocking event and finishes once it is removed', async () => {
    const id = storeId('fin');
    const namespace = namespaceName(id);
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'held', finalizers: ['storefleet.io/test-hold'] }, data: {} },
    });

    await handle.signal(deleteSignal);
    const stuck = await eventually(
      'the NamespaceStuck event',
      async () => (await storeStatus(handle)).events.find((e) => e.reason === 'NamespaceStuck'),
      60_000,
    );
    expect(stuck.message).toContain('storefleet.io/test-hold');
    // What GET shows meanwhile: why it is stuck, and nothing of the store claimed to be true any more.
    const during = await storeStatus(handle);
    expect(during.phase).toBe('Deleting');
    expect(during.lastError).toBe(stuck.message);
    expect(during.conditions.filter((c) => c.status === 'True').map((c) => c.type)).toEqual([]);
    expect(during.conditions.find((c) => c.type === 'ReleaseDeployed')).toMatchObject({
      status: 'False',
      reason: 'ReleaseUninstalled',
    });

    await core.patchNamespacedConfigMap({
      name: 'held',
      namespace,
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await expectDeletedWithoutLeftovers(id, handle);
    await recordHistory('store-ready-deleted-stuck-namespace', handle.workflowId);
    await recordHistory('cleanup-stuck-namespace', cleanupWorkflowId(id));
  });
});
