// A plan change or chart upgrade of one store through its `change` update, on the simulated cluster
// with real helm: the upgrade, the rollback when the new release does not get ready, and refusals.
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeUpdate, type StoreChange } from '../../core/messages.js';
import { namespaceName, quotaName, releaseName } from '../../core/names.js';
import { plans } from '../../core/plans.js';
import type { StoreStatus } from '../../core/status.js';
import { chartCatalog, migrationPods, type ChartCatalog } from '../harness/chart-catalog.js';
import { helm, kubeConfig } from '../harness/clients.js';
import { injectJobFailure } from '../harness/faults.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let catalog: ChartCatalog;
let worker: TestStoreWorker;

beforeAll(async () => {
  catalog = await chartCatalog();
  worker = await startStoreWorker({ chartsDir: catalog.dir, maxProvisionSeconds: 60 });
});
afterAll(async () => {
  await worker?.stop();
  catalog?.remove();
});

async function readyStore(prefix: string, plan: 'small' | 'medium' = 'small') {
  const id = storeId(prefix);
  const handle = await worker.createStore({ storeId: id, engine: 'woocommerce', plan });
  const ready = await waitForPhase(handle, 'Ready');
  return { id, handle, ready };
}

async function change(
  handle: Awaited<ReturnType<typeof readyStore>>['handle'],
  request: Omit<StoreChange, 'by'>,
): Promise<StoreStatus> {
  return handle.executeUpdate(changeUpdate, { args: [{ ...request, by: 'the upgrade test' }] });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return rootCause((error as WorkflowUpdateFailedError).cause) ?? '';
}

async function deployedRelease(id: string) {
  const list = await helm(['list', '-n', namespaceName(id), '-o', 'json']);
  const [release] = JSON.parse(list.stdout) as Array<{ revision: string; status: string; chart: string }>;
  return { revision: release?.revision, status: release?.status, chart: release?.chart };
}

/** Waits until the store has left Upgrading. */
async function settled(handle: Awaited<ReturnType<typeof readyStore>>['handle']): Promise<StoreStatus> {
  for (;;) {
    const status = await storeStatus(handle);
    if (status.phase !== 'Upgrading') return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a chart upgrade of one store', () => {
  it('when a Ready store is asked for the next chart version, then it runs it on a new release revision, Ready, with its migration done', async () => {
    const { id, handle, ready } = await readyStore('upg');
    expect(ready).toMatchObject({ chartVersion: catalog.shipped, revision: 1 });

    const accepted = await change(handle, { chartVersion: catalog.next });
    expect(accepted).toMatchObject({
      phase: 'Upgrading',
      lastChange: { result: 'Upgrading', requestedBy: 'the upgrade test', to: { chartVersion: catalog.next } },
    });
    const done = await settled(handle);
    expect(done).toMatchObject({
      phase: 'Ready',
      chartVersion: catalog.next,
      revision: 2,
      lastChange: {
        result: 'Upgraded',
        revision: 2,
        requestedBy: 'the upgrade test',
        from: { chartVersion: catalog.shipped, revision: 1 },
        to: { chartVersion: catalog.next },
      },
    });
    expect(done.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['ChangeRequested', 'Upgraded']));

    const jobs = await kubeConfig()
      .makeApiClient(BatchV1Api)
      .listNamespacedJob({ namespace: namespaceName(id) });
    const migrate = jobs.items.find((job) => job.metadata?.name?.includes('-migrate-'));
    expect(migrate?.status?.succeeded).toBe(1);
    expect(await deployedRelease(id)).toEqual({
      revision: '2',
      status: 'deployed',
      chart: `woocommerce-${catalog.next}`,
    });

    expect(await refusal(change(handle, { chartVersion: catalog.next }))).toMatch(
      /nothing to change: the store runs plan small and chart 0.2.0/,
    );
    await recordHistory('store-upgraded', handle.workflowId);
  });

  it('when the new release never gets ready (its migration Job fails), then the store is rolled back and Ready on its old chart, with the failure recorded', async () => {
    const { id, handle } = await readyStore('upg-fail');
    const fault = await injectJobFailure(namespaceName(id), migrationPods);
    try {
      await change(handle, { chartVersion: catalog.next });
      const done = await settled(handle);
      expect(done.phase).toBe('Ready');
      expect(done.chartVersion).toBe(catalog.shipped);
      expect(done.lastChange).toMatchObject({ result: 'RolledBack', from: { revision: 1 }, revision: 3 });
      expect(done.lastChange?.message).toMatch(
        /chart 0\.1\.0 -> 0\.2\.0 failed \(a job of the release failed .*migrate.*BackoffLimitExceeded/,
      );
      expect(done.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['UpgradeFailed', 'RolledBack']));

      expect(await deployedRelease(id)).toEqual({
        revision: '3',
        status: 'deployed',
        chart: `woocommerce-${catalog.shipped}`,
      });
      const jobs = await kubeConfig()
        .makeApiClient(BatchV1Api)
        .listNamespacedJob({ namespace: namespaceName(id) });
      // The migration Job went with the failed revision; the setup Job is the old chart's again.
      const live = jobs.items.filter((job) => !job.metadata?.deletionTimestamp).map((job) => job.metadata?.name);
      expect(live).toEqual([
        expect.stringMatching(new RegExp(`^${releaseName('woocommerce', id)}-setup-[0-9a-f]{8}$`)),
      ]);
      await recordHistory('store-upgrade-rolled-back', handle.workflowId);
    } finally {
      await fault.remove();
    }
  });

  it('when the plan grows, then the quota, limits and pods take the new plan while the volumes keep their size', async () => {
    const { id, handle } = await readyStore('upg-plan');
    await change(handle, { plan: 'medium' });
    const done = await settled(handle);
    expect(done).toMatchObject({ phase: 'Ready', plan: 'medium', lastChange: { result: 'Upgraded' } });

    const namespace = namespaceName(id);
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const quota = await core.readNamespacedResourceQuota({ name: quotaName, namespace });
    expect(quota.spec?.hard).toEqual(plans.medium.quota);
    const wordpress = await kubeConfig()
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: `${releaseName('woocommerce', id)}-wordpress`, namespace });
    expect(wordpress.spec?.template.spec?.containers[0]?.resources?.requests).toMatchObject({ memory: '768Mi' });
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
    expect(claims.items.map((claim) => claim.spec?.resources?.requests?.storage).sort()).toEqual(['5Gi', '5Gi']);
  });

  it('when the current usage does not fit the smaller plan, or the chart version does not exist, then the change is refused and nothing changes', async () => {
    const { handle, ready } = await readyStore('upg-no', 'medium');
    expect(await refusal(change(handle, { plan: 'small' }))).toMatch(
      /requests\.storage: 30Gi in use, plan small allows 20Gi/,
    );
    expect(await refusal(change(handle, { chartVersion: '9.9.9' }))).toMatch(
      /no woocommerce chart 9\.9\.9 in the charts directory; available: 0\.1\.0, 0\.2\.0/,
    );
    const after = await storeStatus(handle);
    expect(after).toMatchObject({ phase: 'Ready', plan: 'medium', revision: ready.revision });
  });
});

describe('a chart upgrade whose rollback fails too', () => {
  let strict: TestStoreWorker;
  beforeAll(async () => {
    // A short deadline: the rollback's readiness gives up within it.
    strict = await startStoreWorker({ chartsDir: catalog.dir, maxProvisionSeconds: 25 });
  });
  afterAll(() => strict?.stop());

  it('when every Job of the store fails (the migration, then the old setup Job the rollback brings back), then the store is Failed with RollbackFailed and says both causes', async () => {
    const id = storeId('upg-rbf');
    const handle = await strict.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const fault = await injectJobFailure(namespaceName(id));
    try {
      await change(handle, { chartVersion: catalog.next });
      const done = await settled(handle);
      expect(done.phase).toBe('Failed');
      expect(done.lastChange).toMatchObject({ result: 'Failed' });
      expect(done.lastError).toMatch(
        /chart 0\.1\.0 -> 0\.2\.0 failed \(.*migrate.*\) and the rollback failed too: .*setup/,
      );
      expect(done.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['UpgradeFailed', 'RollbackFailed']));
    } finally {
      await fault.remove();
    }
  });
});
