// Worker memory: RSS of a fresh worker process idle, then with 200 stores in flight. A kwok stage
// keeps their pods from ever getting Ready, so the stores stay Provisioning: the first
// MAX_CONCURRENT_PROVISIONS in waitForReady, the rest queued on the helm task queue for their next step.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context.js';
import { mapLimited } from './map-limited.js';
import { engineFor } from './modes.js';
import { rssMegabytes } from './proc-stats.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, median } from './stats.js';
import { heldStorePrefix } from './startup-delays.js';

const storesInFlight = 200;

async function rssSamples(pid: number, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(1000);
    samples.push(rssMegabytes(pid));
  }
  return samples;
}

/**
 * In flight = every store Provisioning (its workflow running an attempt) and the helm queue's slots
 * all taken by readiness waits (`cap` releases deployed).
 */
async function waitUntilInFlight(ctx: BenchContext, ids: string[], cap: number): Promise<void> {
  const started = Date.now();
  const waiting = new Set(ids);
  const deployed = new Set<string>();
  while (waiting.size > 0 || deployed.size < cap) {
    // Only what can still change the answer: stores not yet Provisioning, and releases while slots are free.
    const unsettled = ids.filter((id) => waiting.has(id) || (deployed.size < cap && !deployed.has(id)));
    await mapLimited(unsettled, 5, async (id) => {
      const store = await ctx.api.get(id);
      if (store.phase === 'Failed') throw new Error(`store ${id} failed: ${store.lastError}`);
      if (store.phase === 'Provisioning') waiting.delete(id);
      if (store.conditions?.some((c) => c.type === 'ReleaseDeployed' && c.status === 'True')) deployed.add(id);
    });
    progress(
      `memory: ${ids.length - waiting.size}/${ids.length} stores provisioning, ${deployed.size} releases deployed (${cap} fill the slots), after ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    if (waiting.size > 0 || deployed.size < cap) await sleep(5000);
  }
}

export async function workerMemoryBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  progress('memory: starting a fresh worker process, so earlier benchmarks do not count');
  await ctx.restartWorker();
  await sleep(5000);
  const pid = ctx.worker().pid;
  const before = median(await rssSamples(pid, 3));
  progress(`memory: idle worker RSS ${before.toFixed(1)} MB; creating ${storesInFlight} stores held not-ready`);
  const ids = Array.from({ length: storesInFlight }, (_, i) => `${heldStorePrefix}mem-${i}`);
  const creating = Date.now();
  await mapLimited(ids, 10, (id, i) => ctx.api.create(id, engineFor(i)));
  progress(
    `memory: ${storesInFlight} stores created through the API in ${((Date.now() - creating) / 1000).toFixed(0)} s; waiting until each is in flight`,
  );
  await waitUntilInFlight(ctx, ids, ctx.workerConfig.maxConcurrentProvisions);
  const during = Math.max(...(await rssSamples(pid, 5)));
  results.add(
    benchResult({
      name: 'memory.worker_rss_in_flight',
      value: during,
      unit: 'MB',
      baseline: before,
      target: { of: 'value', op: '<', limit: 400 },
    }),
    benchResult({
      name: 'memory.worker_rss_growth_per_store',
      value: ((during - before) * 1024) / storesInFlight,
      unit: 'KB/store',
    }),
  );
}
