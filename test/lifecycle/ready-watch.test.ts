// A Ready store keeps being looked at (every DRIFT_CHECK_SECONDS, here 2 s): release objects that
// someone deleted or changed are put back from the deployed revision's manifest, and workloads that
// stop being ready flip StoreReady while the phase stays Ready. Through the real worker process, so its
// metrics endpoint counts the failed checks.
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespaceName, releaseName } from '../../core/names.js';
import { freePort } from '../../dev/ports.js';
import { eventually, kubeConfig, temporalClient, uniqueName } from '../harness/clients.js';
import { injectPodFault } from '../harness/faults.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorkflow, storeId, storeStatus, waitForPhase } from '../harness/store-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../harness/worker-process.js';

const taskQueue = uniqueName('watch');
let worker: WorkerProcess;
let metricsUrl: string;

beforeAll(async () => {
  const metrics = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${metrics}/metrics`;
  worker = await startWorkerProcess(taskQueue, {
    DRIFT_CHECK_SECONDS: '2',
    STOREFLEET_STOREFRONT_CHECK: 'off',
    STOREFLEET_WORKER_METRICS: metrics,
  });
  // STOREFLEET_WORKFLOW_BUNDLE (set by the harness): the run's bundle, not one built at start.
  expect(worker.output()).toContain(`"workflowBundle":"${inject('workflowBundlePath')}","msg":"workflow bundle ready"`);
}, 120_000);
afterAll(() => worker.kill('SIGTERM'));

/** storefleet_store_checks_failed_total for one reason, summed over the worker's series. */
async function failedChecks(reason: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('storefleet_store_checks_failed_total') && line.includes(`reason="${reason}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('a Ready store is watched', () => {
  it('when its Service and Ingress are deleted and its Ingress host changed, then the next checks put them back as the chart made them and say so', async () => {
    const id = storeId('watch');
    const handle = await startStoreWorkflow(await temporalClient(), taskQueue, { storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const namespace = namespaceName(id);
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const networking = kubeConfig().makeApiClient(NetworkingV1Api);
    const name = `${releaseName('woocommerce', id)}-wordpress`;
    const host = `${id}.127.0.0.1.nip.io`;

    await core.deleteNamespacedService({ name, namespace });
    await networking.deleteNamespacedIngress({ name, namespace });
    const restored = await eventually('the Service and Ingress back', async () => {
      const status = await storeStatus(handle);
      return status.events.some((e) => e.reason === 'ObjectsRestored') ? status : undefined;
    });
    const event = restored.events.find((e) => e.reason === 'ObjectsRestored');
    expect(event?.type).toBe('Warning');
    expect(event?.message).toContain(`Service/${name} (deleted)`);
    expect(event?.message).toContain(`Ingress/${name} (deleted)`);
    expect((await core.readNamespacedService({ name, namespace })).spec?.ports?.[0]?.name).toBe('http');
    expect((await networking.readNamespacedIngress({ name, namespace })).spec?.rules?.[0]?.host).toBe(host);
    expect(restored.phase).toBe('Ready');

    const ingress = await networking.readNamespacedIngress({ name, namespace });
    ingress.spec!.rules![0]!.host = 'elsewhere.example.com';
    await networking.replaceNamespacedIngress({ name, namespace, body: ingress });
    await eventually('the Ingress host put back', async () => {
      const rules = (await networking.readNamespacedIngress({ name, namespace })).spec?.rules;
      return rules?.[0]?.host === host ? true : undefined;
    });
    const changed = await eventually('an event naming the changed Ingress', async () => {
      const status = await storeStatus(handle);
      return status.events.find((e) => e.message.includes(`Ingress/${name} (changed)`));
    });
    expect(changed.reason).toBe('ObjectsRestored');
    expect(await failedChecks('ObjectsRestored')).toBeGreaterThanOrEqual(2);

    // Intact objects are never written again: their resourceVersion stays across several checks.
    const service = await core.readNamespacedService({ name, namespace });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect((await core.readNamespacedService({ name, namespace })).metadata?.resourceVersion).toBe(
      service.metadata?.resourceVersion,
    );

    await handle.signal('delete');
    await waitForPhase(handle, 'Deleted');
    await recordHistory('store-ready-watched', handle.workflowId);
  });

  it('when its web Deployment stops being ready, then StoreReady turns False naming the pod while the store stays Ready, and True again once it recovers', async () => {
    const id = storeId('sick');
    const handle = await startStoreWorkflow(await temporalClient(), taskQueue, { storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const namespace = namespaceName(id);
    const core = kubeConfig().makeApiClient(CoreV1Api);

    const fault = await injectPodFault(namespace, 'CrashLoopBackOff');
    try {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=wordpress' });
      for (const pod of pods.items) await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace });
      const sick = await eventually('StoreReady False', async () => {
        const status = await storeStatus(handle);
        const ready = status.conditions.find((c) => c.type === 'StoreReady');
        return ready?.status === 'False' ? { status, ready } : undefined;
      });
      expect(sick.status.phase).toBe('Ready');
      expect(sick.ready.reason).toBe('WorkloadsUnavailable');
      expect(sick.ready.message).toMatch(/CrashLoopBackOff/);
      expect(sick.status.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'WorkloadsUnavailable' });
      expect(await failedChecks('WorkloadsUnavailable')).toBeGreaterThanOrEqual(1);
    } finally {
      await fault.remove();
    }

    const recovered = await eventually('StoreReady True again', async () => {
      const status = await storeStatus(handle);
      return status.conditions.find((c) => c.type === 'StoreReady')?.status === 'True' ? status : undefined;
    });
    expect(recovered.events.some((e) => e.reason === 'WorkloadsAvailable')).toBe(true);
    await handle.signal('delete');
    await waitForPhase(handle, 'Deleted');
  });
});
