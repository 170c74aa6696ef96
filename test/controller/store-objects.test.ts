// Store objects driven with kubectl, against the real apiserver and two real worker processes (each runs
// the workflows and, while it holds the Lease, the Store controller) with only the rights the platform
// chart grants their ServiceAccount: apply reaches Ready, a plan change upgrades, delete cleans up before
// the object goes, a refused create is a condition, API-made stores appear as objects, and the other
// worker takes over when the leader is SIGKILLed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { controllerLeaseName } from '../../controller/run-store-controller.js';
import { namespaceName, releaseName, storeLabelKeys, storeWorkflowId } from '../../core/names.js';
import type { StoreStatus } from '../../core/status.js';
import { type StoreObject } from '../../core/store-object.js';
import { storeGroup, storePlural, storeVersion } from '../../core/store-resource.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, GiveUp, helm, kubeConfig, temporalClient, uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { storeStatus } from '../harness/store-worker.js';
import { startInstallationWorker } from '../harness/installation-worker.js';
import { installWorkerRbac, rbacRefusal, type WorkerRbac } from '../harness/worker-token.js';
import { startWorkerProcess, type WorkerProcess } from '../harness/worker-process.js';

const admin = kubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const objects = admin.makeApiClient(CustomObjectsApi);
const platformNamespace = uniqueName('sf-objects');
const teamNamespace = uniqueName('team');
const quotaNamespace = uniqueName('quota');
const taskQueue = uniqueName('objects');
const tempDir = mkdtempSync(join(tmpdir(), 'storefleet-objects-'));
let rbac: WorkerRbac | undefined;
let workers: WorkerProcess[] = [];
let started: WorkerProcess[] = [];
let api: TestApi | undefined;
/** Namespaces the leader-kill test declares stores in, each its own owner. */
const ownerNamespaces: string[] = [];

const kubectl = (args: string[], input?: string) =>
  execa(inject('toolchain').kubectl ?? 'kubectl', ['--kubeconfig', inject('kubeconfigPath'), ...args], {
    reject: false,
    ...(input === undefined ? {} : { input }),
  });

const manifest = (name: string, namespace: string, spec: Record<string, string>) =>
  JSON.stringify({ apiVersion: `${storeGroup}/${storeVersion}`, kind: 'Store', metadata: { name, namespace }, spec });

const readObject = async (namespace: string, name: string) =>
  (await objects
    .getNamespacedCustomObject({ group: storeGroup, version: storeVersion, plural: storePlural, namespace, name })
    .catch(() => undefined)) as (StoreObject & { status?: { phase?: string; url?: string } }) | undefined;

const syncedOf = (object: StoreObject | undefined) => object?.status?.conditions?.find((c) => c.type === 'Synced');

/** The last lines the workers' Store controllers logged (for a failed wait). */
const controllerLines = () =>
  workers
    .flatMap((worker) => worker.output().split('\n'))
    .filter((line) => line.includes('"component":"store-controller"'))
    .slice(-8)
    .join('\n');

/** Waits until the object says `phase`; a Failed store or a refusal ends the wait at once. */
function untilObjectPhase(namespace: string, name: string, phase: string, timeoutMs = 120_000) {
  return eventually(
    `Store ${namespace}/${name} to be ${phase}`,
    async () => {
      const object = await readObject(namespace, name);
      if (object?.status?.phase === 'Failed') throw new GiveUp(`${name} failed: ${JSON.stringify(object.status)}`);
      const synced = syncedOf(object);
      if (synced?.status === 'False' && synced.reason !== 'ChangeRefused')
        throw new GiveUp(`${name} was refused: ${synced.reason}: ${synced.message}`);
      return object?.status?.phase === phase ? object : undefined;
    },
    timeoutMs,
  );
}

const workflowStatus = async (storeId: string): Promise<StoreStatus> =>
  storeStatus((await temporalClient()).workflow.getHandle(storeWorkflowId(storeId)));

beforeAll(async () => {
  rbac = await installWorkerRbac(uniqueName('objects'), platformNamespace, tempDir);
  const owner = (name: string) => ({ metadata: { name, labels: { [storeLabelKeys.owner]: `owner-${name}` } } });
  await core.createNamespace({ body: owner(teamNamespace) });
  await core.createNamespace({ body: owner(quotaNamespace) });
  const env = {
    KUBECONFIG: rbac.kubeconfigPath,
    STOREFLEET_STORE_OBJECTS_NAMESPACE: platformNamespace,
    STOREFLEET_STORES_PER_OWNER: '1',
  };
  started = await Promise.all([startWorkerProcess(taskQueue, env), startWorkerProcess(taskQueue, env)]);
  workers = [...started];
  api = await startApi({ taskQueue });
}, 240_000);

afterAll(async () => {
  await api?.close();
  await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
  for (const namespace of [teamNamespace, quotaNamespace, ...ownerNamespaces])
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await rbac?.uninstall();
  rmSync(tempDir, { recursive: true, force: true });
}, 120_000);

describe('Store objects driven with kubectl', () => {
  const shop = uniqueName('kshop');
  const quotaStores = [uniqueName('qone'), uniqueName('qtwo')] as const;

  it('when a Store manifest is applied, then the store gets Ready and `kubectl get stores` shows its phase, engine, plan and URL; applying it again changes nothing', async () => {
    const applied = await kubectl(['apply', '-f', '-'], manifest(shop, teamNamespace, { engine: 'woocommerce' }));
    expect(applied.exitCode, applied.stderr).toBe(0);
    const ready = await untilObjectPhase(teamNamespace, shop, 'Ready');
    expect(syncedOf(ready)).toMatchObject({ status: 'True', reason: 'Synced' });
    expect(ready.status?.observedGeneration).toBe(1);
    // The owner came from the namespace's label; the workflow knows the object it writes to.
    const status = await workflowStatus(shop);
    expect(status.owner).toBe(`owner-${teamNamespace}`);

    const listed = await kubectl(['get', 'stores', '-n', teamNamespace]);
    const [header, row] = listed.stdout.split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'PHASE', 'ENGINE', 'PLAN', 'URL', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 5)).toEqual([shop, 'Ready', 'woocommerce', 'small', status.url]);

    const runBefore = (await (await temporalClient()).workflow.getHandle(storeWorkflowId(shop)).describe()).runId;
    const again = await kubectl(['apply', '-f', '-'], manifest(shop, teamNamespace, { engine: 'woocommerce' }));
    expect(again.stdout).toContain('unchanged');
    const after = await readObject(teamNamespace, shop);
    expect(after?.metadata.generation).toBe(1);
    expect((await (await temporalClient()).workflow.getHandle(storeWorkflowId(shop)).describe()).runId).toBe(runBefore);
  });

  it("when `kubectl describe store` runs, then it lists the store's steps as Events", async () => {
    const described = await kubectl(['describe', 'store', shop, '-n', teamNamespace]);
    expect(described.exitCode, described.stderr).toBe(0);
    for (const reason of ['Created', 'NamespaceCreated', 'StoreReady']) expect(described.stdout).toContain(reason);
  });

  it("when an operator runs the troubleshooting commands they know from operator-based platforms, then storefleet's forms of them answer about the store", async () => {
    const storeNamespace = namespaceName(shop);
    const release = releaseName('woocommerce', shop);
    // The controller's log: storefleet's controller runs in the worker, whose JSON lines carry the store id.
    expect(workers.some((worker) => worker.output().includes(`"storeId":"${shop}"`))).toBe(true);
    const yaml = await kubectl(['get', 'store', shop, '-n', teamNamespace, '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/phase: Ready/);
    expect(yaml.stdout).toMatch(/type: StoreReady/);
    const all = await kubectl(['get', 'all', '-n', storeNamespace]);
    expect(all.stdout).toContain(`deployment.apps/${release}-wordpress`);
    expect(all.stdout).toContain(`statefulset.apps/${release}-mariadb`);
    const events = await kubectl(['get', 'events', '-n', storeNamespace, '--sort-by=.lastTimestamp']);
    expect(events.exitCode, events.stderr).toBe(0);
    expect(events.stdout).toMatch(/ScalingReplicaSet|SuccessfulCreate/);
    const listed = await helm(['list', '-n', storeNamespace]);
    expect(listed.stdout).toMatch(new RegExp(`^${release}\\s+${storeNamespace}\\s+1\\s.*deployed`, 'm'));
    const status = await helm(['status', release, '-n', storeNamespace]);
    expect(status.stdout).toContain('STATUS: deployed');
  });

  it('when the plan in the manifest changes, then the store is upgraded to it', async () => {
    const applied = await kubectl(
      ['apply', '-f', '-'],
      manifest(shop, teamNamespace, { engine: 'woocommerce', plan: 'medium' }),
    );
    expect(applied.exitCode, applied.stderr).toBe(0);
    const upgraded = await eventually(
      'the store upgraded to plan medium',
      async () => {
        const status = await workflowStatus(shop);
        const object = await readObject(teamNamespace, shop);
        // The object's phase is written by the workflow, its observedGeneration by the controller: each
        // arrives on its own, so both are waited for.
        return status.plan === 'medium' &&
          status.phase === 'Ready' &&
          object?.status?.observedGeneration === 2 &&
          object.status.phase === 'Ready'
          ? { status, object }
          : undefined;
      },
      120_000,
    );
    // Who asked is on record: the object, not a person with an API key.
    expect(upgraded.status.lastChange?.requestedBy).toContain(`Store ${teamNamespace}/${shop}`);
    expect(upgraded.status.lastChange).toMatchObject({ result: 'Upgraded', to: { plan: 'medium' } });
  });

  it('when the manifest asks for a chart version that does not exist, then Synced turns False with the reason and the store keeps running; dropping it again makes the object Synced', async () => {
    const spec = { engine: 'woocommerce', plan: 'medium' };
    const applied = await kubectl(
      ['apply', '-f', '-'],
      manifest(shop, teamNamespace, { ...spec, chartVersion: '9.9.9' }),
    );
    expect(applied.exitCode, applied.stderr).toBe(0);
    const refused = await eventually(
      'the change to be refused',
      async () => {
        const synced = syncedOf(await readObject(teamNamespace, shop));
        return synced?.reason === 'ChangeRefused' ? synced : undefined;
      },
      60_000,
    );
    expect(refused.status).toBe('False');
    expect(refused.message).toContain('9.9.9');
    const described = await kubectl(['describe', 'store', shop, '-n', teamNamespace]);
    expect(described.stdout).toMatch(/Warning\s+ChangeRefused/);
    expect((await workflowStatus(shop)).phase).toBe('Ready');

    expect((await kubectl(['apply', '-f', '-'], manifest(shop, teamNamespace, spec))).exitCode).toBe(0);
    const synced = await eventually(
      'the object to be Synced again',
      async () => {
        const object = await readObject(teamNamespace, shop);
        return syncedOf(object)?.status === 'True' ? object : undefined;
      },
      60_000,
    );
    expect(synced?.status?.observedGeneration).toBe(synced?.metadata.generation);
  });

  it('when a manifest names an unknown engine, then the apiserver refuses it, saying which engines there are', async () => {
    const refused = await kubectl(
      ['apply', '-f', '-'],
      manifest(uniqueName('bad'), teamNamespace, { engine: 'magento' }),
    );
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/Unsupported value: "magento": supported values: "woocommerce", "medusa"/);
  });

  it('when an owner is over its quota, then the Store says so in a condition and an Event, and no namespace is made', async () => {
    const [first, second] = quotaStores;
    expect((await kubectl(['apply', '-f', '-'], manifest(first, quotaNamespace, { engine: 'medusa' }))).exitCode).toBe(
      0,
    );
    await untilObjectPhase(quotaNamespace, first, 'Ready');
    expect((await kubectl(['apply', '-f', '-'], manifest(second, quotaNamespace, { engine: 'medusa' }))).exitCode).toBe(
      0,
    );
    const refused = await eventually(
      'the over-quota Store to be refused',
      async () => syncedOf(await readObject(quotaNamespace, second)),
      60_000,
    );
    expect(refused).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(refused.message).toMatch(/quota/);
    expect(await core.readNamespace({ name: namespaceName(second) }).catch(() => undefined)).toBeUndefined();
    const described = await kubectl(['describe', 'store', second, '-n', quotaNamespace]);
    expect(described.stdout).toMatch(/Warning\s+QuotaExceeded/);
  });

  it('when the store workflow was terminated by hand, then `kubectl delete store` still cleans up what it left before the object goes', async () => {
    const [first] = quotaStores;
    await (await temporalClient()).workflow.getHandle(storeWorkflowId(first)).terminate('by hand, in a test');
    expect(await core.readNamespace({ name: namespaceName(first) })).toBeDefined();
    const deleted = await kubectl(['delete', 'store', first, '-n', quotaNamespace, '--timeout=150s']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(await core.readNamespace({ name: namespaceName(first) }).catch(() => undefined)).toBeUndefined();
    expect((await workflowStatus(first)).phase).toBe('Deleted');
  });

  const createThroughApi = async (storeId: string) => {
    const created = await fetch(`${api!.url}/stores`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId, engine: 'woocommerce' }),
    });
    expect(created.status).toBe(201);
    await untilObjectPhase(platformNamespace, storeId, 'Ready');
  };

  it('when a store is created through the REST API, then `kubectl get stores -A` lists it, and deleting it through the API removes the object', async () => {
    const viaApi = uniqueName('apishop');
    await createThroughApi(viaApi);
    const listed = await kubectl(['get', 'stores', '-A']);
    expect(listed.stdout).toMatch(new RegExp(`${platformNamespace}\\s+${viaApi}\\s+Ready\\s+woocommerce\\s+small`));
    expect(listed.stdout).toMatch(new RegExp(`${teamNamespace}\\s+${shop}\\s+Ready\\s+woocommerce\\s+medium`));

    expect((await fetch(`${api!.url}/stores/${viaApi}`, { method: 'DELETE' })).status).toBe(202);
    await eventually(
      'the API-made store and its object to be gone',
      async () => (await readObject(platformNamespace, viaApi)) === undefined || undefined,
      120_000,
    );
    expect((await workflowStatus(viaApi)).phase).toBe('Deleted');
  });

  it('when a store created through the REST API has its object deleted with kubectl, then the store is deleted', async () => {
    const viaApi = uniqueName('apidel');
    await createThroughApi(viaApi);
    const deleted = await kubectl(['delete', 'store', viaApi, '-n', platformNamespace, '--timeout=150s']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect((await workflowStatus(viaApi)).phase).toBe('Deleted');
    expect(await core.readNamespace({ name: namespaceName(viaApi) }).catch(() => undefined)).toBeUndefined();
    const read = await fetch(`${api!.url}/stores/${viaApi}`);
    expect(((await read.json()) as { phase?: string }).phase).toBe('Deleted');
  });

  it('when `kubectl delete store` runs, then the store is cleaned up and its namespace gone before the object goes', async () => {
    const deleting = kubectl(['delete', 'store', shop, '-n', teamNamespace, '--timeout=150s']);
    // The finalizer holds the object while the cleanup runs: it never goes while the namespace is there.
    let objectWentFirst = false;
    await eventually(
      'the Store object to be gone',
      async () => {
        const namespace = await core.readNamespace({ name: namespaceName(shop) }).catch(() => undefined);
        const object = await readObject(teamNamespace, shop);
        if (!object && namespace) objectWentFirst = true;
        return object === undefined || undefined;
      },
      150_000,
    );
    expect((await deleting).exitCode).toBe(0);
    expect(objectWentFirst).toBe(false);
    const namespace = await kubectl(['get', 'ns', namespaceName(shop)]);
    expect(namespace.stderr).toContain('NotFound');
    expect((await workflowStatus(shop)).phase).toBe('Deleted');
    // Declared, written back to, changed and deleted through its object: the Store-object path, replayed in CI.
    await recordHistory('store-object-upgraded-deleted', storeWorkflowId(shop));
  });

  it('when store creation is paused, then a Store applied meanwhile gets condition CreationPaused and no namespace, and after the resume it gets Ready without being applied again', async () => {
    const installation = await startInstallationWorker(taskQueue);
    const paused = uniqueName('paused');
    // Its own owner (the namespace name, no label), whose quota of one is free.
    const namespace = uniqueName('own');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    ownerNamespaces.push(namespace);
    const creationPause = `${api!.url}/api/v1/admin/creation-pause`;
    const reason = 'cluster upgrade, back at noon';
    try {
      const pausing = await fetch(creationPause, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason }),
      });
      expect(pausing.status, await pausing.text()).toBe(200);

      const applied = await kubectl(['apply', '-f', '-'], manifest(paused, namespace, { engine: 'woocommerce' }));
      expect(applied.exitCode, applied.stderr).toBe(0);
      let seen: StoreObject | undefined;
      const refused = await eventually(
        'the Store to be refused while creation is paused',
        async () => {
          seen = await readObject(namespace, paused);
          const synced = syncedOf(seen);
          return synced?.reason === 'CreationPaused' ? synced : undefined;
        },
        60_000,
        () => `its status: ${JSON.stringify(seen?.status)}; the controllers said: ${controllerLines()}`,
      );
      expect(refused.status).toBe('False');
      expect(refused.message).toContain(reason);
      expect(await core.readNamespace({ name: namespaceName(paused) }).catch(() => undefined)).toBeUndefined();
      const described = await kubectl(['describe', 'store', paused, '-n', namespace]);
      expect(described.stdout).toMatch(/Warning\s+CreationPaused/);

      expect((await fetch(creationPause, { method: 'DELETE' })).status).toBe(200);
      const resumedAt = Date.now();
      // No new apply needed: the controller reads the pause every 5 s while a Store waits for the resume
      // (any other refusal is looked at again after 30 s).
      const client = await temporalClient();
      const startedAt = await eventually(
        "the Store's workflow to start after the resume",
        async () => ((await client.workflow.getHandle(storeWorkflowId(paused)).describe()) ? Date.now() : undefined),
        60_000,
      );
      expect(startedAt - resumedAt).toBeLessThan(20_000);
      const ready = await eventually(
        'the Store to get Ready after the resume',
        async () => {
          const object = await readObject(namespace, paused);
          if (object?.status?.phase === 'Failed')
            throw new GiveUp(`${paused} failed: ${JSON.stringify(object.status)}`);
          return object?.status?.phase === 'Ready' ? object : undefined;
        },
        150_000,
      );
      expect(syncedOf(ready)).toMatchObject({ status: 'True', reason: 'Synced' });
      expect(ready.metadata.generation).toBe(1);
    } finally {
      await fetch(creationPause, { method: 'DELETE' }).catch(() => undefined);
      await installation.stop();
    }
  });

  it('when the worker leading the controller is SIGKILLed while Stores are being created from manifests, then the other takes the Lease over within 25 s and every Store gets Ready once', async () => {
    const leases = admin.makeApiClient(CoordinationV1Api);
    const holder = async () =>
      (await leases.readNamespacedLease({ namespace: platformNamespace, name: controllerLeaseName })).spec
        ?.holderIdentity;
    const leaderPid = Number((await holder())?.split('-').at(-1));
    const leader = workers.find((worker) => worker.pid === leaderPid);
    const follower = workers.find((worker) => worker.pid !== leaderPid);
    expect(leader, `the Lease names a pid of neither worker: ${await holder()}`).toBeDefined();

    // Each in a namespace without an owner label: its name is the owner, whose quota of one is free.
    const declare = async (count: number) => {
      const stores = Array.from({ length: count }, () => ({ name: uniqueName('burst'), namespace: uniqueName('own') }));
      for (const { namespace } of stores) {
        await core.createNamespace({ body: { metadata: { name: namespace } } });
        ownerNamespaces.push(namespace);
      }
      const applied = await kubectl(
        ['apply', '-f', '-'],
        stores.map(({ name, namespace }) => manifest(name, namespace, { engine: 'woocommerce' })).join('\n'),
      );
      expect(applied.exitCode, applied.stderr).toBe(0);
      return stores;
    };
    const before = await declare(3);
    // The leader has begun: one of them has its workflow.
    const client = await temporalClient();
    await eventually(
      'the leader to start a declared store',
      async () => {
        for (const { name } of before)
          if (
            await client.workflow
              .getHandle(storeWorkflowId(name))
              .describe()
              .catch(() => undefined)
          )
            return true;
        return undefined;
      },
      30_000,
    );
    await leader!.kill('SIGKILL');
    workers = [follower!];
    const killedAt = Date.now();
    const takenOver = eventually(
      'the other worker to hold the Lease',
      async () => ((await holder())?.endsWith(`-${follower!.pid}`) ? Date.now() : undefined),
      60_000,
    );
    const after = await declare(2);
    // The Lease lasts 15 s unrenewed and a follower tries every 5 s: at most 20 s, and a little for a busy machine.
    expect((await takenOver) - killedAt).toBeLessThan(25_000);

    const stores = [...before, ...after];
    await eventually(
      'the other worker to act on every Store',
      async () => {
        const synced = await Promise.all(stores.map(async (s) => syncedOf(await readObject(s.namespace, s.name))));
        return synced.every((condition) => condition?.status === 'True') || undefined;
      },
      60_000,
    );
    expect(await holder()).toMatch(new RegExp(`-${follower!.pid}$`));
    for (const { name, namespace } of stores) {
      await untilObjectPhase(namespace, name, 'Ready');
      const status = await workflowStatus(name);
      expect(status.owner).toBe(namespace);
      // Once: one workflow run, one attempt, one helm revision, one Created event.
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${storeWorkflowId(name)}'` }))
        runs.push(run);
      expect(runs, name).toHaveLength(1);
      expect(status).toMatchObject({ attempts: 1, revision: 1 });
      expect(status.events.filter((event) => event.reason === 'Created')).toHaveLength(1);
    }
  });

  it('when all of the above ran, then the cluster refused neither worker anything: the chart grants what the controller needs', () => {
    for (const worker of started) expect(worker.output()).not.toMatch(rbacRefusal);
  });
});
