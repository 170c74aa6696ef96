import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createPageTokens } from './page-token.js';
import { createStoreRecords, listPageFreshMs, type Caller } from './store-records.js';

const admin: Caller = { owner: 'admin', keyId: 'k', admin: true };

/** A client whose visibility list takes 20 ms and is counted, query by query. */
function countingClient() {
  const queries: string[] = [];
  const client = {
    options: { namespace: 'default' },
    workflowService: {
      async listWorkflowExecutions(request: { query: string }) {
        queries.push(request.query);
        await sleep(20);
        return { executions: [], nextPageToken: new Uint8Array() };
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
});
