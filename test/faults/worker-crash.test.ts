// A worker killed with SIGKILL in the middle of a store: another worker finishes it, and nothing is
// duplicated or regenerated (one release, the same secret, the chart's objects once).
import { CoreV1Api } from '@kubernetes/client-node';
import { WorkflowIdConflictPolicy, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { adminSecretName, namespaceName, releaseName, storeWorkflowId } from '../../core/names.js';
import type { storeWorkflow } from '../../workflows/store.js';
import { eventually, helm, kubeConfig, temporalClient, uniqueName } from '../harness/clients.js';
import { injectPodReadyDelay } from '../harness/faults.js';
import { storeStatus, waitForPhase } from '../harness/store-worker.js';
import { startWorkerProcess } from '../harness/worker-process.js';

const core = kubeConfig().makeApiClient(CoreV1Api);

async function pendingActivity(handle: WorkflowHandle, type: string): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some((a) => a.activityType?.name === type && a.state === proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
}

describe.each([
  ['helmUpgradeInstall', 'mid-helm'],
  ['waitForReady', 'mid-readiness'],
])('a worker killed %s', (activity, label) => {
  it(`when the worker is SIGKILLed ${label}, then a new worker finishes the store with one release, the same secret and no duplicates`, async () => {
    const taskQueue = uniqueName('crash');
    const id = uniqueName('crash');
    const namespace = namespaceName(id);
    // Slow pods keep readiness in flight long enough to be interrupted.
    const delay = await injectPodReadyDelay({ namespaces: [namespace] }, activity === 'waitForReady' ? 8000 : 0);
    let worker = await startWorkerProcess(taskQueue);
    try {
      const client = await temporalClient();
      const handle = await client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
        taskQueue,
        workflowId: storeWorkflowId(id),
        args: [{ storeId: id, engine: 'woocommerce' }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await eventually(`${activity} to be running`, async () => ((await pendingActivity(handle, activity)) ? true : undefined), 60_000);
      const secretBefore = await core.readNamespacedSecret({ name: adminSecretName, namespace });
      await worker.kill('SIGKILL');

      worker = await startWorkerProcess(taskQueue);
      const status = await waitForPhase(handle, 'Ready', 150_000);
      // Every provisioning condition; the storefront check is skipped on the simulated cluster, and its
      // setup pods run no script that could say how WooCommerce went (CommerceReady Unknown).
      expect(status.conditions.filter((c) => c.type !== 'StorefrontReachable' && c.type !== 'CommerceReady').every((c) => c.status === 'True')).toBe(true);

      const secretAfter = await core.readNamespacedSecret({ name: adminSecretName, namespace });
      expect(secretAfter.metadata?.uid).toBe(secretBefore.metadata?.uid);
      expect(secretAfter.data).toEqual(secretBefore.data);
      const releases = await helm(['list', '-n', namespace, '-a', '-o', 'json']);
      expect((JSON.parse(releases.stdout) as Array<{ name: string; status: string }>).map((r) => [r.name, r.status])).toEqual([[releaseName('woocommerce', id), 'deployed']]);
      // One store Secret (a regenerated one would have another uid above, an extra one shows here) and
      // the release's own records, none of them failed.
      const secrets = (await core.listNamespacedSecret({ namespace })).items;
      expect(secrets.filter((secret) => secret.type !== 'helm.sh/release.v1').map((secret) => secret.metadata?.name)).toEqual([adminSecretName]);
      expect(secrets.filter((secret) => secret.type === 'helm.sh/release.v1').map((secret) => secret.metadata?.labels?.status)).not.toContain('failed');
      expect((await storeStatus(handle)).attempts).toBe(1);
    } finally {
      await worker.kill('SIGTERM');
      await delay.remove();
    }
  });
});
