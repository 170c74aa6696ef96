// Live views cost nothing per viewer: Temporal's own count of the calls its frontend served (the API's
// describes, queries and lists, less the worker's polls and answers) while 100 event streams follow one
// Ready store, against the same with 1 stream, each over the same window in the same run.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context.js';
import { storeIdFor } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult } from './stats.js';

const manyStreams = 100;
const settleSeconds = 3;
const windowSeconds = 20;

/** Calls the frontend served in the namespace, not counting the worker's own polls, answers and heartbeats. */
export function frontendCalls(metrics: string, namespace: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const match = /^service_requests\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!match) continue;
    const labels = new Map([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.get('service_name') !== 'frontend' || labels.get('namespace') !== namespace) continue;
    if (/^(Poll|Respond|Record)/.test(labels.get('operation') ?? '')) continue;
    total += Number(match[2]);
  }
  return total;
}

/** Opens `count` event streams on the store and reads them until `stop` aborts. */
async function openStreams(url: string, count: number, stop: AbortSignal): Promise<void> {
  const streams = Array.from({ length: count }, async () => {
    const response = await fetch(url, { signal: stop });
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    const reader = response.body!.getReader();
    while (!(await reader.read()).done);
  });
  // Each stream either fails at once (a refusal) or runs until the window ends.
  await Promise.race([Promise.all(streams), sleep(settleSeconds * 1000)]);
  void Promise.allSettled(streams);
}

async function callsPerSecond(ctx: BenchContext, storeId: string, streams: number): Promise<number> {
  const stop = new AbortController();
  // Every stream's fetch listens on it: as many listeners as streams, on purpose.
  setMaxListeners(streams + 1, stop.signal);
  const count = async () =>
    frontendCalls(await (await fetch(ctx.temporalMetricsUrl)).text(), ctx.workerConfig.temporal.namespace);
  try {
    await openStreams(`${ctx.api.storeUrl(storeId)}/stream`, streams, stop.signal);
    const before = await count();
    await sleep(windowSeconds * 1000);
    const rate = ((await count()) - before) / windowSeconds;
    progress(`streams: ${streams} stream${streams > 1 ? 's' : ''} on one store: ${rate.toFixed(1)} Temporal calls/s`);
    return rate;
  } finally {
    stop.abort();
  }
}

export async function streamsBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  const storeId = storeIdFor('no-delay', 'streams', 'api', 0);
  await ctx.api.create(storeId, 'woocommerce');
  await ctx.api.waitFor(storeId, 'Ready', 250);
  const one = await callsPerSecond(ctx, storeId, 1);
  const many = await callsPerSecond(ctx, storeId, manyStreams);
  results.add(
    benchResult({
      name: 'streams.temporal_calls_per_second',
      value: many,
      unit: 'calls/s',
      baseline: one,
      // "No more than with one stream", allowing for the other stores' timers in the same window.
      target: { of: 'ratio', op: '<=', limit: 1.1 },
    }),
  );
}
