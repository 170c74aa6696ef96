// /metrics serves the store counts from a cache refreshed in the background: scrapes cost Temporal
// nothing, and the refresh ends with the app.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreService } from '../../api/stores.js';
import { phases } from '../../core/status.js';
import { engines } from '../../core/store-spec.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, uniqueName } from '../harness/clients.js';

const taskQueue = uniqueName('no-worker');
let api: TestApi | undefined;
afterEach(() => api?.close());

/** A store service whose count queries are counted. */
function countingCounts() {
  const counted = { queries: 0 };
  const wrap = (stores: StoreService): StoreService => ({
    ...stores,
    countStores: (engine, phase) => {
      counted.queries++;
      return stores.countStores(engine, phase);
    },
  });
  return { counted, wrap };
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

describe('store counts on /metrics', () => {
  it('when scraped fifty times, then Temporal is asked only by the background refresh', async () => {
    const { counted, wrap } = countingCounts();
    // No interval refresh comes round during the test, however slow a busy machine makes it.
    api = await startApi({ taskQueue, wrapStores: wrap, storeCountRefreshMs: 600_000 });
    const url = api.url;
    await eventually(
      'the first counts',
      async () =>
        /^storefleet_store_ready\{engine="woocommerce",phase="Ready"\} \d+$/m.test(await scrape(url))
          ? true
          : undefined,
      30_000,
    );
    // One series per engine and phase, none per store.
    const series = (await scrape(url)).split('\n').filter((line) => line.startsWith('storefleet_store_ready{'));
    expect(series).toHaveLength(engines.length * Object.keys(phases).length);
    expect(series).toContainEqual(
      expect.stringMatching(/^storefleet_store_ready\{engine="medusa",phase="Deleting"\} \d+$/),
    );
    const firstRefresh = counted.queries;
    expect(firstRefresh).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) await scrape(url);
    // The refresh at start, and none for the scrapes.
    expect(counted.queries).toBe(firstRefresh);
  });

  it('when the app shuts down, then the counts stop refreshing', async () => {
    const { counted, wrap } = countingCounts();
    api = await startApi({ taskQueue, wrapStores: wrap, storeCountRefreshMs: 100 });
    await eventually('a few refreshes', () => (counted.queries >= 21 ? true : undefined), 10_000);
    await api.close();
    api = undefined;
    const atShutdown = counted.queries;
    await sleep(500);
    expect(counted.queries).toBe(atShutdown);
  });
});
