// Reads and creates at fleet size. New stores: 300 created through the API, 10 at a time, each POST
// timed, against the same store workflows started straight through the Temporal client as a script
// would (the API's own start options), 10 at a time. The two sides take turns, ten at a time each,
// so both meet the same load: one side after the other would leave the second with the first's
// workflows still running their first tasks. The list: with 500 stores or more running, the
// largest page of GET /api/v1/stores under 5 connections, against the same visibility query sent
// straight to Temporal with the same concurrency. Last, what a start costs in Temporal alone on this
// machine: 300 more started straight through Temporal, 10 at a time, with the worker paused, so that
// no first workflow task and no API competes with them. Every store here is held not-ready, so they
// stay queued for the helm queue's slots and cost the cluster next to nothing.
import { Client, Connection } from '@temporalio/client';
import { storeStart } from '../api/store-admission.js';
import { storeListQuery } from '../api/store-records.js';
import { benchStoreSpec } from './bare-store.js';
import type { BenchContext } from './context.js';
import { engineFor } from './modes.js';
import { machineBusySeconds } from './proc-stats.js';
import { progress, type ResultLog } from './report.js';
import { heldStorePrefix } from './startup-delays.js';
import { benchResult, percentile } from './stats.js';

const createdPerSide = 300;
const createConcurrency = 10;
const listPageSize = 100;
const listConnections = 5;
const listSeconds = 10;
// What GET /api/v1/stores asks visibility for an admin without filters (auth is off in the bench).
const runningStoresQuery = storeListQuery({}, undefined);

interface Timings {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

function timings(latencies: number[], seconds: number): Timings {
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), perSecond: latencies.length / seconds };
}

/**
 * Each side's calls timed, the sides taking turns with `concurrency` calls at once (which side goes
 * first alternates each round); a side's rate counts only its own turns.
 */
async function timedInTurns<T>(
  sides: { items: T[]; call: (item: T, i: number) => Promise<void> }[],
  concurrency: number,
) {
  const latencies = sides.map(() => [] as number[]);
  const busyMs = sides.map(() => 0);
  const rounds = Math.max(...sides.map((side) => Math.ceil(side.items.length / concurrency)));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => sides.length - 1 - i);
    for (const s of order) {
      const { items, call } = sides[s]!;
      const from = round * concurrency;
      const began = performance.now();
      const batch = await Promise.all(
        items.slice(from, from + concurrency).map(async (item, i) => {
          const at = performance.now();
          await call(item, from + i);
          return performance.now() - at;
        }),
      );
      busyMs[s]! += performance.now() - began;
      latencies[s]!.push(...batch);
    }
  }
  return latencies.map((side, s) => timings(side, busyMs[s]! / 1000));
}

/** `connections` loops calling for `seconds`, each call timed. */
async function timedFor(seconds: number, connections: number, call: () => Promise<void>): Promise<Timings> {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const at = performance.now();
        await call();
        latencies.push(performance.now() - at);
      }
    }),
  );
  return timings(latencies, seconds);
}

/** p99 (with its target) and p50 of `measured` against `baseline`. */
const latencyResults = (name: string, measured: Timings, baseline: Timings, p99LimitMs: number) => [
  benchResult({
    name: `${name}_p99`,
    value: measured.p99Ms,
    unit: 'ms',
    baseline: baseline.p99Ms,
    target: { of: 'value', op: '<', limit: p99LimitMs },
  }),
  benchResult({ name: `${name}_p50`, value: measured.p50Ms, unit: 'ms', baseline: baseline.p50Ms }),
];

/**
 * The calls timed `createConcurrency` at a time while the worker's process group is stopped (SIGSTOP),
 * and resumed afterwards whatever happened; nothing here may need a worker.
 */
async function startsWithWorkerPaused(
  ctx: BenchContext,
  items: string[],
  call: (item: string, i: number) => Promise<void>,
): Promise<Timings> {
  const group = -ctx.worker().pid;
  process.kill(group, 'SIGSTOP');
  try {
    const [timed] = await timedInTurns([{ items, call }], createConcurrency);
    return timed!;
  } finally {
    process.kill(group, 'SIGCONT');
  }
}

const report = (label: string, figures: Timings) =>
  progress(
    `list: ${label}: ${figures.perSecond.toFixed(1)}/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms`,
  );

export async function storeListBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  const connection = await Connection.connect({ address: ctx.temporalAddress });
  const client = new Client({ connection, namespace: ctx.workerConfig.temporal.namespace });
  try {
    const startBare = async (id: string, i: number) => {
      const start = storeStart(
        { ...benchStoreSpec(id, engineFor(i)), owner: 'bench' },
        ctx.workerConfig.temporal.taskQueue,
        {},
      );
      await client.workflow.start('storeWorkflow', start);
    };
    const ids = (side: string) =>
      Array.from({ length: createdPerSide }, (_, i) => `${heldStorePrefix}list-${side}-${i}`);
    // How busy the cores were while the creates ran: the load their latencies were measured under.
    const before = { machine: machineBusySeconds(), ours: ctx.cpuSeconds(), at: performance.now() };
    const [viaApi, bare] = (await timedInTurns(
      [
        { items: ids('api'), call: (id, i) => ctx.api.create(id, engineFor(i)) },
        { items: ids('bare'), call: startBare },
      ],
      createConcurrency,
    )) as [Timings, Timings];
    const burstSeconds = (performance.now() - before.at) / 1000;
    const coresBusy = (machineBusySeconds() - before.machine) / burstSeconds;
    const coresOurs = (ctx.cpuSeconds() - before.ours) / burstSeconds;
    report(`${createdPerSide} new stores through POST /api/v1/stores`, viaApi);
    report(`${createdPerSide} store workflows started straight through Temporal`, bare);
    progress(
      `list: while they ran, ${coresBusy.toFixed(2)} of ${ctx.cores} cores were busy, ${coresOurs.toFixed(2)} of them with this run's processes`,
    );

    const { count } = await client.workflow.count(runningStoresQuery);
    progress(`list: ${count} stores running; one page of ${listPageSize}`);
    const listUrl = `${ctx.api.url}/api/v1/stores?limit=${listPageSize}`;
    const listed = await timedFor(listSeconds, listConnections, async () => {
      const response = await fetch(listUrl);
      const body = (await response.json()) as { stores?: unknown[] };
      if (response.status !== 200 || body.stores?.length !== listPageSize)
        throw new Error(`GET ${listUrl} answered ${response.status} with ${body.stores?.length} stores`);
    });
    report('GET /api/v1/stores', listed);
    const visibility = await timedFor(listSeconds, listConnections, async () => {
      await connection.workflowService.listWorkflowExecutions({
        namespace: ctx.workerConfig.temporal.namespace,
        query: runningStoresQuery,
        pageSize: listPageSize,
      });
    });
    report('the same query straight to Temporal', visibility);

    // After the list, so that the list meets neither these stores nor the worker catching up with them.
    const aloneOnMachine = await startsWithWorkerPaused(ctx, ids('alone'), startBare);
    report(`${createdPerSide} more started straight through Temporal with the worker paused`, aloneOnMachine);

    results.add(
      benchResult({ name: 'list.stores_running', value: count, unit: 'stores' }),
      ...latencyResults('list.page_latency', listed, visibility, 200),
      benchResult({
        name: 'list.pages_per_second',
        value: listed.perSecond,
        unit: 'req/s',
        baseline: visibility.perSecond,
      }),
      ...latencyResults('list.new_store_post', viaApi, bare, 100),
      benchResult({ name: 'list.new_store_cores_busy', value: coresBusy, unit: 'cores' }),
      benchResult({ name: 'list.new_store_cores_ours', value: coresOurs, unit: 'cores' }),
      benchResult({ name: 'list.start_alone_p99', value: aloneOnMachine.p99Ms, unit: 'ms' }),
      benchResult({ name: 'list.start_alone_p50', value: aloneOnMachine.p50Ms, unit: 'ms' }),
    );
  } finally {
    await connection.close();
  }
}
