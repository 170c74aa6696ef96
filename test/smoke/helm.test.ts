import { fileURLToPath } from 'node:url';
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, helm, kubeConfig, uniqueName } from '../harness/clients.js';

const chart = fileURLToPath(new URL('../fixtures/charts/smoke', import.meta.url));

describe('helm against the simulated cluster', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = uniqueName('smoke-helm');
  const release = 'smoke';
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('when a chart is installed, then its Deployment, StatefulSet (with a bound PVC) and Job become ready, and uninstall removes them', async () => {
    const install = await helm([
      'upgrade',
      '--install',
      release,
      chart,
      '-n',
      namespace,
      '--create-namespace',
      '--set',
      'replicas=2',
    ]);
    expect(install.exitCode, install.all).toBe(0);

    const deployment = await eventually('the Deployment to be Ready', async () => {
      const d = await apps.readNamespacedDeployment({ name: `${release}-web`, namespace });
      return d.status?.readyReplicas === 2 ? d : undefined;
    });
    expect(deployment.status?.availableReplicas).toBe(2);
    await eventually('the StatefulSet to be Ready', async () => {
      const s = await apps.readNamespacedStatefulSet({ name: `${release}-db`, namespace });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: `data-${release}-db-0`, namespace });
    expect(claim.status?.phase).toBe('Bound');
    await eventually('the Job to complete', async () => {
      const job = await batch.readNamespacedJob({ name: `${release}-setup`, namespace });
      return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? job : undefined;
    });

    const status = await helm(['status', release, '-n', namespace, '-o', 'json']);
    expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).toBe('deployed');

    const uninstall = await helm(['uninstall', release, '-n', namespace, '--wait']);
    expect(uninstall.exitCode, uninstall.all).toBe(0);
    await eventually('the release objects to be gone', async () => {
      const [deployments, statefulSets, jobs] = await Promise.all([
        apps.listNamespacedDeployment({ namespace }),
        apps.listNamespacedStatefulSet({ namespace }),
        batch.listNamespacedJob({ namespace }),
      ]);
      return deployments.items.length + statefulSets.items.length + jobs.items.length === 0 ? true : undefined;
    });
    const list = await helm(['list', '-n', namespace, '-q']);
    expect(list.stdout.trim()).toBe('');
  });
});
