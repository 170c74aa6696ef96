// A worker killed with SIGKILL in the middle of a store, together with the helm it runs (the whole
// process group, as a crash or an OOM kill of its container would): another worker finishes the store,
// recovering a release the kill left pending-install, and nothing is duplicated or regenerated (one
// release, the same secret, the chart's objects once).
import { CoreV1Api } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { deleteSignal } from '../../core/messages.js';
import { adminSecretName, cleanupWorkflowId, namespaceName, releaseName } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { eventually, helm, kubeConfig, temporalClient, uniqueName } from '../harness/clients.js';
import { expectNoSecretShown, expectNothingLeaked, storeSecretValues } from '../harness/end-checks.js';
import { injectPodReadyDelay } from '../harness/faults.js';
import { activityRunning, lastHeartbeat } from '../harness/pending-activities.js';
import { holdHelmInstall, holdNamespaceDeletion, type HeldRequests } from '../harness/hold-webhook.js';
import { startStoreWorkflow, storeStatus, waitForPhase } from '../harness/store-worker.js';
import { startWorkerProcess } from '../harness/worker-process.js';

const core = kubeConfig().makeApiClient(CoreV1Api);

async function releaseState(release: string, namespace: string): Promise<string | undefined> {
  const status = await helm(['status', release, '-n', namespace, '-o', 'json']);
  return status.exitCode === 0 ? (JSON.parse(status.stdout) as { info?: { status?: string } }).info?.status : undefined;
}

/** A WooCommerce store on the worker process's task queue, as the API would start it. */
const startStore = (client: Client, taskQueue: string, id: string) =>
  startStoreWorkflow(client, taskQueue, { storeId: id, engine: 'woocommerce' });

describe.each([
  ['helmUpgradeInstall', 'while helm creates the chart objects'],
  ['waitForReady', 'while it waits for readiness'],
])('a worker killed in %s', (activity, moment) => {
  it(`when the worker and its helm are SIGKILLed ${moment}, then a new worker finishes the store with one release, the same secret, no duplicates and no secret shown`, async () => {
    const taskQueue = uniqueName('crash');
    const id = uniqueName('crash');
    const namespace = namespaceName(id);
    const release = releaseName('woocommerce', id);
    // Slow pods keep readiness in flight long enough to be interrupted; a held admission keeps helm mid-install.
    const delay = await injectPodReadyDelay({ namespaces: [namespace] }, activity === 'waitForReady' ? 8000 : 0);
    const held: HeldRequests | undefined =
      activity === 'helmUpgradeInstall' ? await holdHelmInstall(namespace) : undefined;
    let worker = await startWorkerProcess(taskQueue);
    const outputs: string[] = [];
    try {
      const client = await temporalClient();
      const handle = await startStore(client, taskQueue, id);
      await eventually(
        `${activity} to be running`,
        async () => ((await activityRunning(handle, activity)) ? true : undefined),
        60_000,
      );
      if (held) {
        await held.arrived;
        // The kill hits helm itself, mid-install: its process runs, and the release says so.
        expect(worker.children().filter((command) => command.includes(`upgrade --install ${release}`))).toHaveLength(1);
        expect(await releaseState(release, namespace)).toBe('pending-install');
        // So that the retry can tell where the lost attempt was (heartbeats reach Temporal every few seconds).
        await eventually(
          'the heartbeat of helm upgrade --install',
          async () => ((await lastHeartbeat(handle, activity)).includes('helm upgrade --install') ? true : undefined),
          20_000,
        );
      }
      const secretBefore = await core.readNamespacedSecret({ name: adminSecretName, namespace });
      const killed = worker;
      await killed.kill('SIGKILL');
      outputs.push(killed.output());
      expect(killed.children()).toEqual([]);
      if (held) {
        await held.release();
        expect(await releaseState(release, namespace)).toBe('pending-install');
      }

      worker = await startWorkerProcess(taskQueue);
      const status = await waitForPhase(handle, 'Ready', 150_000);
      outputs.push(worker.output());
      // Every provisioning condition; the storefront check is skipped on the simulated cluster, and its
      // setup pods run no script that could say how WooCommerce went (CommerceReady Unknown).
      expect(
        status.conditions
          .filter((c) => c.type !== 'StorefrontReachable' && c.type !== 'CommerceReady')
          .every((c) => c.status === 'True'),
      ).toBe(true);
      // The retry is in the store's timeline with its cause, and not taken for a Kubernetes outage.
      const at = held
        ? ' \\(its last heartbeat said: helm upgrade --install\\)'
        : '( \\(its last heartbeat said: [^)]+\\))?';
      expect(status.events.filter((e) => e.reason === reasons.StepRetried).map((e) => e.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${activity} attempt 2 began after attempt 1 sent no heartbeat for 30s${at}: its worker stopped or lost its connection to Temporal$`,
          ),
        ),
      ]);
      expect(
        status.events.filter(
          (e) => e.reason === reasons.KubernetesReachable || e.reason === reasons.KubernetesUnreachable,
        ),
      ).toEqual([]);
      if (held)
        expect(worker.output()).toContain(`"release":"${release}","msg":"recovered from pending-install by uninstall"`);

      const secretAfter = await core.readNamespacedSecret({ name: adminSecretName, namespace });
      expect(secretAfter.metadata?.uid).toBe(secretBefore.metadata?.uid);
      expect(secretAfter.data).toEqual(secretBefore.data);
      // A regenerated Secret would have another uid above; a failed install attempt would leave a record here.
      const records = (await core.listNamespacedSecret({ namespace, labelSelector: 'owner=helm' })).items;
      expect(records.map((secret) => secret.metadata?.labels?.status)).toEqual(['deployed']);
      expect((await storeStatus(handle)).attempts).toBe(1);

      await expectNothingLeaked({ ready: [{ storeId: id, engine: 'woocommerce' }] });
      await expectNoSecretShown(client, [id], await storeSecretValues(id), outputs);
    } finally {
      await worker.kill('SIGTERM');
      await held?.release();
      await delay.remove();
    }
  }, 240_000);
});

describe('a worker killed in cleanup', () => {
  it('when the worker is SIGKILLed while the cleanup deletes the namespace, then the next worker takes the step over once its 10 s heartbeat is missed and the store ends Deleted with nothing left and no secret shown', async () => {
    const taskQueue = uniqueName('crash');
    const id = uniqueName('crash');
    const namespace = namespaceName(id);
    let worker = await startWorkerProcess(taskQueue);
    let held: HeldRequests | undefined;
    const outputs: string[] = [];
    try {
      const client = await temporalClient();
      const handle = await startStore(client, taskQueue, id);
      await waitForPhase(handle, 'Ready', 150_000);
      const secrets = await storeSecretValues(id);
      held = await holdNamespaceDeletion(namespace);
      await handle.signal(deleteSignal);
      await held.arrived;
      await eventually(
        'deleteNamespace to be running',
        async () =>
          (await activityRunning(client.workflow.getHandle(cleanupWorkflowId(id)), 'deleteNamespace'))
            ? true
            : undefined,
        30_000,
      );
      const killed = worker;
      await killed.kill('SIGKILL');
      outputs.push(killed.output());
      await held.release();

      worker = await startWorkerProcess(taskQueue);
      const final = await handle.result();
      outputs.push(worker.output());
      expect(final.phase).toBe('Deleted');
      // Taken over at the heartbeat timeout, not at the step's one-minute start-to-close timeout ("ran out of time").
      expect(final.events.filter((e) => e.reason === reasons.StepRetried).map((e) => e.message)).toEqual([
        'deleteNamespace attempt 2 began after attempt 1 sent no heartbeat for 10s (its last heartbeat said: deleteNamespace): its worker stopped or lost its connection to Temporal',
      ]);
      await expectNothingLeaked({ deleted: [{ storeId: id, engine: 'woocommerce' }] });
      await expectNoSecretShown(client, [id], secrets, outputs);
    } finally {
      await worker.kill('SIGTERM');
      await held?.release();
    }
  }, 240_000);
});
