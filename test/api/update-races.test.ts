// Updates that arrive while a store's change is still being checked (its handler awaits checkChange),
// through the real API, worker and Temporal. The store once accepted them in that window, and the
// change handler then refused after its await with a plain Error: that failed the workflow task on
// every retry, so nothing reached the store any more and every later update or read timed out (503
// worker_unavailable), a delete never ran.
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreActivities } from '../../activities/index.js';
import { storeWorkflowId } from '../../core/names.js';
import { eventually } from '../harness/clients.js';
import { startApi, type TestApi } from '../harness/api.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const workerReadTimeoutMs = 10_000;
let worker: TestStoreWorker;
let api: TestApi;

interface Latch {
  promise: Promise<void>;
  resolve: () => void;
}
function latch(): Latch {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
/** checkChange of a store waits at this gate (at most 20 s), so the test can act while the change is being checked. */
const gates = new Map<string, { entered: Latch; open: Latch }>();
const gateOf = (id: string) => {
  if (!gates.has(id)) gates.set(id, { entered: latch(), open: latch() });
  return gates.get(id)!;
};

function holdingChangeChecks(activities: StoreActivities): StoreActivities {
  return {
    ...activities,
    async checkChange(spec, target) {
      const gate = gateOf(spec.storeId);
      gate.entered.resolve();
      await Promise.race([gate.open.promise, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      return activities.checkChange(spec, target);
    },
  };
}

beforeAll(async () => {
  worker = await startStoreWorker({ wrapActivities: holdingChangeChecks });
  api = await startApi({ taskQueue: worker.taskQueue, workerReadTimeoutMs });
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

interface Answer {
  status: number;
  ms: number;
  body: { phase?: string; live?: boolean; plan?: string; error?: { code: string; message: string } };
}
async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, ms: Date.now() - started, body: (await res.json()) as Answer['body'] };
}
const untilPhase = (id: string, phase: string) =>
  eventually(
    `${id} to be ${phase}`,
    async () => {
      const { body } = await call('GET', `/stores/${id}`);
      return body.phase === phase ? body : undefined;
    },
    120_000,
  );

async function workflowTaskFailures(id: string): Promise<number> {
  const history = await worker.client.workflow.getHandle(storeWorkflowId(id)).fetchHistory();
  return (history.events ?? []).filter(
    (event) => event.eventType === proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  ).length;
}

/** A new Ready store whose change to plan medium is being checked now: its checkChange waits at the gate. */
async function changeBeingChecked(engine: 'woocommerce' | 'medusa'): Promise<{ id: string; change: Promise<Answer> }> {
  const id = storeId('race');
  expect((await call('POST', '/stores', { storeId: id, engine })).status).toBe(201);
  await untilPhase(id, 'Ready');
  const change = call('PATCH', `/stores/${id}`, { plan: 'medium' });
  await gateOf(id).entered.promise;
  return { id, change };
}

describe('updates while a change is being checked', () => {
  it('when hibernate, an order check and another change arrive while a change is being checked, then they are refused with 409 at once, the change goes through and the store keeps answering', async () => {
    const { id, change } = await changeBeingChecked('woocommerce');
    const others = await Promise.all([
      call('POST', `/stores/${id}/hibernate`, {}),
      call('POST', `/stores/${id}/checks/order`, {}),
      call('PATCH', `/stores/${id}`, { plan: 'large' }),
    ]);
    gateOf(id).open.resolve();
    const changed = await change;

    expect(others.map((answer) => [answer.status, answer.body.error?.code])).toEqual([
      [409, 'store_not_ready'],
      [409, 'store_not_ready'],
      [409, 'change_refused'],
    ]);
    for (const answer of others) expect(answer.body.error?.message).toMatch(/checking a change requested by API/);
    expect(changed.status, JSON.stringify(changed.body)).toBe(202);
    expect(changed.body.phase).toBe('Upgrading');
    for (const answer of [...others, changed]) expect(answer.ms).toBeLessThan(workerReadTimeoutMs);

    const ready = await untilPhase(id, 'Ready');
    expect(ready).toMatchObject({ live: true, plan: 'medium' });
    // Once the change is done the store takes updates again.
    const asleep = await call('POST', `/stores/${id}/hibernate`, {});
    expect(asleep.status, JSON.stringify(asleep.body)).toBe(202);
    await untilPhase(id, 'Hibernated');
    expect(await workflowTaskFailures(id)).toBe(0);
  });

  it('when a store is deleted while its change is being checked, then the change is refused with 409 and the store ends Deleted', async () => {
    const { id, change } = await changeBeingChecked('medusa');
    expect((await call('DELETE', `/stores/${id}`)).status).toBe(202);
    gateOf(id).open.resolve();
    const refused = await change;

    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error?.code).toBe('change_refused');
    expect(refused.body.error?.message).toMatch(/being deleted/);
    expect(refused.ms).toBeLessThan(workerReadTimeoutMs);
    await untilPhase(id, 'Deleted');
    expect(await workflowTaskFailures(id)).toBe(0);
  });
});
