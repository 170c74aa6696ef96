// A worker stopped with SIGTERM to its own pid while its helm runs, as Kubernetes stops a worker's
// container in a rolling restart: it takes no more tasks, ends the step it has (cancelled and handed
// back, not left to a heartbeat timeout) and exits 0 with no helm of its left running; the next
// worker finishes the store with one release.
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { namespaceName, releaseName } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { kubeConfig, temporalClient, uniqueName } from '../harness/clients.js';
import { expectNothingLeaked } from '../harness/end-checks.js';
import { holdHelmInstall } from '../harness/hold-webhook.js';
import { startStoreWorkflow, waitForPhase } from '../harness/store-worker.js';
import { startWorkerProcess } from '../harness/worker-process.js';

const core = kubeConfig().makeApiClient(CoreV1Api);

describe('a worker stopped with SIGTERM', () => {
  it('when the worker gets SIGTERM while its helm creates the chart objects, then it exits 0 having stopped cleanly, leaves no helm running, and the next worker makes the store Ready at once', async () => {
    const taskQueue = uniqueName('stop');
    const id = uniqueName('stop');
    const namespace = namespaceName(id);
    const release = releaseName('woocommerce', id);
    const held = await holdHelmInstall(namespace);
    let worker = await startWorkerProcess(taskQueue);
    try {
      const client = await temporalClient();
      const handle = await startStoreWorkflow(client, taskQueue, { storeId: id, engine: 'woocommerce' });
      await held.arrived;
      expect(worker.children().filter((command) => command.includes(`upgrade --install ${release}`))).toHaveLength(1);

      const stopped = await worker.stop('SIGTERM');
      expect(stopped, worker.output()).toEqual({ exitCode: 0, signal: undefined });
      expect(worker.output()).toContain('"msg":"worker stopped"');
      expect(worker.children()).toEqual([]);
      await held.release();

      worker = await startWorkerProcess(taskQueue);
      const status = await waitForPhase(handle, 'Ready', 150_000);
      // Handed back when the worker stopped, not found out 30 s later from a missing heartbeat.
      const retries = status.events.filter((e) => e.reason === reasons.StepRetried).map((e) => e.message);
      expect(retries).toHaveLength(1);
      expect(retries[0]).not.toContain('sent no heartbeat');
      // One release: the stopped install (ended by its helm) and the retry's, which is deployed.
      const records = (await core.listNamespacedSecret({ namespace, labelSelector: 'owner=helm' })).items;
      expect(new Set(records.map((secret) => secret.metadata?.labels?.name))).toEqual(new Set([release]));
      const latest = records.sort((a, b) => Number(b.metadata?.labels?.version) - Number(a.metadata?.labels?.version));
      expect(latest[0]?.metadata?.labels?.status).toBe('deployed');
      await expectNothingLeaked({ ready: [{ storeId: id, engine: 'woocommerce' }] });
    } finally {
      await worker.kill('SIGTERM');
      await held.release();
    }
  }, 240_000);
});
