// Many event streams on one store share one upstream: they all see the same phases and timeline entries
// in the same order, and the API reads the store as often as it would for one stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStreamUntil, startApi, type TestApi } from '../harness/api.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const streamPollMs = 200;
let worker: TestStoreWorker;
let api: TestApi;
const calls = { read: 0, view: 0 };

beforeAll(async () => {
  worker = await startStoreWorker();
  api = await startApi({
    taskQueue: worker.taskQueue,
    // Counts the reads the streams' upstream makes: `read` is one describe, `view` a describe and a query.
    wrapStores: (stores) => ({
      ...stores,
      read: (...args) => {
        calls.read += 1;
        return stores.read(...args);
      },
      view: (...args) => {
        calls.view += 1;
        return stores.view(...args);
      },
    }),
  });
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

/** Reads one stream until the store is Ready: its `phase` and `event` messages, in order. */
async function followUntilReady(url: string): Promise<string[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const text = await readStreamUntil(res, '"phase":"Ready"');
  return text
    .split('\n\n')
    .filter((message) => message.startsWith('event: phase') || message.startsWith('event: event'));
}

describe('event streams on one store', () => {
  it('when 20 streams follow one store, then all see the same phases and events in order, and the store is read as for one stream', async () => {
    const id = storeId('fan');
    const created = await fetch(`${api.url}/stores`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId: id, engine: 'woocommerce' }),
    });
    expect(created.status).toBe(201);
    const before = { ...calls };
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const started = Date.now();
    const seen = await Promise.all(
      Array.from({ length: 20 }, () => followUntilReady(`${api.url}/stores/${id}/stream`)),
    ).finally(() => process.off('warning', onWarning));
    const elapsedMs = Date.now() - started;
    // Twenty streams listen on the API's shutdown signal at once: that is no leak to warn of.
    expect(warnings).not.toContain('MaxListenersExceededWarning');

    expect(seen[0]).toContainEqual(expect.stringContaining('"reason":"StoreReady"'));
    for (const stream of seen.slice(1)) expect(stream).toEqual(seen[0]);
    // One upstream: a describe per poll, a query only when the store moved; twenty streams would be 20x that.
    const reads = calls.read - before.read;
    const views = calls.view - before.view;
    expect(reads).toBeLessThanOrEqual(elapsedMs / streamPollMs + 3);
    expect(views).toBeLessThanOrEqual(reads);
  });
});
