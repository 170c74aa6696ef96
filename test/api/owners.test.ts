// API keys map to owners: each sees and changes only its own stores; an admin sees all; a per-owner
// quota holds; keys never reach the logs. Also: GET answers while no worker runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { keyIdOf } from '../../api/auth.js';
import { adminSecretName, namespaceName } from '../../core/names.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';
import { recordHistoryOfType } from '../harness/histories.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const keys = { a: 'team-a-key-0123456789', b: 'team-b-key-0123456789', admin: 'admin-key-0123456789' };
// Owners unique to this file: the run's Temporal server is shared, and quotas count per owner.
const owners = { a: uniqueName('team-a'), b: uniqueName('team-b') };
let worker: TestStoreWorker;
let api: TestApi;

beforeAll(async () => {
  worker = await startStoreWorker();
  api = await startApi({
    taskQueue: worker.taskQueue,
    auth: keyAuth({ [keys.a]: owners.a, [keys.b]: owners.b }, [keys.admin]),
    storesPerOwner: 2,
    queryTimeoutMs: 1000,
    workerReadTimeoutMs: 3000,
  });
});
afterAll(async () => {
  await api.close();
  await worker.stop();
});

const call = (key: string | undefined, path: string, init: RequestInit = {}) =>
  fetch(`${api.url}${path}`, {
    ...init,
    headers: {
      'Content-Type': 'application/json',
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
const kubeCore = () => kubeConfig().makeApiClient(CoreV1Api);
const create = (key: string, id: string) =>
  call(key, '/api/v1/stores', { method: 'POST', body: JSON.stringify({ storeId: id, engine: 'woocommerce' }) });
// In CI this file can overlap the 30-store fleet test and the real node's image imports on two cores:
// a store took more than 120 s there on a slower machine. On a timeout the error carries the last
// answer, to tell a slow store from a stuck one.
const untilReady = (key: string, id: string) => {
  let last = 'no answer yet';
  return eventually(
    `${id} to be Ready`,
    async () => {
      const res = await call(key, `/stores/${id}`);
      const body = (await res.json()) as { phase: string };
      last = `${res.status} ${JSON.stringify(body)}`;
      return body.phase === 'Ready' ? body : undefined;
    },
    240_000,
    () => `last GET answered ${last}`,
  );
};

describe('owners', () => {
  const mine = storeId('own');

  it('when no key or a wrong key is sent, then 401', async () => {
    expect((await call(undefined, '/stores')).status).toBe(401);
    const wrong = await call('not-a-key-at-all-123', '/stores');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('when team-a creates a store, then team-b cannot see, retry or delete it, and the admin can see it', async () => {
    expect((await create(keys.a, mine)).status).toBe(201);
    const ready = await untilReady(keys.a, mine);
    expect(ready).toMatchObject({ owner: owners.a });

    for (const [method, path] of [
      ['GET', `/stores/${mine}`],
      ['GET', `/stores/${mine}/events`],
      ['POST', `/stores/${mine}/retry`],
      ['DELETE', `/stores/${mine}`],
    ] as const) {
      expect((await call(keys.b, path, { method })).status, `${method} ${path}`).toBe(404);
    }
    expect((await create(keys.b, mine)).status).toBe(409);
    expect((await call(keys.admin, `/stores/${mine}`)).status).toBe(200);

    const listed = await eventually('the store in team-a listing', async () => {
      const body = (await (await call(keys.a, '/stores?limit=100')).json()) as {
        stores: Array<{ storeId: string; owner: string }>;
      };
      return body.stores.some((s) => s.storeId === mine) ? body.stores : undefined;
    });
    expect(listed.every((s) => s.owner === owners.a)).toBe(true);
    const forB = (await (await call(keys.b, '/stores?limit=100')).json()) as { stores: Array<{ storeId: string }> };
    expect(forB.stores.some((s) => s.storeId === mine)).toBe(false);
    expect((await call(keys.b, `/stores?owner=${owners.a}`)).status).toBe(403);
    const forAdmin = (await (await call(keys.admin, `/stores?owner=${owners.a}&limit=100`)).json()) as {
      stores: Array<{ storeId: string }>;
    };
    expect(forAdmin.stores.some((s) => s.storeId === mine)).toBe(true);
  }, 300_000);

  it("when team-a reads its store's usage, then the quota shows what its pods use of the plan, and its volumes", async () => {
    const res = await call(keys.a, `/stores/${mine}/usage`);
    expect(res.status).toBe(200);
    const usage = (await res.json()) as {
      plan: string;
      found: boolean;
      ageSeconds: number;
      quota: Array<{ resource: string; used: string; hard: string; usedFraction?: number }>;
      volumes: Array<{ name: string; requested: string }>;
    };
    expect(usage).toMatchObject({ plan: 'small', found: true });
    expect(usage.ageSeconds).toBeGreaterThanOrEqual(0);
    const line = (resource: string) => usage.quota.find((q) => q.resource === resource);
    expect(line('pods')).toMatchObject({ hard: '20' });
    expect(Number(line('pods')?.used)).toBeGreaterThan(0);
    expect(line('requests.cpu')?.usedFraction).toBeGreaterThan(0);
    expect(usage.volumes.length).toBeGreaterThan(0);
    expect(usage.volumes.every((v) => v.requested.endsWith('Gi') || v.requested.endsWith('Mi'))).toBe(true);
    expect((await call(keys.b, `/stores/${mine}/usage`)).status).toBe(404);
    await recordHistoryOfType('store-usage', worker.taskQueue, 'storeUsageWorkflow');
  });

  it('when the fleet usage is asked, then an owner sees only its stores, another owner is refused, and the admin sees any', async () => {
    const fleet = (await (await call(keys.a, '/api/v1/fleet/usage')).json()) as {
      stores: Array<{ storeId: string; owner: string }>;
      totals: Array<{ resource: string; used: number; hard: number }>;
    };
    expect(fleet.stores.map((s) => s.storeId)).toContain(mine);
    expect(fleet.stores.every((s) => s.owner === owners.a)).toBe(true);
    expect(fleet.totals.find((t) => t.resource === 'pods')?.hard).toBe(20 * fleet.stores.length);
    expect((await call(keys.b, `/api/v1/fleet/usage?owner=${owners.a}`)).status).toBe(403);
    const forAdmin = (await (await call(keys.admin, `/api/v1/fleet/usage?owner=${owners.a}`)).json()) as {
      stores: Array<{ storeId: string }>;
    };
    expect(forAdmin.stores.map((s) => s.storeId)).toContain(mine);
    await recordHistoryOfType('fleet-usage', worker.taskQueue, 'fleetUsageWorkflow');
  });

  it('when team-a deletes its store, then the history names team-a and its key for the request and the delete, with every step, and shows no secret', async () => {
    const secret = await kubeCore().readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(mine) });
    expect((await call(keys.a, `/stores/${mine}`, { method: 'DELETE' })).status).toBe(202);
    const deleted = await eventually(`${mine} to be Deleted in its history`, async () => {
      const body = (await (await call(keys.a, `/stores/${mine}/history`)).json()) as {
        timeline: Array<{ kind: string; title: string; by?: string; outcome?: string; attempts?: number }>;
      };
      return body.timeline.some((e) => e.title === 'phase Deleting → Deleted') ? body : undefined;
    });
    const teamA = `owner ${owners.a} (key ${keyIdOf(keys.a)})`;
    expect(deleted.timeline[0]).toMatchObject({
      kind: 'requested',
      title: `store ${mine} requested (woocommerce, plan small)`,
      by: teamA,
    });
    const steps = deleted.timeline.filter((e) => e.kind === 'step');
    expect(steps.map((e) => e.title)).toEqual([
      'ensureNamespace',
      'applyGuardrails',
      'ensureAdminSecret',
      'helmUpgradeInstall',
      'waitForReady',
      'cleanup (uninstall, volumes, namespace)',
    ]);
    expect(steps.every((e) => e.outcome === 'completed')).toBe(true);
    expect(deleted.timeline).toContainEqual(
      expect.objectContaining({ kind: 'signal', title: 'signal delete', by: `storefleet-api: ${teamA}` }),
    );
    const text = JSON.stringify(deleted);
    for (const value of Object.values(secret.data ?? {}))
      expect(text).not.toContain(Buffer.from(value, 'base64').toString());
    for (const key of Object.values(keys)) expect(text).not.toContain(key);
    expect((await call(keys.b, `/stores/${mine}/history`)).status).toBe(404);
  });

  it('when an owner reaches its store quota, then 403 store_quota_exceeded, and a deleted store frees its slot', async () => {
    const first = storeId('qb');
    expect((await create(keys.b, first)).status).toBe(201);
    expect((await create(keys.b, storeId('qb'))).status).toBe(201);
    const third = await create(keys.b, storeId('qb'));
    expect(third.status).toBe(403);
    expect(await third.json()).toMatchObject({ error: { code: 'store_quota_exceeded' } });

    expect((await call(keys.b, `/stores/${first}`, { method: 'DELETE' })).status).toBe(202);
    await eventually(
      `${first} to be Deleted`,
      async () =>
        ((await (await call(keys.b, `/stores/${first}`)).json()) as { phase: string }).phase === 'Deleted' || undefined,
    );
    expect((await create(keys.b, storeId('qb'))).status).toBe(201);
  });

  it('when requests are logged, then each line has the request id and never the key', async () => {
    const res = await call(keys.a, `/stores/${mine}`, { headers: { 'X-Request-Id': 'trace-me-12345678' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-12345678');
    const logs = api.logs.join('\n');
    for (const key of Object.values(keys)) expect(logs).not.toContain(key);
    expect(logs).toContain('"authorization":"[Redacted]"');
    expect(
      api.logs.some((line) => line.includes('"id":"trace-me-12345678"') && line.includes(`"storeId":"${mine}"`)),
    ).toBe(true);
  });

  it('when no worker is running, then GET still answers with the status the workflow published, conditions and url included', async () => {
    const other = storeId('own');
    expect((await create(keys.a, other)).status).toBe(201);
    await untilReady(keys.a, other);
    const before = (await (await call(keys.a, `/stores/${other}`)).json()) as Record<string, unknown>;
    await worker.stop();
    const res = await call(keys.a, `/stores/${other}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ storeId: other, phase: 'Ready', live: true });
    expect(body.url).toMatch(new RegExp(`^http://${other}\\.`));
    expect(body.conditions).toContainEqual(expect.objectContaining({ type: 'StoreReady', status: 'True' }));
    // The same answer as while the worker ran: the read model is the status, without the timeline.
    expect(body).toEqual(before);
    const usage = await call(keys.a, `/stores/${other}/usage`);
    expect(usage.status).toBe(503);
    expect(await usage.json()).toMatchObject({ error: { code: 'worker_unavailable' } });
  }, 300_000);
});
