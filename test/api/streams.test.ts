// Event streams are capped per owner (429 too_many_streams beyond), and a closed stream gives back
// everything it held: its slot, and its listener on the server's shutdown signal.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWorkflowId } from '../../core/names.js';
import { StoreOwner } from '../../core/search-attributes.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { eventually, temporalClient, uniqueName } from '../harness/clients.js';
import { storeId } from '../harness/store-worker.js';

const perOwner = 2;
const keys = { a: 'streams-a-key-0123456789', b: 'streams-b-key-0123456789' };
const owners = { a: uniqueName('streams-a'), b: uniqueName('streams-b') };
// No worker polls this queue: a stream answers from the search attributes, which is all it needs here.
const taskQueue = uniqueName('no-worker');
const stores = { a: storeId('stream-a'), b: storeId('stream-b') };
const handles: WorkflowHandle[] = [];
let api: TestApi;

beforeAll(async () => {
  api = await startApi({
    taskQueue,
    auth: keyAuth({ [keys.a]: owners.a, [keys.b]: owners.b }),
    streamsPerOwner: perOwner,
    queryTimeoutMs: 300,
  });
  // Each owner's store as the API would have started it; nothing needs to provision it.
  const client = await temporalClient();
  for (const owner of ['a', 'b'] as const) {
    const id = stores[owner];
    handles.push(
      await client.workflow.start('storeWorkflow', {
        taskQueue,
        workflowId: storeWorkflowId(id),
        args: [{ storeId: id, engine: 'medusa', plan: 'small', owner: owners[owner] }],
        typedSearchAttributes: [{ key: StoreOwner, value: owners[owner] }],
      }),
    );
  }
});
afterAll(async () => {
  await api?.close();
  await Promise.all(handles.map((handle) => handle.terminate('test over')));
});

interface OpenStream {
  status: number;
  body: string;
  headers: Headers;
  close(): void;
}

/** Opens the owner's stream and, when it is one, reads its first event; close() hangs up. */
async function openStream(owner: 'a' | 'b'): Promise<OpenStream> {
  const hangUp = new AbortController();
  const res = await fetch(`${api.url}/stores/${stores[owner]}/stream`, {
    headers: { Authorization: `Bearer ${keys[owner]}` },
    signal: hangUp.signal,
  });
  const body = res.ok
    ? new TextDecoder().decode((await res.body!.getReader().read()).value as Uint8Array)
    : await res.text();
  return { status: res.status, body, headers: res.headers, close: () => hangUp.abort() };
}

const openStreamsMetric = async () =>
  Number(/^storefleet_api_event_streams (\d+)$/m.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1]);

describe('event streams per owner', () => {
  it('when an owner has as many streams open as allowed, then the next is 429 too_many_streams with Retry-After, another owner still streams, and a closed stream frees its slot', async () => {
    const open = [await openStream('a'), await openStream('a')];
    expect(open.map((s) => s.status)).toEqual([200, 200]);
    expect(open[0]!.body).toContain('event: phase');

    const refused = await openStream('a');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'too_many_streams' } });

    const other = await openStream('b');
    expect(other.status).toBe(200);
    other.close();

    open.pop()!.close();
    const reopened = await eventually(
      'a slot to be free again',
      async () => {
        const attempt = await openStream('a');
        return attempt.status === 200 ? attempt : undefined;
      },
      10_000,
    );
    reopened.close();
    open[0]!.close();
    await eventually(
      'no stream to be open',
      async () => ((await openStreamsMetric()) === 0 ? true : undefined),
      10_000,
    );
  });

  it('when many streams open and close one after another, then none leaves a listener behind on the server', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      // Node warns once more than 10 listeners wait on one signal: the server's shutdown signal.
      for (let i = 0; i < 12; i++) {
        const stream = await eventually(
          'a stream to open',
          async () => {
            const attempt = await openStream('a');
            return attempt.status === 200 ? attempt : undefined;
          },
          10_000,
        );
        stream.close();
      }
      await eventually(
        'every stream to be closed',
        async () => ((await openStreamsMetric()) === 0 ? true : undefined),
        10_000,
      );
      expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
