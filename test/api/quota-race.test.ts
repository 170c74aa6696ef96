// The per-owner store quota holds under concurrency: parallel creates, through one API or two, give
// exactly as many stores as the limit. Creates take their slots from leases, so most ask the quota
// nothing; a lease its holder never closes is settled when it expires. The stores' own workflows are
// parked on a task queue no worker polls, so only the quota's workflow runs: 100 real provisions
// would measure the cluster, not this.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { randomUUID } from 'node:crypto';
import { storeStart } from '../../api/store-admission.js';
import { createOwnerQuota } from '../../api/owner-quota.js';
import { ownerQuotaWorkflowId } from '../../core/names.js';
import { leaseCloseWaitMs, leaseSettleMs, quotaUsageQuery } from '../../core/owner-quota.js';
import { eventually, uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const limit = 50;
const keys = {
  one: 'race-one-key-0123456789',
  two: 'race-two-key-0123456789',
  three: 'race-three-key-0123456789',
  four: 'race-four-key-0123456789',
};
const owners = {
  one: uniqueName('race-one'),
  two: uniqueName('race-two'),
  three: uniqueName('race-three'),
  four: uniqueName('race-four'),
};
const parked = uniqueName('parked');
let worker: TestStoreWorker;
let apis: TestApi[];
const started: string[] = [];

beforeAll(async () => {
  worker = await startStoreWorker();
  const options = {
    taskQueue: parked,
    quotaTaskQueue: worker.taskQueue,
    auth: keyAuth({
      [keys.one]: owners.one,
      [keys.two]: owners.two,
      [keys.three]: owners.three,
      [keys.four]: owners.four,
    }),
    storesPerOwner: limit,
    // 60 updates at once on one workflow take a few seconds on a busy 2-core machine; this is about the count.
    workerReadTimeoutMs: 60_000,
  };
  apis = await Promise.all([startApi(options), startApi(options)]);
});
afterAll(async () => {
  // Never picked up by a worker, so they made nothing in the cluster: terminating them leaves no garbage.
  await Promise.all(
    started.map((id) =>
      worker.client.workflow
        .getHandle(`store-${id}`)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await Promise.all(apis.map((api) => api.close()));
  await worker.stop();
});

async function create(key: string, api: TestApi, id = storeId('race')) {
  const res = await fetch(`${api.url}/api/v1/stores`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ storeId: id, engine: 'medusa' }),
  });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  if (res.status === 201) started.push(id);
  return { status: res.status, code: body.error?.code, message: body.error?.message, id };
}

const quotaOf = (owner: string) => worker.client.workflow.getHandle(ownerQuotaWorkflowId(worker.taskQueue, owner));

/** 60 creates at once, spread over the given APIs; the answers' statuses and error codes. */
async function createAtOnce(key: string, over: TestApi[], count = 60) {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => create(key, over[i % over.length]!)));
  return {
    created: answers.filter((a) => a.status === 201).length,
    refused: answers.filter((a) => a.status === 403 && a.code === 'store_quota_exceeded'),
    other: answers.filter((a) => a.status !== 201 && a.status !== 403),
  };
}

describe('the per-owner store quota', () => {
  it(`when 60 creates of one owner arrive at once with a limit of ${limit}, then exactly ${limit} stores start and 10 are refused`, async () => {
    const result = await createAtOnce(keys.one, [apis[0]!]);
    expect(result.other).toEqual([]);
    expect(result.created).toBe(limit);
    expect(result.refused).toHaveLength(10);
    expect(result.refused[0]?.message).toContain(`owner ${owners.one} already has ${limit} stores (limit ${limit})`);
    await recordHistory('owner-quota-full', ownerQuotaWorkflowId(worker.taskQueue, owners.one));
  });

  it(`when they arrive through two API instances, each with its own Temporal connection as two replicas have, then still exactly ${limit}`, async () => {
    const result = await createAtOnce(keys.two, apis);
    expect(result.other).toEqual([]);
    expect(result.created).toBe(limit);
    expect(result.refused).toHaveLength(10);
  });

  it('when an owner creates stores one after another, then a lease serves them: the quota answers a lease update or two, not a reservation per create, and counts exactly the stores once the lease is closed', async () => {
    for (let i = 0; i < 10; i++) expect((await create(keys.three, apis[0]!)).status).toBe(201);
    const updates: string[] = [];
    for (const event of (await quotaOf(owners.three).fetchHistory()).events ?? []) {
      const name = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
      if (name) updates.push(name);
    }
    // One lease, unless this machine took longer than the lease's 5 s for the ten creates; never a reservation per create.
    expect(new Set(updates)).toEqual(new Set(['leaseSlots']));
    expect(updates.length).toBeLessThanOrEqual(3);
    // The lease counts whole (25 of 50) until its use time ends and it is closed with its ten stores.
    await eventually('the lease closed with its ten stores', async () => {
      const usage = await quotaOf(owners.three).query(quotaUsageQuery);
      return usage.used === 10 ? usage : undefined;
    });
  });

  it(`when a lease's holder never closes it (its process died), then once it expires the quota counts the stores started with it and frees the rest`, async () => {
    const owner = uniqueName('race-dead');
    const quota = createOwnerQuota({ client: worker.client, taskQueue: worker.taskQueue, limit, timeoutMs: 60_000 });
    expect(await quota.lease(owner, { leaseId: randomUUID(), slots: 5, storeTaskQueue: parked, useMs: 0 })).toBe(5);
    // What the holder did with three of its slots before it died: the API's own starts.
    for (let i = 0; i < 3; i++) {
      const id = storeId('race-dead');
      started.push(id);
      await worker.client.workflow.start(
        'storeWorkflow',
        storeStart({ storeId: id, engine: 'medusa', plan: 'small', owner }, parked, {}),
      );
    }
    expect((await quotaOf(owner).query(quotaUsageQuery)).used).toBe(5);
    const usage = await eventually(
      'the expired lease settled',
      async () => {
        const now = await quotaOf(owner).query(quotaUsageQuery);
        return now.used === 5 ? undefined : now;
      },
      leaseSettleMs + 30_000,
    );
    expect(usage).toEqual({ used: 3, leased: 0, storeIds: started.slice(-3).sort() });
  });

  it(`when a dead holder's lease holds the last free slot, then a reservation is refused after waiting ${leaseCloseWaitMs / 1000} s for it, not kept until the lease is settled`, async () => {
    const owner = uniqueName('race-held');
    const quota = createOwnerQuota({ client: worker.client, taskQueue: worker.taskQueue, limit: 2, timeoutMs: 60_000 });
    expect(await quota.lease(owner, { leaseId: randomUUID(), slots: 1, storeTaskQueue: parked, useMs: 0 })).toBe(1);
    await quota.reserve(owner, storeId('race-held'));
    const refused = await quota.reserve(owner, storeId('race-held')).then(
      () => undefined,
      (error: unknown) => error as { status: number; code: string; message: string },
    );
    expect(refused).toMatchObject({ status: 403, code: 'store_quota_exceeded' });
    // It says why: the slot still leased, not only the stores.
    expect(refused?.message).toContain(`owner ${owner} already has 1 stores and 1 slots leased to API processes`);
    // Answered while the lease still counted: it expires leaseSettleMs after it was granted.
    expect((await quotaOf(owner).query(quotaUsageQuery)).used).toBe(2);
  });

  it("when the quota is full only because another replica's lease is open, then a dry run waits for the lease like a create and answers 200 once it is closed; full with stores, 403 at once", async () => {
    const owner = uniqueName('race-dry');
    const key = 'race-dry-key-0123456789';
    // Dry runs are rendered by a worker: this API's stores go to the real worker's queue (none is started here).
    const api = await startApi({ taskQueue: worker.taskQueue, auth: keyAuth({ [key]: owner }), storesPerOwner: 2 });
    const dryRun = () =>
      fetch(`${api.url}/api/v1/stores?dryRun=true`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
        body: JSON.stringify({ storeId: storeId('race-dry'), engine: 'medusa' }),
      });
    try {
      const replica = createOwnerQuota({
        client: worker.client,
        taskQueue: worker.taskQueue,
        limit: 2,
        timeoutMs: 60_000,
      });
      const leaseId = randomUUID();
      expect(await replica.lease(owner, { leaseId, slots: 1, storeTaskQueue: parked, useMs: 60_000 })).toBe(1);
      await replica.reserve(owner, storeId('race-dry'));
      let answered = false;
      const waiting = dryRun().then((res) => {
        answered = true;
        return res;
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(answered).toBe(false);
      await replica.closeLease(owner, { leaseId, storeIds: [] });
      const res = await waiting;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ dryRun: true, owner });

      await replica.reserve(owner, storeId('race-dry'));
      const began = Date.now();
      const full = await dryRun();
      expect(full.status).toBe(403);
      const { error } = (await full.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('store_quota_exceeded');
      expect(error.message).toContain(`owner ${owner} already has 2 stores (limit 2)`);
      expect(Date.now() - began).toBeLessThan(leaseCloseWaitMs);
    } finally {
      await api.close();
    }
  });

  it("when the process holds a leased slot, so that a create starts first and checks after, then a taken id is answered as before: the same store 200, another owner's 409, remains 409, and only started stores keep a slot", async () => {
    const api = apis[0]!;
    const mine = await create(keys.four, api);
    expect(mine.status).toBe(201);
    expect((await create(keys.four, api, mine.id)).status).toBe(200);
    const others = await create(keys.three, api);
    expect(others.status).toBe(201);
    expect(await create(keys.four, api, others.id)).toMatchObject({ status: 409, code: 'store_id_taken' });
    const ended = await create(keys.four, api);
    await worker.client.workflow.getHandle(`store-${ended.id}`).terminate('an operator ended it by hand');
    expect(await create(keys.four, api, ended.id)).toMatchObject({ status: 409, code: 'store_remains' });
    const usage = await eventually('the lease closed', async () => {
      const now = await quotaOf(owners.four).query(quotaUsageQuery);
      return now.used === 2 ? now : undefined;
    });
    expect(usage.storeIds).toEqual([mine.id, ended.id].sort());
  });
});
