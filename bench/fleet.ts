// Fleet throughput: 50 stores at once through the API (MAX_CONCURRENT_PROVISIONS caps helm and
// readiness work) against the bare script doing them one after another. The bare side is a smaller
// sequential sample extrapolated to 50, to keep the run short; the output says so.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context.js';
import { mapLimited } from './map-limited.js';
import { engineFor, modes, storeIdFor, type Mode } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, mean, median, percentile } from './stats.js';
import { bareProvisionSeconds } from './timing.js';

const fleetSize = 50;
const bareSampleSize = 8;
const pollMs = 2000;

interface Side {
  /** Each store's time from the start of its side to Ready. */
  seconds: number[];
  /** CPU seconds per store beyond what the idle platform burns anyway. */
  cpuPerStore: number;
}

/** CPU seconds a second our processes burn with nothing to do (servers, kwok, Ready stores' timers). */
async function idleCpuRate(ctx: BenchContext): Promise<number> {
  const before = ctx.cpuSeconds();
  const start = Date.now();
  await sleep(5000);
  return (ctx.cpuSeconds() - before) / ((Date.now() - start) / 1000);
}

/** Starts counting; the returned function gives the CPU seconds per store since, minus the idle share. */
function cpuMeter(ctx: BenchContext, idleRate: number): (stores: number) => number {
  const before = ctx.cpuSeconds();
  const start = Date.now();
  return (stores) => (ctx.cpuSeconds() - before - (idleRate * (Date.now() - start)) / 1000) / stores;
}

async function bareSample(ctx: BenchContext, mode: Mode, idleRate: number): Promise<Side> {
  const cpuPerStore = cpuMeter(ctx, idleRate);
  const seconds: number[] = [];
  for (let i = 0; i < bareSampleSize; i++) {
    seconds.push(await bareProvisionSeconds(ctx, storeIdFor(mode, 'fl', 'bare', i), engineFor(i)));
    progress(`fleet ${mode}: bare sequential ${i + 1}/${bareSampleSize} in ${seconds.at(-1)?.toFixed(2)} s`);
  }
  return { seconds, cpuPerStore: cpuPerStore(bareSampleSize) };
}

async function apiFleet(ctx: BenchContext, mode: Mode, idleRate: number): Promise<Side> {
  const ids = Array.from({ length: fleetSize }, (_, i) => storeIdFor(mode, 'fl', 'api', i));
  const cpuPerStore = cpuMeter(ctx, idleRate);
  const start = Date.now();
  await mapLimited(ids, 10, (id, i) => ctx.api.create(id, engineFor(i)));
  const readyAt = new Map<string, number>();
  let lastReport = 0;
  while (readyAt.size < fleetSize) {
    await sleep(pollMs);
    const pending = ids.filter((id) => !readyAt.has(id));
    await mapLimited(pending, 5, async (id) => {
      const store = await ctx.api.get(id);
      if (store.phase === 'Failed') throw new Error(`store ${id} failed: ${store.lastError}`);
      if (store.phase === 'Ready') readyAt.set(id, store.readyAt ? Date.parse(store.readyAt) : Date.now());
    });
    if (Date.now() - lastReport > 15_000 || readyAt.size === fleetSize) {
      lastReport = Date.now();
      progress(`fleet ${mode}: ${readyAt.size}/${fleetSize} Ready through the API after ${((Date.now() - start) / 1000).toFixed(0)} s`);
    }
  }
  const seconds = [...readyAt.values()].map((at) => (at - start) / 1000);
  return { seconds, cpuPerStore: cpuPerStore(fleetSize) };
}

export async function fleetBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  const cap = ctx.workerConfig.maxConcurrentProvisions;
  const idleRate = await idleCpuRate(ctx);
  progress(`fleet: the idle platform burns ${idleRate.toFixed(2)} CPU s/s; CPU per store below is net of that`);
  for (const mode of modes) {
    const bare = await bareSample(ctx, mode, idleRate);
    const api = await apiFleet(ctx, mode, idleRate);
    const makespan = Math.max(...api.seconds);
    const bareTotal = mean(bare.seconds) * fleetSize;
    // What the fleet cannot beat: waves of `cap` stores each as slow as the slowest bare store, or
    // the CPU all stores need spread over every core.
    const waitLimit = Math.ceil(fleetSize / cap) * Math.max(...bare.seconds);
    const cpuLimit = (bare.cpuPerStore * fleetSize) / ctx.cores;
    progress(`fleet ${mode}: the bare side is a sequential sample of ${bareSampleSize} stores extrapolated to ${fleetSize} (mean ${mean(bare.seconds).toFixed(2)} s × ${fleetSize} = ${bareTotal.toFixed(0)} s)`);
    progress(
      `fleet ${mode}: limits: cap × slowest wait = ${Math.ceil(fleetSize / cap)} waves × ${Math.max(...bare.seconds).toFixed(2)} s = ${waitLimit.toFixed(0)} s; ` +
        `CPU ${bare.cpuPerStore.toFixed(2)} s/store × ${fleetSize} ÷ ${ctx.cores} cores = ${cpuLimit.toFixed(0)} s; the fleet took ${makespan.toFixed(0)} s ` +
        `with our processes keeping ${((api.cpuPerStore * fleetSize) / makespan + idleRate).toFixed(2)} of ${ctx.cores} cores busy (the machine is shared)`,
    );
    results.add(
      benchResult({ name: `fleet.${mode}.throughput`, value: (fleetSize / makespan) * 60, unit: 'stores/min', baseline: (fleetSize / bareTotal) * 60, target: { of: 'ratio', op: '>=', limit: 5 } }),
      benchResult({ name: `fleet.${mode}.makespan_vs_limit`, value: makespan, unit: 's', baseline: Math.max(waitLimit, cpuLimit) }),
      benchResult({ name: `fleet.${mode}.p50_time_to_ready`, value: median(api.seconds), unit: 's', baseline: median(bare.seconds) }),
      benchResult({ name: `fleet.${mode}.p95_time_to_ready`, value: percentile(api.seconds, 95), unit: 's', baseline: percentile(bare.seconds, 95) }),
      benchResult({ name: `fleet.${mode}.cpu_per_store`, value: api.cpuPerStore, unit: 'cpu-s', baseline: bare.cpuPerStore }),
    );
  }
}
