import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storeWorkflowId } from '../core/names.js';
import { createPageTokens } from './page-token.js';
import { createStoreRecords, listPageFreshMs, type Caller } from './store-records.js';

const admin: Caller = { owner: 'admin', keyId: 'k', admin: true };

/** A client whose visibility list takes 20 ms and is counted, query by query. */
function countingClient() {
  return recordsOver(async () => {
    await sleep(20);
    return [];
  });
}

/** Records over a visibility list that answers `executions(n)` to its n-th query (from 1); every query is counted. */
function recordsOver(executions: (n: number) => Promise<{ execution: { workflowId: string } }[]>) {
  const queries: string[] = [];
  const client = {
    options: { namespace: 'default' },
    workflowService: {
      async listWorkflowExecutions(request: { query: string }) {
        queries.push(request.query);
        return { executions: await executions(queries.length), nextPageToken: new Uint8Array() };
      },
    },
  } as unknown as Client;
  const records = createStoreRecords({
    client,
    describeStore: () => Promise.reject(new Error('not used')),
    queryTimeoutMs: 1000,
    pageTokens: createPageTokens(() => Promise.resolve(Buffer.alloc(32, 1))),
  });
  return { queries, records };
}

describe('the store list', () => {
  it('when twenty readers ask for the same page at once, then visibility is asked once', async () => {
    const { queries, records } = countingClient();
    const pages = await Promise.all(Array.from({ length: 20 }, () => records.list({ limit: 100 }, admin)));
    expect(pages.every((page) => page.records.length === 0)).toBe(true);
    expect(queries).toHaveLength(1);
  });

  it('when readers ask for different pages, then each page is its own query', async () => {
    const { queries, records } = countingClient();
    await Promise.all([
      records.list({ limit: 100 }, admin),
      records.list({ limit: 100, phase: 'Ready' }, admin),
      records.list({ limit: 50 }, admin),
    ]);
    expect(queries).toHaveLength(3);
  });

  it('when a reader asks within a second of a read, then that page answers; a second later, or once lists are forgotten, a new read does', async () => {
    const { queries, records } = countingClient();
    await records.list({ limit: 100 }, admin);
    await records.list({ limit: 100 }, admin);
    expect(queries).toHaveLength(1);
    await sleep(listPageFreshMs);
    await records.list({ limit: 100 }, admin);
    expect(queries).toHaveLength(2);
    records.forgetLists();
    await records.list({ limit: 100 }, admin);
    expect(queries).toHaveLength(3);
  });

  describe('while visibility is slower than a page lives', () => {
    afterEach(() => vi.useRealTimers());

    it('when a page expires while its refresh runs, then readers get the kept page until the refresh lands', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      let land: () => void = () => undefined;
      const { queries, records } = recordsOver(async (n) => {
        if (n > 1) await new Promise<void>((resolve) => (land = resolve));
        return [{ execution: { workflowId: storeWorkflowId(`page-${n}`) } }];
      });
      const storeIds = async () => (await records.list({ limit: 100 }, admin)).records.map((r) => r.storeId);
      expect(await storeIds()).toEqual(['page-1']);
      // Half its second gone: the page answers and its refresh starts.
      vi.advanceTimersByTime(listPageFreshMs * 0.6);
      expect(await storeIds()).toEqual(['page-1']);
      // Past its second, the refresh still running: the kept page still answers, and no second refresh starts.
      vi.advanceTimersByTime(listPageFreshMs * 0.8);
      expect(await storeIds()).toEqual(['page-1']);
      expect(queries).toHaveLength(2);
      land();
      // The refresh began 0.8 s ago: its page answers now.
      await vi.waitFor(async () => expect(await storeIds()).toEqual(['page-2']));
    });
  });
});
