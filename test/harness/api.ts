// The real API for a test file: createApp over the run's Temporal server, on 127.0.0.1 and a free
// port, with its log lines captured.
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { pageTokenKey } from '../../api/installation.js';
import { createPageTokens } from '../../api/page-token.js';
import { createStoreService } from '../../api/stores.js';
import { temporalReachable } from '../../api/temporal-errors.js';
import { temporalClient } from './clients.js';

export interface ApiOptions {
  /** The task queue of the store worker that should provision the API's stores. */
  taskQueue: string;
  auth?: { keys: Map<string, string>; adminKeys: Set<string> };
  storesPerOwner?: number;
  rateLimitPerMinute?: number;
  authFailuresPerMinute?: number;
  queryTimeoutMs?: number;
  workerReadTimeoutMs?: number;
  /** Another Temporal client, e.g. one whose server is down. */
  client?: Client;
}

export interface TestApi {
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startApi(options: ApiOptions): Promise<TestApi> {
  const client = options.client ?? (await temporalClient());
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const keys = options.auth?.keys ?? new Map<string, string>();
  const adminKeys = options.auth?.adminKeys ?? new Set<string>();
  const app = createApp({
    stores: createStoreService({ client, taskQueue: options.taskQueue, queryTimeoutMs: options.queryTimeoutMs ?? 3000, storesPerOwner: options.storesPerOwner ?? 1000, workerReadTimeoutMs: options.workerReadTimeoutMs ?? 10_000, pageTokens: createPageTokens(pageTokenKey({ client, taskQueue: options.taskQueue })) }),
    log,
    auth: { enabled: keys.size > 0 || adminKeys.size > 0, keys, adminKeys, failuresPerMinute: options.authFailuresPerMinute ?? 100_000 },
    links: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: client.options.namespace },
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    temporalReachable: () => temporalReachable(client.connection),
    streamPollMs: 200,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
