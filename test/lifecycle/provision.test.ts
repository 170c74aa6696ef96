// Provisioning through the real parts: Temporal dev server, simulated cluster, real helm and charts.
import { AppsV1Api, CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSecretKeys } from '../../activities/secrets.js';
import { adminSecretName, namespaceName, releaseName } from '../../core/names.js';
import { engines } from '../../core/store-spec.js';
import { helm, kubeConfig } from '../harness/clients.js';
import { historyText, startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  worker = await startStoreWorker();
});
afterAll(() => worker.stop());

describe.each(engines)('%s store', (engine) => {
  it('when created, then it becomes Ready with a url and its namespace holds labels, guardrails, secret and release', async () => {
    const id = storeId(engine.slice(0, 3));
    const handle = await worker.createStore({ storeId: id, engine, owner: 'team-a' });
    const status = await waitForPhase(handle, 'Ready');

    expect(status.url).toBe(`http://${id}.127.0.0.1.nip.io`);
    expect(status.conditions.map((c) => [c.type, c.status])).toEqual([
      ['NamespaceReady', 'True'],
      ['GuardrailsApplied', 'True'],
      ['ReleaseDeployed', 'True'],
      ['StoreReady', 'True'],
      // kwok's setup pod runs no script, so nothing says how WooCommerce went; Medusa's commerce is its server.
      ['CommerceReady', engine === 'medusa' ? 'True' : 'Unknown'],
      ['StorefrontReachable', 'Unknown'],
    ]);
    expect(status.conditions.at(-1)).toMatchObject({
      reason: 'StorefrontCheckSkipped',
      message: expect.stringContaining('STOREFLEET_STOREFRONT_CHECK=off') as string,
    });
    const namespace = namespaceName(id);
    const labels = (await core.readNamespace({ name: namespace })).metadata?.labels ?? {};
    expect(labels).toMatchObject({
      'app.kubernetes.io/part-of': 'storefleet',
      'app.kubernetes.io/managed-by': 'storefleet',
      'storefleet.io/store-id': id,
      'storefleet.io/engine': engine,
      'storefleet.io/owner': 'team-a',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    const quota = await core.readNamespacedResourceQuota({ name: 'store-quota', namespace });
    expect(quota.spec?.hard?.['requests.cpu']).toBe('2');
    const limits = await core.readNamespacedLimitRange({ name: 'store-limits', namespace });
    expect(limits.spec?.limits[0]?.max).toEqual({ cpu: '1', memory: '2Gi' });
    const policies = await kubeConfig().makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace });
    expect(policies.items.map((p) => p.metadata?.name)).toEqual(
      expect.arrayContaining(['default-deny', 'allow-same-namespace', 'allow-from-ingress-controller', 'allow-dns']),
    );
    const secret = await core.readNamespacedSecret({ name: adminSecretName, namespace });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([...adminSecretKeys].sort());
    const release = await helm(['status', releaseName(engine, id), '-n', namespace, '-o', 'json']);
    expect(JSON.parse(release.stdout)).toMatchObject({ info: { status: 'deployed' } });
    const deployments = await kubeConfig().makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace });
    expect(deployments.items.length).toBeGreaterThan(0);
  });
});

describe('the same store created twice', () => {
  it('when the create is repeated, then there is one workflow, one namespace and the same secret', async () => {
    const id = storeId('twice');
    const first = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(first, 'Ready');
    const secretBefore = await core.readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(id) });

    const second = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    const status = await waitForPhase(second, 'Ready');
    expect(status.attempts).toBe(1);
    const executions = [];
    for await (const execution of worker.client.workflow.list({ query: `WorkflowId = '${first.workflowId}'` }))
      executions.push(execution);
    expect(executions).toHaveLength(1);
    const namespaces = await core.listNamespace({ labelSelector: `storefleet.io/store-id=${id}` });
    expect(namespaces.items).toHaveLength(1);
    const secretAfter = await core.readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(id) });
    expect(secretAfter.metadata?.uid).toBe(secretBefore.metadata?.uid);
    expect(secretAfter.data).toEqual(secretBefore.data);
  });
});

describe('secrets', () => {
  it('when a store is provisioned, then no secret value appears in its workflow history or the worker logs', async () => {
    const id = storeId('sec');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    const secret = await core.readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(id) });
    const values = Object.entries(secret.data ?? {})
      .filter(([key]) => key !== 'admin-username' && key !== 'admin-email')
      .map(([, value]) => Buffer.from(value, 'base64').toString());
    expect(values.length).toBeGreaterThanOrEqual(5);

    const history = await historyText(handle);
    expect(history).toContain(id);
    const logs = worker.logs.join('\n');
    expect(logs).toContain(id);
    for (const value of values) {
      expect(history).not.toContain(value);
      expect(history).not.toContain(Buffer.from(value).toString('base64'));
      expect(logs).not.toContain(value);
    }
  });
});
