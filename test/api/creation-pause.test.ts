// The emergency switch through the real API, Temporal and a real worker: an admin pauses the creation of
// new stores for the platform (its task queue), every new create is refused with the reason while
// everything else keeps working, the pause is kept in Temporal (a rebuilt app, the "restart", still
// sees it), and after the resume creates are accepted again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../api/auth.js';
import { installationWorkflowId } from '../../api/installation.js';
import { storeWorkflowId } from '../../core/names.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, temporalClient, uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { startInstallationWorker, type InstallationWorker } from '../harness/installation-worker.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const keys = { owner: 'pause-owner-key-0123456789', admin: 'pause-admin-key-0123456789' };
const owner = uniqueName('pause-team');
const auth = { keys: new Map([[keys.owner, owner]]), adminKeys: new Set([keys.admin]) };
const reason = 'database migration in progress, ticket OPS-1234';

let worker: TestStoreWorker;
let installation: InstallationWorker;
let api: TestApi;
const apis: TestApi[] = [];

beforeAll(async () => {
  worker = await startStoreWorker();
  installation = await startInstallationWorker(worker.taskQueue);
  api = await startApi({ taskQueue: worker.taskQueue, auth });
  apis.push(api);
});
afterAll(async () => {
  // Never leave the platform paused (its task queue is this file's own, but still).
  const first = apis[0];
  if (first)
    await fetch(`${first.url}/api/v1/admin/creation-pause`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${keys.admin}` },
    }).catch(() => undefined);
  await Promise.all(apis.map((each) => each.close()));
  await installation?.stop();
  await worker?.stop();
});

const call = (base: TestApi, key: string | undefined, path: string, init: RequestInit = {}) =>
  fetch(`${base.url}/api/v1${path}`, {
    ...init,
    headers: {
      'Content-Type': 'application/json',
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
    },
  });
const create = (base: TestApi, id: string) =>
  call(base, keys.owner, '/stores', { method: 'POST', body: JSON.stringify({ storeId: id, engine: 'woocommerce' }) });
const pause = (base: TestApi, key: string | undefined, body: object = { reason }) =>
  call(base, key, '/admin/creation-pause', { method: 'POST', body: JSON.stringify(body) });
const pauseState = async (base: TestApi, key = keys.owner) => {
  const res = await call(base, key, '/admin/creation-pause');
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};
const gauge = async (base: TestApi) =>
  /^storefleet_creation_paused (\d)$/m.exec(await (await fetch(`${base.url}/metrics`)).text())?.[1];
const workflowExists = async (id: string) =>
  (await temporalClient()).workflow
    .getHandle(storeWorkflowId(id))
    .describe()
    .then(
      () => true,
      () => false,
    );

const existing = storeId('pause-existing');
const refused = storeId('pause-new');

describe('pausing the creation of new stores', () => {
  it('when a non-admin key pauses or resumes, then it gets 403 and nothing changes; without a key, 401', async () => {
    const byOwner = await pause(api, keys.owner);
    expect(byOwner.status).toBe(403);
    const { error } = (await byOwner.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/only an admin key may pause/);
    expect((await call(api, keys.owner, '/admin/creation-pause', { method: 'DELETE' })).status).toBe(403);
    const anonymous = await pause(api, undefined);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await call(api, undefined, '/admin/creation-pause')).status).toBe(401);
    expect(await pauseState(api)).toEqual({ paused: false });
    expect(await pauseState(api, keys.admin)).toEqual({ paused: false });
  });

  it('when an admin sends no reason or one over 500 characters, then 400 and nothing changes', async () => {
    for (const body of [{ reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, {}, { reason: 42 }]) {
      const res = await pause(api, keys.admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect(await pauseState(api)).toEqual({ paused: false });
  });

  it('when an admin pauses, then a new create gets 503 creation_paused naming the reason, while the existing store answers its idempotent create with 200 and its GET and DELETE work', async () => {
    expect((await create(api, existing)).status).toBe(201);
    expect(await gauge(api)).toBe('0');

    const paused = await pause(api, keys.admin);
    const body = await paused.text();
    expect(paused.status, body).toBe(200);
    const state = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(state).sort()).toEqual(['paused', 'pausedAt', 'pausedBy', 'reason']);
    expect(state).toMatchObject({ paused: true, reason, pausedBy: keyIdOf(keys.admin) });
    expect(Date.parse(String(state.pausedAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(body).not.toContain(keys.admin);
    // Every key may read it, and this replica refuses at once (its own pause updated its cache).
    expect(await pauseState(api)).toEqual(state);

    const res = await create(api, refused);
    expect(res.status).toBe(503);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('creation_paused');
    expect(error.message).toContain(reason);
    expect(error.message).toContain(keyIdOf(keys.admin));
    expect(error.message).toContain(String(state.pausedAt));
    expect(await workflowExists(refused)).toBe(false);

    const again = await create(api, existing);
    expect(again.status, await again.clone().text()).toBe(200);
    expect((await call(api, keys.owner, `/stores/${existing}`)).status).toBe(200);
    expect(await gauge(api)).toBe('1');

    // Pausing again replaces the reason; since when stays.
    const replaced = (await (await pause(api, keys.admin, { reason: `${reason} (extended)` })).json()) as Record<
      string,
      unknown
    >;
    expect(replaced).toMatchObject({ reason: `${reason} (extended)`, pausedAt: state.pausedAt });
    expect(((await (await create(api, refused)).json()) as { error: { message: string } }).error.message).toContain(
      '(extended)',
    );

    const lines = api.logs.filter((line) => line.includes('"msg":"store creation paused"'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(reason);
    expect(lines[0]).toContain(keyIdOf(keys.admin));
    expect(api.logs.join('\n')).not.toContain(keys.admin);
  });

  it('when the API app is rebuilt on the same Temporal (a restart, or another replica), then it is still paused', async () => {
    const restarted = await startApi({ taskQueue: worker.taskQueue, auth });
    apis.push(restarted);
    expect(await pauseState(restarted)).toMatchObject({ paused: true, reason: `${reason} (extended)` });
    const res = await create(restarted, refused);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('creation_paused');
    expect(await gauge(restarted)).toBe('1');
  });

  it('when an existing store is deleted while creation is paused, then the delete is accepted', async () => {
    expect((await call(api, keys.owner, `/stores/${existing}`, { method: 'DELETE' })).status).toBe(202);
  });

  it('when an admin resumes, then creates are accepted again, on every replica, and the gauge reads 0', async () => {
    const resumed = await call(api, keys.admin, '/admin/creation-pause', { method: 'DELETE' });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toEqual({ paused: false });
    expect(await pauseState(api)).toEqual({ paused: false });
    expect(await gauge(api)).toBe('0');
    const line = api.logs.find((each) => each.includes('"msg":"store creation resumed"'));
    expect(line).toContain(keyIdOf(keys.admin));
    expect(line).toContain('(extended)');

    const created = await create(api, refused);
    expect(created.status, await created.clone().text()).toBe(201);
    // The other replica kept what it read for at most 2 s.
    const other = apis[1]!;
    const id = storeId('pause-after');
    await eventually(
      'the other replica to accept a create',
      async () => {
        const res = await create(other, id);
        return res.status === 201 ? true : undefined;
      },
      5000,
    );
    await recordHistory('installation-creation-paused-resumed', installationWorkflowId);
    for (const each of [refused, id])
      expect((await call(api, keys.owner, `/stores/${each}`, { method: 'DELETE' })).status).toBe(202);
  });
});
