// A store whose workflow ended without a delete leaves its namespace, Secret and volumes behind. They
// stay their owner's: the id is taken until they are removed, no other store adopts them (not even one
// started past the API), and a cleanup of another owner's store leaves them alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { adminSecretName, namespaceName } from '../../core/names.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

const keys = { a: 'remains-a-key-0123456789', b: 'remains-b-key-0123456789' };
const owners = { a: uniqueName('rem-a'), b: uniqueName('rem-b') };
let worker: TestStoreWorker;
let api: TestApi;

beforeAll(async () => {
  worker = await startStoreWorker();
  api = await startApi({
    taskQueue: worker.taskQueue,
    auth: keyAuth({ [keys.a]: owners.a, [keys.b]: owners.b }),
    storesPerOwner: 10,
  });
});
afterAll(async () => {
  await api.close();
  await worker.stop();
});

const call = (key: string, path: string, init: RequestInit = {}) =>
  fetch(`${api.url}/api/v1${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
  });
const create = (key: string, id: string) =>
  call(key, '/stores', { method: 'POST', body: JSON.stringify({ storeId: id, engine: 'woocommerce' }) });
const untilPhase = (key: string, id: string, phase: string) =>
  eventually(
    `${id} to be ${phase}`,
    async () => {
      const body = (await (await call(key, `/stores/${id}`)).json()) as { phase: string; lastError?: string };
      return body.phase === phase ? body : undefined;
    },
    120_000,
  );
const core = () => kubeConfig().makeApiClient(CoreV1Api);

/** The uids that tell one store's objects from another's: namespace, admin Secret, volumes. */
async function objectUids(id: string) {
  const namespace = namespaceName(id);
  const [ns, secret, claims] = await Promise.all([
    core().readNamespace({ name: namespace }),
    core().readNamespacedSecret({ name: adminSecretName, namespace }),
    core().listNamespacedPersistentVolumeClaim({ namespace }),
  ]);
  return {
    namespace: ns.metadata?.uid,
    secret: secret.metadata?.uid,
    password: secret.data?.['admin-password'],
    claims: claims.items.map((c) => c.metadata?.uid).sort(),
  };
}

/** Owner a's store, Ready, whose workflow an operator then terminated: its objects remain. */
async function terminatedStore(prefix: string) {
  const id = storeId(prefix);
  expect((await create(keys.a, id)).status).toBe(201);
  await untilPhase(keys.a, id, 'Ready');
  const before = await objectUids(id);
  expect(before.claims.length).toBeGreaterThan(0);
  await worker.client.workflow.getHandle(`store-${id}`).terminate('operator terminated it by hand');
  return { id, before };
}

describe('what a store leaves behind', () => {
  it("when a store's workflow was terminated, then its id stays taken for everyone (409 store_remains saying how to remove it) until its owner deletes it, and then another owner gets new objects", async () => {
    const { id, before } = await terminatedStore('rem');

    for (const key of [keys.b, keys.a]) {
      const refused = await create(key, id);
      expect(refused.status).toBe(409);
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('store_remains');
      expect(error.message).toContain(`namespace ${namespaceName(id)}`);
      expect(error.message).toContain(`DELETE /api/v1/stores/${id}`);
    }
    expect(await objectUids(id)).toEqual(before);

    expect((await call(keys.a, `/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
    await untilPhase(keys.a, id, 'Deleted');
    await eventually(`namespace ${namespaceName(id)} to be gone`, async () =>
      (await core()
        .readNamespace({ name: namespaceName(id) })
        .catch(() => undefined))
        ? undefined
        : true,
    );

    expect((await create(keys.b, id)).status).toBe(201);
    await untilPhase(keys.b, id, 'Ready');
    const after = await objectUids(id);
    expect(after.namespace).not.toBe(before.namespace);
    expect(after.secret).not.toBe(before.secret);
    expect(after.password).not.toBe(before.password);
    expect(after.claims.some((uid) => before.claims.includes(uid))).toBe(false);
  });

  it("when another owner's store of the same id is started past the API, then it ends Failed with ForeignRemains, adopts nothing, and its delete leaves the remains alone", async () => {
    const { id, before } = await terminatedStore('foreign');

    const intruder = await worker.createStore({ storeId: id, engine: 'woocommerce', owner: owners.b });
    const failed = await waitForPhase(intruder, 'Failed', 60_000);
    expect(failed.conditions.find((c) => c.type === 'NamespaceReady')).toMatchObject({
      status: 'False',
      reason: 'ForeignRemains',
    });
    expect(failed.lastError).toContain(`namespace ${namespaceName(id)} was left by another owner's store ${id}`);
    expect(failed.lastError).toContain('storefleet does not adopt it');
    // One attempt: retrying cannot change whose the namespace is.
    const history = await intruder.fetchHistory();
    expect(history.events?.filter((e) => e.activityTaskStartedEventAttributes).length).toBe(1);

    await intruder.signal('delete');
    const deleted = await waitForPhase(intruder, 'Deleted', 60_000);
    expect(deleted.events.some((e) => e.reason === 'ForeignRemainsKept')).toBe(true);
    expect(await objectUids(id)).toEqual(before);
    await recordHistory('store-foreign-remains-deleted', intruder.workflowId);
    await recordHistory('cleanup-foreign-namespace-kept', `store-${id}-cleanup`);
  });

  it('when an owner deletes its store cleanly, then it can create the same id again', async () => {
    const id = storeId('again');
    expect((await create(keys.a, id)).status).toBe(201);
    await untilPhase(keys.a, id, 'Ready');
    expect((await call(keys.a, `/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
    await untilPhase(keys.a, id, 'Deleted');
    expect((await create(keys.a, id)).status).toBe(201);
    await untilPhase(keys.a, id, 'Ready');
  });
});
