// The real API for a test file: createApp over the run's Temporal server, on 127.0.0.1 and a free
// port, with its log lines captured.
import type { Server } from 'node:http';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../api/app.js';
import { defaultWorkerReadTimeoutMs } from '../../api/config.js';
import { pageTokenKey } from '../../api/installation.js';
import { createPageTokens } from '../../api/page-token.js';
import { createStoreService, type StoreService } from '../../api/stores.js';
import { apiTemporalClient } from '../../api/temporal-client.js';
import { temporalReadiness } from '../../api/temporal-errors.js';

export interface ApiOptions {
  /** The task queue of the store worker that should provision the API's stores. */
  taskQueue: string;
  auth?: { keys: Map<string, string>; adminKeys: Set<string> };
  storesPerOwner?: number;
  /** Where the owner quota workflows run, when the stores' task queue has no worker on purpose. */
  quotaTaskQueue?: string;
  rateLimitPerMinute?: number;
  authFailuresPerMinute?: number;
  queryTimeoutMs?: number;
  workerReadTimeoutMs?: number;
  streamsPerOwner?: number;
  storeCountRefreshMs?: number;
  /** Another Temporal server than the run's, e.g. one that is down or paused. */
  temporalAddress?: string;
  /** Another Temporal namespace than `default`, e.g. one that does not exist. */
  namespace?: string;
  /** Wraps the store service the app uses, e.g. to count the calls it makes. */
  wrapStores?: (stores: StoreService) => StoreService;
}

/** The auth settings of an API whose keys map to these owners, with these admin keys. */
export const keyAuth = (ownerOfKey: Record<string, string>, adminKeys: string[] = []) => ({
  keys: new Map(Object.entries(ownerOfKey)),
  adminKeys: new Set(adminKeys),
});

export interface TestApi {
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startApi(options: ApiOptions): Promise<TestApi> {
  const queryTimeoutMs = options.queryTimeoutMs ?? 3000;
  // The API's own client, built as api/main.ts builds it (a deadline on every call).
  const temporal = apiTemporalClient(
    {
      address: options.temporalAddress ?? inject('temporalAddress'),
      namespace: options.namespace ?? 'default',
      tls: false,
    },
    queryTimeoutMs,
  );
  const { client } = temporal;
  const shutdown = new AbortController();
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const keys = options.auth?.keys ?? new Map<string, string>();
  const adminKeys = options.auth?.adminKeys ?? new Set<string>();
  const stores = createStoreService({
    client,
    taskQueue: options.taskQueue,
    queryTimeoutMs,
    storesPerOwner: options.storesPerOwner ?? 1000,
    quotaTaskQueue: options.quotaTaskQueue,
    workerReadTimeoutMs: options.workerReadTimeoutMs ?? defaultWorkerReadTimeoutMs,
    pageTokens: createPageTokens(pageTokenKey({ client, taskQueue: options.taskQueue })),
  });
  const app = createApp({
    stores: options.wrapStores ? options.wrapStores(stores) : stores,
    log,
    auth: {
      enabled: keys.size > 0 || adminKeys.size > 0,
      keys,
      adminKeys,
      failuresPerMinute: options.authFailuresPerMinute ?? 100_000,
    },
    links: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: client.options.namespace },
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    temporalReadiness: () => temporalReadiness(client.connection, client.options.namespace),
    streamPollMs: 200,
    shutdown: shutdown.signal,
    streamsPerOwner: options.streamsPerOwner,
    storeCountRefreshMs: options.storeCountRefreshMs,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: async () => {
      shutdown.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await temporal.close();
    },
  };
}

/** Reads an event stream's body until it holds `text` (or ends), then hangs up; what it read. */
export async function readStreamUntil(res: Response, text: string): Promise<string> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let received = '';
  while (!received.includes(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    received += value;
  }
  await reader.cancel();
  return received;
}
