// The per-owner store quota holds under concurrency: parallel creates, through one API or two, give
// exactly as many stores as the limit. The stores' own workflows are parked on a task queue no worker
// polls, so only the quota's workflow runs: 100 real provisions would measure the cluster, not this.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../harness/api.js';
import { ownerQuotaWorkflowId } from '../../core/names.js';
import { uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const limit = 50;
const keys = { one: 'race-one-key-0123456789', two: 'race-two-key-0123456789' };
const owners = { one: uniqueName('race-one'), two: uniqueName('race-two') };
let worker: TestStoreWorker;
let apis: TestApi[];
const started: string[] = [];

beforeAll(async () => {
  worker = await startStoreWorker();
  const parked = uniqueName('parked');
  const options = {
    taskQueue: parked,
    quotaTaskQueue: worker.taskQueue,
    auth: {
      keys: new Map([
        [keys.one, owners.one],
        [keys.two, owners.two],
      ]),
      adminKeys: new Set<string>(),
    },
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

/** 60 creates at once, spread over the given APIs; the answers' statuses and error codes. */
async function createAtOnce(key: string, over: TestApi[], count = 60) {
  const answers = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const id = storeId('race');
      const res = await fetch(`${over[i % over.length]!.url}/api/v1/stores`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
        body: JSON.stringify({ storeId: id, engine: 'medusa' }),
      });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      if (res.status === 201) started.push(id);
      return { status: res.status, code: body.error?.code, message: body.error?.message };
    }),
  );
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
});
