// The API as a client sees it: create, read and delete stores over HTTP, and wait for a phase.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../core/store-spec.js';

export interface StoreBody {
  phase: string;
  readyAt?: string;
  deletedAt?: string;
  lastError?: string;
  conditions?: Array<{ type: string; status: string }>;
}

async function call(url: string, init: RequestInit, ok: number[]): Promise<unknown> {
  const response = await fetch(url, init);
  const body: unknown = await response.json().catch(() => undefined);
  if (!ok.includes(response.status))
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

export function storeBodyJson(storeId: string, engine: Engine): string {
  return JSON.stringify({ storeId, engine });
}

export class StoreApi {
  constructor(readonly url: string) {}

  storeUrl(storeId: string): string {
    return `${this.url}/api/v1/stores/${storeId}`;
  }

  async create(storeId: string, engine: Engine): Promise<void> {
    await call(
      `${this.url}/api/v1/stores`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: storeBodyJson(storeId, engine) },
      [200, 201],
    );
  }

  async get(storeId: string): Promise<StoreBody> {
    return (await call(this.storeUrl(storeId), {}, [200])) as StoreBody;
  }

  async delete(storeId: string): Promise<void> {
    await call(this.storeUrl(storeId), { method: 'DELETE' }, [202]);
  }

  /** Polls until the store is in the phase; a store that Failed instead fails the benchmark. */
  async waitFor(storeId: string, phase: 'Ready' | 'Deleted', pollMs: number, timeoutMs = 900_000): Promise<StoreBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const store = await this.get(storeId);
      if (store.phase === phase) return store;
      if (store.phase === 'Failed') throw new Error(`store ${storeId} failed: ${store.lastError}`);
      if (Date.now() > deadline)
        throw new Error(`store ${storeId} not ${phase} after ${timeoutMs / 1000}s (phase ${store.phase})`);
      await sleep(pollMs);
    }
  }
}
