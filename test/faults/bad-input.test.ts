// Hostile or broken requests get a 4xx in the error shape, start no workflow, and leave the API serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../harness/api.js';
import { temporalClient } from '../harness/clients.js';

let api: TestApi;

beforeAll(async () => {
  api = await startApi({ taskQueue: 'bad-input-no-worker' });
});
afterAll(() => api.close());

const send = (body: string, contentType = 'application/json') => fetch(`${api.url}/api/v1/stores`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('bad input', () => {
  it.each([
    ['an id with ..', JSON.stringify({ storeId: 'a..b', engine: 'medusa' })],
    ['an uppercase id', JSON.stringify({ storeId: 'DemoStore', engine: 'medusa' })],
    ['a 64-character id', JSON.stringify({ storeId: 'a'.repeat(64), engine: 'medusa' })],
    ['a unicode id', JSON.stringify({ storeId: 'stōre-ünï', engine: 'medusa' })],
    ['a path in the id', JSON.stringify({ storeId: '../../etc', engine: 'medusa' })],
    ['a JSON bomb', nested(5000)],
    ['a 1 MB body', JSON.stringify({ storeId: 'big-one', engine: 'medusa', pad: 'x'.repeat(1024 * 1024) })],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
  ])('when the body is %s, then 4xx with the error shape and no workflow', async (_name, body) => {
    const res = await send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(Object.keys(((await res.json()) as { error: object }).error)).toEqual(expect.arrayContaining(['code', 'message']));
  });

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])('when the content type is %s, then 415', async (type) => {
    const res = await send('storeId=demo', type);
    expect(res.status).toBe(415);
  });

  it('when all that is over, then no workflow was started and the API still serves', async () => {
    const client = await temporalClient();
    const started = await client.workflow.count(`TaskQueue = 'bad-input-no-worker'`);
    expect(started.count).toBe(0);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/stores?limit=1`)).status).toBe(200);
  });
});
