import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';
import { injectPodFault, injectPodReadyDelay, type Injected } from '../harness/faults.js';

describe('pod faults and delays in the simulated cluster', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  const injected: Injected[] = [];
  afterAll(async () => {
    for (const injection of injected) await injection.remove().catch(() => undefined);
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  async function namespace(prefix: string): Promise<string> {
    const name = uniqueName(prefix);
    await core.createNamespace({
      body: { metadata: { name, labels: { 'app.kubernetes.io/part-of': 'storefleet-tests' } } },
    });
    namespaces.push(name);
    return name;
  }

  const deployment = (name: string): V1Deployment => ({
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });

  it('when a namespace has an ImagePullBackOff fault, then its Deployment is not Ready until the fault is removed', async () => {
    const ns = await namespace('smoke-fault');
    const fault = await injectPodFault(ns, 'ImagePullBackOff');
    injected.push(fault);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web') });

    const waiting = await eventually('the pod to wait in ImagePullBackOff', async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      return pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting;
    });
    expect(waiting.reason).toBe('ImagePullBackOff');
    expect(waiting.message).toContain('nginx:1.27');
    const unavailable = await eventually('the Deployment to count its pod unavailable', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.unavailableReplicas === 1 ? d : undefined;
    });
    expect(unavailable.status?.readyReplicas ?? 0).toBe(0);

    await fault.remove();
    const ready = await eventually('the Deployment to be Ready', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.readyReplicas === 1 ? d : undefined;
    });
    expect(ready.status?.availableReplicas).toBe(1);
  });

  it('when pods have a Ready delay, then a pod becomes Ready no sooner than the delay', async () => {
    const ns = await namespace('smoke-delay');
    const delayMs = 2_000;
    injected.push(await injectPodReadyDelay({ namespaces: [ns] }, delayMs, 500));

    const began = Date.now();
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'slow' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    await eventually('the pod to be Ready', async () => {
      const pod = await core.readNamespacedPod({ name: 'slow', namespace: ns });
      return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? pod : undefined;
    });
    expect(Date.now() - began).toBeGreaterThanOrEqual(delayMs);
  });
});
