// A Temporal server that hangs (paused with SIGSTOP: connections stay open, nothing answers) costs an
// API request its deadline, then a 503; readiness says what is down; a scrape does not wait at all.
// The server is this file's own, so pausing it stalls no other test, and it is always resumed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry, statFields } from '../../dev/process.js';
import { startTemporal, type RunningTemporal } from '../../dev/temporal.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, uniqueName } from '../harness/clients.js';

const queryTimeoutMs = 1000;
const readyCount = /^storefleet_store_ready\{engine="woocommerce",phase="Ready"\} 0$/m;
let stateDir: string;
let temporal: RunningTemporal;
let api: TestApi;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'storefleet-paused-'));
  temporal = await startTemporal({
    binary: inject('toolchain').temporal ?? 'temporal',
    stateDir,
    ports: { grpc: await freePort(), http: await freePort(), metrics: await freePort() },
    registry: new ProcessRegistry(join(stateDir, 'pids.json')),
    ephemeral: true,
  });
  api = await startApi({ taskQueue: uniqueName('no-worker'), temporalAddress: temporal.address, queryTimeoutMs });
  // The API's first store counts, before any test pauses Temporal: a count cut off by a pause is not
  // made again until the next refresh, 15 s later.
  await eventually(
    'the first counts',
    async () => (readyCount.test(await (await fetch(`${api.url}/metrics`)).text()) ? true : undefined),
    30_000,
  );
});
afterAll(async () => {
  resume();
  await api?.close();
  await temporal?.process.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function resume(): void {
  if (temporal) process.kill(temporal.process.pid, 'SIGCONT');
}

/** Every thread of `pid` is stopped; one that exits while it is read counts as stopped. */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((thread) => {
    try {
      return /^[tT]$/.test(statFields(`/proc/${pid}/task/${thread}/stat`)[0] ?? '');
    } catch {
      return true;
    }
  });
}

/** Runs `check` while Temporal is paused, with the API's connection to it already open. */
async function whilePaused(check: () => Promise<void>): Promise<void> {
  expect((await fetch(`${api.url}/stores`)).status).toBe(200);
  process.kill(temporal.process.pid, 'SIGSTOP');
  try {
    // The kernel stops a process's threads one after another, and on a busy machine the rest can still
    // answer a call meanwhile (a CI run's readiness check once found Temporal answering while "paused").
    await eventually('every Temporal thread to stop', () => allThreadsStopped(temporal.process.pid) || undefined, 5000);
    await check();
  } finally {
    resume();
  }
  await eventually(
    'the API to reach Temporal again',
    async () => ((await fetch(`${api.url}/stores`)).status === 200 ? true : undefined),
    30_000,
  );
}

/** The request, its answer and how long it took; a hang ends after 10 s as an abort. */
async function timed(path: string): Promise<{ res: Response; ms: number }> {
  const began = Date.now();
  const res = await fetch(`${api.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { res, ms: Date.now() - began };
}

describe('a paused Temporal', () => {
  it('when Temporal hangs, then GET of a store and of the list answer 503 temporal_unavailable within about the query timeout', async () => {
    await whilePaused(async () => {
      for (const path of ['/stores/paused-store', '/stores']) {
        const { res, ms } = await timed(path);
        const body = (await res.json()) as { error: { code: string } };
        expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(503);
        expect(body.error.code).toBe('temporal_unavailable');
        expect(res.headers.get('retry-after')).toBeTruthy();
        expect(ms, path).toBeLessThan(queryTimeoutMs + 1500);
      }
    });
  });

  it('when Temporal hangs, then /readyz answers at once that Temporal is unreachable, naming no address', async () => {
    await whilePaused(async () => {
      const { res, ms } = await timed('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'unavailable',
        temporal: 'unreachable',
        detail: 'Temporal did not answer',
      });
      expect(ms).toBeLessThan(3000);
    });
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ status: 'ok', temporal: 'reachable' });
  });

  it('when Temporal hangs, then /metrics answers at once with the last store counts', async () => {
    await whilePaused(async () => {
      const { res, ms } = await timed('/metrics');
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(readyCount);
      expect(ms).toBeLessThan(500);
    });
  });
});
