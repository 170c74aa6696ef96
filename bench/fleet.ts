// Fleet throughput: 50 stores at once through the API (MAX_CONCURRENT_PROVISIONS caps provisioning's
// steps) against what an operator would script instead: the same bare steps for all 50
// stores, with the same cap (10 at a time), in the same run. A few stores done one after another
// give the time of a lone store, as context.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context.js';
import { mapLimited } from './map-limited.js';
import { engineFor, modes, storeIdFor, type Mode } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, mean, median, percentile } from './stats.js';
import { bareProvisionSeconds } from './timing.js';

const fleetSize = 50;
/** Stores the bare script does one after another, for a lone store's time (context only). */
const loneSampleSize = 3;
/**
 * How often the benchmark looks at the stores still pending. Each store's time comes from its own
 * readyAt, so looking less often costs no accuracy; looking often would charge the observer's reads
 * to storefleet (the bare script has none).
 */
const pollMs = 5000;

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

async function bareLoneStores(ctx: BenchContext, mode: Mode): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < loneSampleSize; i++) {
    seconds.push(await bareProvisionSeconds(ctx, storeIdFor(mode, 'fl1', 'bare', i), engineFor(i)));
    progress(`fleet ${mode}: bare lone store ${i + 1}/${loneSampleSize} in ${seconds.at(-1)?.toFixed(2)} s`);
  }
  return seconds;
}

/** The operator's parallel script: every store's bare steps, `cap` stores at a time, each timed from the start. */
async function bareFleet(ctx: BenchContext, mode: Mode, cap: number, idleRate: number): Promise<Side> {
  const ids = Array.from({ length: fleetSize }, (_, i) => storeIdFor(mode, 'fl', 'bare', i));
  const cpuPerStore = cpuMeter(ctx, idleRate);
  const start = Date.now();
  let done = 0;
  const seconds = await mapLimited(ids, cap, async (id, i) => {
    await ctx.bare.provision(id, engineFor(i));
    if (++done % 10 === 0)
      progress(
        `fleet ${mode}: ${done}/${fleetSize} Ready by the bare script after ${((Date.now() - start) / 1000).toFixed(0)} s`,
      );
    return (Date.now() - start) / 1000;
  });
  return { seconds, cpuPerStore: cpuPerStore(fleetSize) };
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
    await mapLimited(pending, 2, async (id) => {
      const store = await ctx.api.get(id);
      if (store.phase === 'Failed') throw new Error(`store ${id} failed: ${store.lastError}`);
      if (store.phase === 'Ready') readyAt.set(id, store.readyAt ? Date.parse(store.readyAt) : Date.now());
    });
    if (Date.now() - lastReport > 15_000 || readyAt.size === fleetSize) {
      lastReport = Date.now();
      progress(
        `fleet ${mode}: ${readyAt.size}/${fleetSize} Ready through the API after ${((Date.now() - start) / 1000).toFixed(0)} s`,
      );
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
    const lone = await bareLoneStores(ctx, mode);
    const bare = await bareFleet(ctx, mode, cap, idleRate);
    const api = await apiFleet(ctx, mode, idleRate);
    const makespan = Math.max(...api.seconds);
    const bareMakespan = Math.max(...bare.seconds);
    // What neither side can beat: waves of `cap` stores each as slow as the slowest lone store, or
    // the CPU all stores need spread over every core.
    const waitLimit = Math.ceil(fleetSize / cap) * Math.max(...lone);
    const cpuLimit = (bare.cpuPerStore * fleetSize) / ctx.cores;
    progress(
      `fleet ${mode}: limits: cap × slowest lone store = ${Math.ceil(fleetSize / cap)} waves × ${Math.max(...lone).toFixed(2)} s = ${waitLimit.toFixed(0)} s; ` +
        `CPU ${bare.cpuPerStore.toFixed(2)} s/store × ${fleetSize} ÷ ${ctx.cores} cores = ${cpuLimit.toFixed(0)} s; the fleet took ${makespan.toFixed(0)} s through the API, ${bareMakespan.toFixed(0)} s bare`,
    );
    results.add(
      benchResult({
        name: `fleet.${mode}.throughput`,
        value: (fleetSize / makespan) * 60,
        unit: 'stores/min',
        baseline: (fleetSize / bareMakespan) * 60,
        target: { of: 'ratio', op: '>=', limit: 0.8 },
      }),
      benchResult({
        name: `fleet.${mode}.makespan_vs_limit`,
        value: makespan,
        unit: 's',
        baseline: Math.max(waitLimit, cpuLimit),
      }),
      benchResult({
        name: `fleet.${mode}.p50_time_to_ready`,
        value: median(api.seconds),
        unit: 's',
        baseline: median(bare.seconds),
      }),
      benchResult({
        name: `fleet.${mode}.p95_time_to_ready`,
        value: percentile(api.seconds, 95),
        unit: 's',
        baseline: percentile(bare.seconds, 95),
      }),
      // Stores should be Ready in about the order they were asked for, not all near the end.
      benchResult({
        name: `fleet.${mode}.p50_share_of_makespan`,
        value: median(api.seconds) / makespan,
        unit: '×',
        baseline: median(bare.seconds) / bareMakespan,
        target: { of: 'value', op: '<=', limit: 0.6 },
      }),
      benchResult({
        name: `fleet.${mode}.cpu_per_store`,
        value: api.cpuPerStore,
        unit: 'cpu-s',
        baseline: bare.cpuPerStore,
      }),
      // Context, not a target: one store alone, by the bare script, one after another.
      benchResult({ name: `fleet.${mode}.lone_store_seconds_context`, value: mean(lone), unit: 's' }),
    );
  }
}
