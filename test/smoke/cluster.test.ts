import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../activities/kube-objects.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';

describe('simulated cluster', () => {
  const core = kubeConfig().makeApiClient(CoreV1Api);

  it('when the cluster is up, then at least 3 fake nodes are Ready', async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.length).toBeGreaterThanOrEqual(3);
  });

  it('when a namespace is deleted, then it really disappears', async () => {
    const name = uniqueName('smoke-ns');
    await core.createNamespace({ body: { metadata: { name, labels: { 'app.kubernetes.io/part-of': 'storefleet-tests' } } } });
    await core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'something' }, data: { a: 'b' } } });
    expect((await core.readNamespace({ name })).status?.phase).toBe('Active');

    await core.deleteNamespace({ name });
    const gone = await eventually('the namespace to be gone', async () => {
      try {
        await core.readNamespace({ name });
        return undefined;
      } catch (error) {
        return statusOf(error) === 404 ? true : undefined;
      }
    });
    expect(gone).toBe(true);
  });
});
