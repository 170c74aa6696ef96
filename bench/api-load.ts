// API under concurrent load on loopback: GET of a Ready store (a workflow query per request) and the
// idempotent POST of an existing store, each against a minimal Express route in this process: each
// server has a Node process of its own, and autocannon a third.
import type { Server } from 'node:http';
import express from 'express';
import { storeBodyJson } from './api-client.js';
import type { BenchContext } from './context.js';
import { runLoad, type LoadFigures, type LoadOptions } from './load.js';
import { storeIdFor } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult } from './stats.js';

const connections = 20;
const seconds = 10;
const warmUpSeconds = 2;

/** The least an Express JSON route can do: the floor the real routes are compared with. */
async function startMinimalApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(express.json());
  app.get('/minimal', (_req, res) => void res.json({ ok: true }));
  app.post('/minimal', (req, res) => void res.json(req.body));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/minimal`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function measure(label: string, options: Omit<LoadOptions, 'connections' | 'seconds'>): Promise<LoadFigures> {
  await runLoad({ ...options, connections, seconds: warmUpSeconds });
  const figures = await runLoad({ ...options, connections, seconds });
  progress(
    `api: ${label}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ${figures.failed} failed of ${figures.total}`,
  );
  return figures;
}

export async function apiLoadBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  const storeId = storeIdFor('no-delay', 'load', 'api', 0);
  await ctx.api.create(storeId, 'woocommerce');
  await ctx.api.waitFor(storeId, 'Ready', 250);
  const minimal = await startMinimalApp();
  try {
    const body = storeBodyJson(storeId, 'woocommerce');
    progress(
      `api: ${connections} connections, ${seconds} s per run after a ${warmUpSeconds} s warm-up, autocannon in its own process`,
    );
    const runs = {
      get: [
        await measure('GET /api/v1/stores/:id', { url: ctx.api.storeUrl(storeId) }),
        await measure('minimal GET', { url: minimal.url }),
      ],
      post: [
        await measure('idempotent POST /api/v1/stores', { url: `${ctx.api.url}/api/v1/stores`, method: 'POST', body }),
        await measure('minimal POST', { url: minimal.url, method: 'POST', body }),
      ],
    } as const;
    for (const [operation, [real, floor]] of Object.entries(runs)) {
      results.add(
        benchResult({
          name: `api.${operation}.requests_per_second`,
          value: real.requestsPerSecond,
          unit: 'req/s',
          baseline: floor.requestsPerSecond,
        }),
        benchResult({ name: `api.${operation}.latency_p50`, value: real.p50Ms, unit: 'ms', baseline: floor.p50Ms }),
        benchResult({ name: `api.${operation}.latency_p99`, value: real.p99Ms, unit: 'ms', baseline: floor.p99Ms }),
        benchResult({
          name: `api.${operation}.failed_requests`,
          value: real.failed,
          unit: 'requests',
          target: { of: 'value', op: '=', limit: 0 },
        }),
      );
    }
  } finally {
    await minimal.close();
  }
}
