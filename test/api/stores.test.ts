// The store API through real HTTP, the real worker, Temporal and the simulated cluster.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubeConfig, temporalCli } from '../harness/clients.js';
import { readStreamUntil, startApi, type TestApi } from '../harness/api.js';
import { recordHistory, recordHistoryOfType } from '../harness/histories.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
let api: TestApi;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  worker = await startStoreWorker();
  api = await startApi({ taskQueue: worker.taskQueue });
});
afterAll(async () => {
  await api.close();
  await worker.stop();
});

const post = (path: string, body: unknown) =>
  fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const getJson = async <T = Record<string, unknown>>(path: string) => {
  const res = await fetch(`${api.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
};
const untilPhase = (path: string, phase: string, timeoutMs = 90_000) =>
  eventually(
    `${path} to be ${phase}`,
    async () => {
      const { body } = await getJson<{ phase: string }>(path);
      return body.phase === phase ? body : undefined;
    },
    timeoutMs,
  );

describe('a store over HTTP', () => {
  it('when created, inspected and deleted as the operations guide does, then it goes Ready and then Deleted with its namespace gone', async () => {
    const id = storeId('api');
    const created = await post('/stores', { engine: 'woocommerce', storeId: id });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/stores/${id}`);
    expect(await created.json()).toMatchObject({
      storeId: id,
      engine: 'woocommerce',
      plan: 'small',
      phase: 'Provisioning',
    });
    // Readable at once, with its sub-resources: a client may follow the Location straight away.
    for (const path of [`/stores/${id}`, `/stores/${id}/events`, `/stores/${id}/history`])
      expect((await getJson(path)).status, path).toBe(200);

    const ready = (await untilPhase(`/stores/${id}`, 'Ready')) as Record<string, unknown>;
    expect(ready).toMatchObject({
      live: true,
      url: `http://${id}.127.0.0.1.nip.io`,
      adminUrl: `http://${id}.127.0.0.1.nip.io/wp-admin/`,
      adminSecret: { name: 'store-admin', namespace: `store-${id}` },
      links: {
        self: `/api/v1/stores/${id}`,
        events: `/api/v1/stores/${id}/events`,
        temporalUi: `http://127.0.0.1:8233/namespaces/default/workflows/store-${id}`,
      },
    });
    expect(JSON.stringify(ready)).not.toMatch(/password/i);
    const events = await getJson<{ events: Array<{ reason: string }> }>(`/api/v1/stores/${id}/events`);
    expect(events.body.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Created', 'StoreReady']));

    const deleted = await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    await untilPhase(`/stores/${id}`, 'Deleted');
    await expect(core.readNamespace({ name: `store-${id}` })).rejects.toMatchObject({ code: 404 });
    expect((await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
  });

  it('when a create is dry-run, then it lists the objects it would make and what the chart asks of the plan, and starts nothing', async () => {
    type DryRun = {
      dryRun: boolean;
      fits: boolean;
      existingPhase?: string;
      problems: string[];
      objects: Array<{ kind: string; name: string; source: string; action: string }>;
      resources: Array<{ resource: string; requested: number; quota: number; fits: boolean }>;
    };
    const id = storeId('dry');
    const res = await post('/api/v1/stores?dryRun=true', { engine: 'woocommerce', storeId: id });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as DryRun;
    expect(plan).toMatchObject({ dryRun: true, fits: true, problems: [] });
    const planned = (kind: string) => plan.objects.filter((o) => o.kind === kind);
    expect(planned('Namespace')).toEqual([
      { kind: 'Namespace', name: `store-${id}`, source: 'storefleet', action: 'create' },
    ]);
    expect(planned('ResourceQuota')).toEqual([expect.objectContaining({ name: 'store-quota', action: 'create' })]);
    expect(planned('NetworkPolicy').length).toBeGreaterThanOrEqual(4);
    expect(plan.objects.filter((o) => o.source === 'chart').map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'StatefulSet', 'Job', 'Service', 'Ingress']),
    );
    const pods = plan.resources.find((r) => r.resource === 'pods');
    expect(pods).toMatchObject({ quota: 20, fits: true });
    expect(pods?.requested).toBeGreaterThanOrEqual(3);
    expect(plan.resources.find((r) => r.resource === 'requests.memory')?.requested).toBeGreaterThan(0);
    // Nothing started: no workflow, no namespace.
    expect((await fetch(`${api.url}/stores/${id}`)).status).toBe(404);
    await expect(core.readNamespace({ name: `store-${id}` })).rejects.toMatchObject({ code: 404 });

    expect((await post('/stores', { engine: 'woocommerce', storeId: id })).status).toBe(201);
    await untilPhase(`/stores/${id}`, 'Ready');
    const again = (await (await post('/stores?dryRun=true', { engine: 'woocommerce', storeId: id })).json()) as DryRun;
    expect(again).toMatchObject({ existingPhase: 'Ready', fits: true });
    expect(again.objects.every((o) => o.action === 'update')).toBe(true);
    expect((await post('/stores?dryRun=true', { engine: 'medusa', storeId: id })).status).toBe(409);
    await recordHistoryOfType('plan-store', worker.taskQueue, 'planStoreWorkflow');
    expect((await post('/stores?dryRun=maybe', { engine: 'medusa', storeId: storeId('dry') })).status).toBe(400);
  });

  it('when a Ready store is hibernated and woken, then its workloads go to zero and come back with its data, and it can be deleted while hibernated', async () => {
    const apps = kubeConfig().makeApiClient(AppsV1Api);
    const id = storeId('nap');
    const namespace = `store-${id}`;
    const replicas = async () =>
      Object.fromEntries(
        (await apps.listNamespacedDeployment({ namespace })).items.map((d) => [d.metadata!.name!, d.spec?.replicas]),
      );
    expect((await post('/stores', { engine: 'woocommerce', storeId: id })).status).toBe(201);
    await untilPhase(`/stores/${id}`, 'Ready');
    const before = await replicas();
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata?.name);

    expect((await post(`/stores/${id}/wake`, {})).status).toBe(409);
    const asleep = await post(`/api/v1/stores/${id}/hibernate`, {});
    expect(asleep.status).toBe(202);
    expect(await asleep.json()).toMatchObject({ storeId: id, message: 'hibernation requested' });
    const hibernated = (await untilPhase(`/stores/${id}`, 'Hibernated')) as unknown as {
      conditions: Array<{ type: string; status: string; reason: string }>;
    };
    expect(hibernated.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
      status: 'False',
      reason: 'Hibernated',
    });
    expect(Object.values(await replicas()).every((r) => r === 0)).toBe(true);
    expect((await apps.listNamespacedStatefulSet({ namespace })).items.every((s) => s.spec?.replicas === 0)).toBe(true);
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata?.name)).toEqual(
      claims,
    );
    const refused = await post(`/stores/${id}/hibernate`, {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: { code: 'store_not_ready', message: expect.stringContaining('the store is Hibernated') as string },
    });
    expect(
      (await getJson<{ stores: Array<{ storeId: string }> }>('/stores?phase=Hibernated&limit=100')).body.stores.map(
        (s) => s.storeId,
      ),
    ).toContain(id);

    expect((await post(`/stores/${id}/wake`, {})).status).toBe(202);
    await untilPhase(`/stores/${id}`, 'Ready');
    expect(await replicas()).toEqual(before);
    const history = await getJson<{ timeline: Array<{ kind: string; title: string; by?: string }> }>(
      `/stores/${id}/history`,
    );
    expect(history.body.timeline).toContainEqual(
      expect.objectContaining({ kind: 'update', title: 'update hibernate', by: 'API, owner default (key none)' }),
    );

    // Again, as the operations guide does it with the temporal CLI; then delete the hibernated store.
    await temporalCli([
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      `store-${id}`,
      '--name',
      'hibernate',
      '--input',
      '{"by":"ops via CLI"}',
    ]);
    await untilPhase(`/stores/${id}`, 'Hibernated');
    expect((await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
    await untilPhase(`/stores/${id}`, 'Deleted');
    await recordHistory('store-hibernated-woken-deleted', `store-${id}`);
    await expect(core.readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
  });

  it('when an order check is asked of a store, then a Ready one runs it and says which step failed and why (OrderFlow False), the CLI update does the same, and another phase is refused with 409', async () => {
    const id = storeId('order');
    expect((await post('/stores', { engine: 'woocommerce', storeId: id })).status).toBe(201);
    await untilPhase(`/stores/${id}`, 'Ready');
    // The simulated cluster's pods serve nothing, and the store's name resolves nowhere: the first step fails.
    const answer = await post(`/stores/${id}/checks/order`, {});
    expect(answer.status).toBe(200);
    const check = (await answer.json()) as {
      storeId: string;
      ok: boolean;
      steps: Array<{ name: string; ok: boolean; message: string }>;
      requestedBy: string;
    };
    expect(check).toMatchObject({ storeId: id, ok: false, requestedBy: 'API, owner default (key none)' });
    expect(check.steps).toEqual([
      { name: 'sample product', ok: false, message: expect.stringMatching(/\S/) as string },
    ]);
    const store = await getJson<{
      conditions: Array<{ type: string; status: string; reason: string; message: string }>;
      lastOrderCheck: unknown;
    }>(`/stores/${id}`);
    expect(store.body.conditions).toContainEqual(
      expect.objectContaining({
        type: 'OrderFlow',
        status: 'False',
        reason: 'OrderFlowBroken',
        message: expect.stringContaining('sample product failed') as string,
      }),
    );
    expect(store.body.lastOrderCheck).toMatchObject({ ok: false, requestedBy: 'API, owner default (key none)' });

    const cli = await temporalCli([
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      `store-${id}`,
      '--name',
      'checkOrder',
      '--input',
      '{"by":"ops via CLI"}',
    ]);
    expect(cli.stdout).toContain('sample product');

    expect((await post(`/stores/${id}/hibernate`, {})).status).toBe(202);
    await untilPhase(`/stores/${id}`, 'Hibernated');
    const refused = await post(`/stores/${id}/checks/order`, {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: { code: 'store_not_ready', message: 'the store is Hibernated; only a Ready store can run an order check' },
    });
    expect((await post(`/stores/${storeId('none')}/checks/order`, {})).status).toBe(404);
    expect((await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
  });

  it('when a store workflow is terminated by hand, then GET says what remains and DELETE removes it and ends Deleted', async () => {
    const id = storeId('term');
    expect((await post('/stores', { engine: 'woocommerce', storeId: id })).status).toBe(201);
    await untilPhase(`/stores/${id}`, 'Ready');
    await worker.client.workflow.getHandle(`store-${id}`).terminate('operator terminated it by hand');

    const stale = await getJson<{ live: boolean; detail: string }>(`/stores/${id}`);
    expect(stale.body).toMatchObject({
      live: false,
      detail: expect.stringContaining('terminated before the store was deleted') as string,
    });
    const deleted = await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(await deleted.json()).toMatchObject({
      phase: 'Deleting',
      message: 'its workflow was terminated; a new run deletes what is left',
    });
    await untilPhase(`/stores/${id}`, 'Deleted');
    await expect(core.readNamespace({ name: `store-${id}` })).rejects.toMatchObject({ code: 404 });
  });

  it('when the same store is created again, then 200; with another engine or plan, then 409', async () => {
    const id = storeId('same');
    expect((await post('/api/v1/stores', { storeId: id, engine: 'medusa' })).status).toBe(201);
    expect((await post('/api/v1/stores', { storeId: id, engine: 'medusa', plan: 'small' })).status).toBe(200);
    const other = await post('/api/v1/stores', { storeId: id, engine: 'woocommerce' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: { code: 'store_exists' } });
    expect((await post('/api/v1/stores', { storeId: id, engine: 'medusa', plan: 'large' })).status).toBe(409);
  });

  it('when 20 identical creates arrive at once, then exactly one creates the workflow and there is one namespace', async () => {
    const id = storeId('burst');
    const statuses = (
      await Promise.all(Array.from({ length: 20 }, () => post('/stores', { storeId: id, engine: 'woocommerce' })))
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    await untilPhase(`/stores/${id}`, 'Ready');
    const runs = [];
    for await (const execution of worker.client.workflow.list({ query: `WorkflowId = 'store-${id}'` }))
      runs.push(execution);
    expect(runs).toHaveLength(1);
    expect((await core.listNamespace({ labelSelector: `storefleet.io/store-id=${id}` })).items).toHaveLength(1);
  });

  it('when stores are listed with filters, then only matching stores come back with their urls, a page at a time', async () => {
    const ids = [storeId('lst'), storeId('lst')];
    for (const id of ids) expect((await post('/stores', { storeId: id, engine: 'medusa' })).status).toBe(201);
    for (const id of ids) await untilPhase(`/stores/${id}`, 'Ready');
    const listed = await eventually('both stores to be listed as Ready medusa stores', async () => {
      const { body } = await getJson<{
        stores: Array<{ storeId: string; engine: string; phase: string; url?: string }>;
      }>('/stores?engine=medusa&phase=Ready&limit=100');
      return ids.every((id) => body.stores.some((s) => s.storeId === id)) ? body.stores : undefined;
    });
    expect(listed.every((s) => s.engine === 'medusa' && s.phase === 'Ready')).toBe(true);
    // The url from each store's read model, the one GET shows.
    for (const id of ids) {
      const { body } = await getJson<{ url: string }>(`/stores/${id}`);
      expect(listed.find((s) => s.storeId === id)?.url).toBe(body.url);
      expect(body.url).toMatch(new RegExp(`^http://${id}\\.`));
    }

    const first = await getJson<{ stores: unknown[]; nextPageToken?: string }>('/stores?engine=medusa&limit=1');
    expect(first.body.stores).toHaveLength(1);
    expect(first.body.nextPageToken).toBeTruthy();
    const second = await getJson<{ stores: Array<{ storeId: string }> }>(
      `/stores?engine=medusa&limit=1&pageToken=${first.body.nextPageToken}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.stores[0]?.storeId).not.toBe((first.body.stores[0] as { storeId: string }).storeId);
  });

  it('when a Ready store is retried, then 409; an unknown store is 404', async () => {
    const id = storeId('rt');
    await post('/stores', { storeId: id, engine: 'woocommerce' });
    await untilPhase(`/stores/${id}`, 'Ready');
    const retry = await fetch(`${api.url}/stores/${id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(409);
    expect(await retry.json()).toMatchObject({ error: { code: 'store_not_failed' } });
    expect((await fetch(`${api.url}/stores/nosuchstore`, { method: 'DELETE' })).status).toBe(404);
    expect((await getJson('/stores/nosuchstore')).body).toMatchObject({ error: { code: 'store_not_found' } });
  });

  it('when a client follows the stream of a new store, then it receives the Ready transition', async () => {
    const id = storeId('sse');
    await post('/stores', { storeId: id, engine: 'woocommerce' });
    const res = await fetch(`${api.url}/stores/${id}/stream`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const received = await readStreamUntil(res, '"phase":"Ready"');
    expect(received).toContain('event: phase');
    expect(received).toContain('event: event');
    expect(received).toContain('"phase":"Ready"');

    // After a delete, the stream says Deleted and ends by itself.
    await fetch(`${api.url}/stores/${id}`, { method: 'DELETE' });
    const again = await fetch(`${api.url}/stores/${id}/stream`);
    const rest = await again.text();
    expect(rest).toContain('"phase":"Deleted"');
  });
});
