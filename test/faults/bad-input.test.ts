// Hostile or broken requests get a 4xx in the error shape, start no workflow, and leave the API serving.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWorkflowId } from '../../core/names.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, temporalClient } from '../harness/clients.js';

let api: TestApi;

beforeAll(async () => {
  api = await startApi({ taskQueue: 'bad-input-no-worker' });
});
afterAll(() => api.close());

const send = (body: string, contentType = 'application/json') =>
  fetch(`${api.url}/api/v1/stores`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const ids = {
  dots: 'a..b',
  upper: 'DemoStore',
  long: 'a'.repeat(64),
  unicode: 'stōre-ünï',
  path: '../../etc',
  big: 'big-one',
};

describe('bad input', () => {
  it.each([
    ['an id with ..', 400, 'validation_failed', JSON.stringify({ storeId: ids.dots, engine: 'medusa' })],
    ['an uppercase id', 400, 'validation_failed', JSON.stringify({ storeId: ids.upper, engine: 'medusa' })],
    ['a 64-character id', 400, 'validation_failed', JSON.stringify({ storeId: ids.long, engine: 'medusa' })],
    ['a unicode id', 400, 'validation_failed', JSON.stringify({ storeId: ids.unicode, engine: 'medusa' })],
    ['a path in the id', 400, 'validation_failed', JSON.stringify({ storeId: ids.path, engine: 'medusa' })],
    ['a JSON bomb (30 kB of nesting)', 413, 'payload_too_large', nested(5000)],
    [
      'a 1 MB body',
      413,
      'payload_too_large',
      JSON.stringify({ storeId: ids.big, engine: 'medusa', pad: 'x'.repeat(1024 * 1024) }),
    ],
    ['an array', 400, 'validation_failed', '[1,2,3]'],
    ['null', 400, 'invalid_json', 'null'],
    ['not JSON at all', 400, 'invalid_json', '{"storeId": '],
  ] as const)('when the body is %s, then %i %s', async (_name, status, code, body) => {
    const res = await send(body);
    expect(res.status).toBe(status);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe(code);
    expect(error.message).toEqual(expect.any(String));
  });

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])(
    'when the content type is %s, then 415',
    async (type) => {
      const res = await send('storeId=demo', type);
      expect(res.status).toBe(415);
    },
  );

  it('when all that is over, then no workflow was started and the API still serves', async () => {
    const client = await temporalClient();
    // Describe reads the workflow itself (no visibility lag): none exists under any id that was sent.
    for (const id of Object.values(ids)) {
      await expect(client.workflow.getHandle(storeWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
    // Bodies without a usable id: a workflow started after them on the same queue is the only one there
    // once visibility shows it (it lags; whatever came before would be listed by then too).
    const sentinel = 'bad-input-sentinel';
    await client.workflow.start('storeWorkflow', {
      taskQueue: 'bad-input-no-worker',
      workflowId: storeWorkflowId(sentinel),
      args: [{ storeId: sentinel, engine: 'medusa' }],
    });
    await eventually(
      'the sentinel store in visibility',
      async () => ((await client.workflow.count(`TaskQueue = 'bad-input-no-worker'`)).count > 0 ? true : undefined),
      30_000,
    );
    const listed = [];
    for await (const workflow of client.workflow.list({ query: `TaskQueue = 'bad-input-no-worker'` }))
      listed.push(workflow.workflowId);
    expect(listed).toEqual([storeWorkflowId(sentinel)]);
    await client.workflow.getHandle(storeWorkflowId(sentinel)).terminate('bad-input test sentinel');
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/stores?limit=1`)).status).toBe(200);
  });
});
