// The worker's ClusterRole is enough, and no more: the chart's RBAC objects installed for real, a token
// of its ServiceAccount, and the real worker code (activities, workers, helm, store charts) driving
// stores from nothing to Ready to Deleted with only that token. A rule missing from the ClusterRole
// shows up as an RBAC refusal in the worker's log and fails the test at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api, CoreV1Api, type KubeConfig, type V1ResourceAttributes } from '@kubernetes/client-node';
import type { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteSignal } from '../../core/messages.js';
import { namespaceName, releaseName } from '../../core/names.js';
import type { Phase, StoreStatus } from '../../core/status.js';
import { engines, type StoreSpecInput } from '../../core/store-spec.js';
import { createStoreWorkers } from '../../worker/workers.js';
import {
  eventually,
  GiveUp,
  helm,
  kubeConfig,
  temporalClient,
  uniqueName,
  workerConnection,
} from '../harness/clients.js';
import { chartsDir, startStoreWorkflow, storeStatus, testActivities } from '../harness/store-worker.js';
import { installWorkerRbac, rbacRefusal, type WorkerRbac } from '../harness/worker-token.js';

const admin = kubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const platformNamespace = uniqueName('sf-platform');
const release = uniqueName('rbac');
const taskQueue = uniqueName('rbac-stores');
const tempDir = mkdtempSync(join(tmpdir(), 'storefleet-rbac-'));
const logs: string[] = [];
let rbac: WorkerRbac | undefined;
let workerKubeconfigPath = '';
let workerKubeConfig: KubeConfig;
let workers: Worker[] = [];
let running: Promise<unknown> | undefined;

/** The first log line where the cluster refused the worker something. */
const forbiddenLine = () => logs.find((line) => rbacRefusal.test(line));

async function waitFor(handle: WorkflowHandle, phase: Phase, timeoutMs = 120_000): Promise<StoreStatus> {
  return eventually(
    `store ${handle.workflowId} to be ${phase}`,
    async () => {
      const forbidden = forbiddenLine();
      if (forbidden) throw new GiveUp(`the worker was refused something its ClusterRole lacks: ${forbidden}`);
      const status = await storeStatus(handle);
      if (status.phase === 'Failed') throw new GiveUp(`store ${handle.workflowId} failed: ${status.lastError}`);
      return status.phase === phase ? status : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  rbac = await installWorkerRbac(release, platformNamespace, tempDir);
  workerKubeconfigPath = rbac.kubeconfigPath;
  workerKubeConfig = rbac.kubeConfig;

  const activities = testActivities({
    kubeConfig: workerKubeConfig,
    kubeconfigPath: workerKubeconfigPath,
    log: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    maxProvisionSeconds: 150,
    // Ready stores checked every second or so: putting back release objects is part of the role's work.
    driftCheckSeconds: 1,
  });
  workers = await createStoreWorkers({
    connection: await workerConnection(),
    namespace: 'default',
    taskQueue,
    activities,
    maxConcurrentProvisions: 10,
    workflows: { workflowBundle: { codePath: inject('workflowBundlePath') } },
  });
  running = Promise.all(workers.map((worker) => worker.run()));
});

afterAll(async () => {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await rbac?.uninstall();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('the worker with only its ServiceAccount token', () => {
  it.concurrent.each(engines)(
    'when a %s store is created and deleted, then it becomes Ready, then Deleted, and nothing was forbidden',
    async (engine) => {
      const storeId = uniqueName(`rb${engine.slice(0, 2)}`);
      const client = await temporalClient();
      const spec: StoreSpecInput = { storeId, engine, owner: 'team-a' };
      const handle = await startStoreWorkflow(client, taskQueue, spec);
      const ready = await waitFor(handle, 'Ready');
      expect(ready.url).toBe(`http://${storeId}.127.0.0.1.nip.io`);

      // What the check of a Ready store does: read the deployed manifest, compare by a dry run, put back.
      const service = (await core.listNamespacedService({ namespace: namespaceName(storeId) })).items[0]!;
      await core.deleteNamespacedService({ name: service.metadata!.name!, namespace: namespaceName(storeId) });
      await eventually('the deleted Service put back with the worker token', async () => {
        const forbidden = forbiddenLine();
        if (forbidden) throw new GiveUp(`the worker was refused something its ClusterRole lacks: ${forbidden}`);
        const status = await storeStatus(handle);
        return status.events.some((e) => e.reason === 'ObjectsRestored') ? true : undefined;
      });

      // What helmUpgradeInstall does on a retry (upgrade) and to recover a release left pending-upgrade
      // (rollback), with the same credentials.
      const release = releaseName(engine, storeId);
      const namespace = namespaceName(storeId);
      const asWorker = (args: string[]) => helm([...args, '--kubeconfig', workerKubeconfigPath]);
      const upgrade = await asWorker([
        'upgrade',
        release,
        `${chartsDir}/${engine}`,
        '-n',
        namespace,
        '--reuse-values',
        '--set-string',
        'ingress.annotations.storefleet\\.io/probe=1',
      ]);
      expect(upgrade.exitCode, upgrade.all).toBe(0);
      const rollback = await asWorker(['rollback', release, '1', '-n', namespace]);
      expect(rollback.exitCode, rollback.all).toBe(0);

      await handle.signal(deleteSignal);
      const deleted = await waitFor(handle, 'Deleted');
      expect(deleted.conditions.every((c) => c.reason === 'Deleted')).toBe(true);
      expect(await core.readNamespace({ name: namespace }).catch(() => undefined)).toBeUndefined();
      expect(forbiddenLine()).toBeUndefined();
    },
  );
});

describe('least privilege', () => {
  const attempts: Array<[string, V1ResourceAttributes]> = [
    ['create pods', { verb: 'create', resource: 'pods', namespace: 'default' }],
    ['exec into pods', { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'default' }],
    ['delete pods', { verb: 'delete', resource: 'pods', namespace: 'default' }],
    ['create clusterroles', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
    [
      'create rolebindings',
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'default' },
    ],
    ['create serviceaccounts', { verb: 'create', resource: 'serviceaccounts', namespace: 'default' }],
    [
      'create serviceaccount tokens',
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: platformNamespace },
    ],
    ['delete nodes', { verb: 'delete', resource: 'nodes' }],
    ['patch secrets', { verb: 'patch', resource: 'secrets', namespace: 'kube-system' }],
    ['watch secrets', { verb: 'watch', resource: 'secrets', namespace: 'kube-system' }],
    ['update namespaces', { verb: 'update', resource: 'namespaces' }],
    [
      'delete every deployment at once',
      { verb: 'deletecollection', group: 'apps', resource: 'deployments', namespace: 'default' },
    ],
    ['create daemonsets', { verb: 'create', group: 'apps', resource: 'daemonsets', namespace: 'default' }],
    [
      'create customresourcedefinitions',
      { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    ],
    ['delete events', { verb: 'delete', resource: 'events', namespace: 'default' }],
    [
      'create webhooks',
      { verb: 'create', group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
    ],
  ];

  it('when the worker asks for anything provisioning and cleanup do not need, then the cluster refuses', async () => {
    const asWorker = workerKubeConfig.makeApiClient(AuthorizationV1Api);
    const allowed: string[] = [];
    for (const [what, resourceAttributes] of attempts) {
      const review = await asWorker.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes } } });
      if (review.status?.allowed) allowed.push(what);
    }
    expect(allowed).toEqual([]);
    // ...while what it does need is granted (the check above is not vacuous).
    const needed = await asWorker.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'create', resource: 'namespaces' } } },
    });
    expect(needed.status?.allowed).toBe(true);
    // Reading a container's log (the masked tail of a crash or a failed setup) is, exec is not (above).
    const logs = await asWorker.createSelfSubjectAccessReview({
      body: {
        spec: { resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'store-any' } },
      },
    });
    expect(logs.status?.allowed).toBe(true);
    // Listing events (why a StatefulSet's pods were refused) is, writing them is not.
    const events = await asWorker.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'list', resource: 'events', namespace: 'store-any' } } },
    });
    expect(events.status?.allowed).toBe(true);
  });

  it('when the cluster refuses the worker a request, then the refusal reads as one in a log line; a quota refusal does not', async () => {
    const refused = await workerKubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'not-allowed' } } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(Error);
    const message = (refused as Error).message;
    expect(message).toMatch(rbacRefusal);
    // As a pino line carries it: JSON inside JSON.
    expect(JSON.stringify({ msg: JSON.stringify({ message }) })).toMatch(rbacRefusal);
    // A store's readiness finding may quote the quota controller refusing a pod: that is not the worker's role.
    const quota =
      'pods \\"db-0\\" is forbidden: exceeded quota: store-quota, requested: limits.cpu=1, used: limits.cpu=4, limited: limits.cpu=4';
    expect(JSON.stringify({ finding: quota })).not.toMatch(rbacRefusal);
  });

  it("when the API's ServiceAccount asks the cluster for anything, then it is refused: the API needs no Kubernetes access", async () => {
    const authorization = admin.makeApiClient(AuthorizationV1Api);
    const user = `system:serviceaccount:${platformNamespace}:${release}-api`;
    const groups = ['system:serviceaccounts', `system:serviceaccounts:${platformNamespace}`, 'system:authenticated'];
    const allowed: string[] = [];
    const reads: V1ResourceAttributes[] = [
      { verb: 'get', resource: 'namespaces' },
      { verb: 'list', resource: 'secrets', namespace: platformNamespace },
      { verb: 'list', resource: 'pods', namespace: platformNamespace },
      { verb: 'create', group: 'apps', resource: 'deployments', namespace: platformNamespace },
      { verb: 'create', resource: 'namespaces' },
    ];
    for (const resourceAttributes of [...reads, ...attempts.map(([, a]) => a)]) {
      const review = await authorization.createSubjectAccessReview({
        body: { spec: { user, groups, resourceAttributes } },
      });
      if (review.status?.allowed) allowed.push(`${resourceAttributes.verb} ${resourceAttributes.resource}`);
    }
    expect(allowed).toEqual([]);
  });
});
