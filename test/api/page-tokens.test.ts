// Page tokens through the real API and Temporal: signed with the installation's key (kept in Temporal,
// so every API replica accepts every other's tokens) and bound to their query. No worker runs: the
// stores are started straight in Temporal on a queue nobody polls, as listing needs only their search
// attributes, and the installation workflow needs none either.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installationWorkflowId } from '../../api/installation.js';
import { storeWorkflowId } from '../../core/names.js';
import { StoreEngine, StoreId, StoreOwner, StorePhase, StorePlan } from '../../core/search-attributes.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { eventually, temporalClient, uniqueName } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';

const owner = uniqueName('pages');
const key = `${owner}-key-0123456789`;
const otherKey = `${owner}-other-key-0123456789`;
const auth = keyAuth({ [key]: owner, [otherKey]: `${owner}-other` });
const taskQueue = uniqueName('no-worker');
const ids = [uniqueName('page'), uniqueName('page'), uniqueName('page')];
let api: TestApi;
let replica: TestApi;

type Page = { stores: Array<{ storeId: string }>; nextPageToken?: string };
const list = (base: TestApi, query: string, as = key) =>
  fetch(`${base.url}/api/v1/stores?${query}`, { headers: { Authorization: `Bearer ${as}` } });
const page = async (base: TestApi, query: string) => {
  const res = await list(base, query);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
};

beforeAll(async () => {
  api = await startApi({ taskQueue, auth });
  replica = await startApi({ taskQueue, auth });
  const client = await temporalClient();
  for (const storeId of ids) {
    await client.workflow.start('storeWorkflow', {
      taskQueue,
      workflowId: storeWorkflowId(storeId),
      args: [{ storeId, engine: 'woocommerce', plan: 'small', owner }],
      typedSearchAttributes: [
        { key: StoreId, value: storeId },
        { key: StoreEngine, value: 'woocommerce' },
        { key: StorePlan, value: 'small' },
        { key: StoreOwner, value: owner },
        { key: StorePhase, value: 'Provisioning' },
      ],
    });
  }
  await eventually('the three stores to be listed', async () =>
    (await page(api, 'limit=100')).stores.length === 3 ? true : undefined,
  );
});
afterAll(async () => {
  const client = await temporalClient();
  await Promise.all(ids.map((id) => client.workflow.getHandle(storeWorkflowId(id)).terminate('page-token test done')));
  await api?.close();
  await replica?.close();
});

async function expectRefused(res: Response, began: number) {
  expect(Date.now() - began, 'answered without asking Temporal').toBeLessThan(2000);
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: { code: 'invalid_page_token' } });
}

describe('page tokens', () => {
  it('when the token of page 1 is sent, then page 2 continues the list, also on another API replica', async () => {
    const first = await page(api, 'limit=2&engine=woocommerce');
    expect(first.stores).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    for (const base of [api, replica]) {
      const second = await page(base, `limit=2&engine=woocommerce&pageToken=${first.nextPageToken}`);
      expect([...first.stores, ...second.stores].map((s) => s.storeId).sort()).toEqual([...ids].sort());
    }
  });

  it('when the token is forged, damaged, or replayed with another filter or by another owner, then 400 invalid_page_token at once', async () => {
    const { nextPageToken: token = '' } = await page(replica, 'limit=1&engine=woocommerce');
    const [data = '', signature = ''] = token.split('.');
    // What anyone could make without the key: other bytes for Temporal, with the old keyless checksum.
    const forgedBytes = Buffer.concat([Buffer.from(data, 'base64url'), Buffer.from(' ')]);
    const forged = `${forgedBytes.toString('base64url')}.${createHash('sha256').update(forgedBytes).digest('base64url')}`;
    const flipped = `${data}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    for (const [query, as] of [
      [`limit=1&engine=woocommerce&pageToken=${forged}`, key],
      [`limit=1&engine=woocommerce&pageToken=${flipped}`, key],
      [`limit=1&engine=medusa&pageToken=${token}`, key],
      [`limit=1&pageToken=${token}`, key],
      [`limit=1&engine=woocommerce&pageToken=${token}`, otherKey],
    ] as const) {
      const began = Date.now();
      await expectRefused(await list(api, query, as), began);
    }
  });

  it('when no key is configured, then the installation workflow holds the key every replica uses', async () => {
    const description = await (await temporalClient()).workflow.getHandle(installationWorkflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.memo?.pageTokenKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await recordHistory('installation', installationWorkflowId);
  });
});
