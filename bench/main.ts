// `npm run bench [-- name...]`: starts one platform, runs the chosen benchmarks on it, prints each
// figure with its baseline and ratio, writes bench/results/latest.json, and stops every process it
// started, also on failure or Ctrl-C.
import { relative } from 'node:path';
import { repoRoot } from '../dev/config.js';
import { formatDuration } from '../dev/output.js';
import { apiLoadBenchmark } from './api-load.js';
import { cleanupBenchmark } from './cleanup.js';
import { createBenchState, type BenchContext } from './context.js';
import { writeBenchmarkDoc } from './doc.js';
import { fleetBenchmark } from './fleet.js';
import { imageBuildsBenchmark } from './image-builds.js';
import { overheadBenchmark } from './overhead.js';
import { realStoresBenchmark } from './real-stores.js';
import { latestResultsFile, progress, ResultLog } from './report.js';
import { storeListBenchmark } from './store-list.js';
import { streamsBenchmark } from './streams.js';
import { selectBenchmarks, UnknownBenchmarkError } from './selection.js';
import { describeStartupDelays } from './startup-delays.js';
import { workerMemoryBenchmark } from './worker-memory.js';

/** A benchmark on the shared simulated platform, or one that needs no platform or starts its own. */
type Benchmark =
  | { on: 'simulated'; run: (ctx: BenchContext, results: ResultLog) => Promise<void> }
  | { on: 'own'; run: (results: ResultLog, stateDir: string) => Promise<void> };

// In this order: images and real stores first, each alone on the machine (the real node starts and
// stops its own platform); then the simulated platform's, where the API load wants a quiet cluster
// and memory wants every other figure taken first (its 200 held stores stay until the end); list adds
// 600 more held stores to those.
const benchmarks: Record<string, Benchmark> = {
  images: { on: 'own', run: imageBuildsBenchmark },
  real: { on: 'own', run: realStoresBenchmark },
  api: { on: 'simulated', run: apiLoadBenchmark },
  streams: { on: 'simulated', run: streamsBenchmark },
  overhead: { on: 'simulated', run: overheadBenchmark },
  cleanup: { on: 'simulated', run: cleanupBenchmark },
  fleet: { on: 'simulated', run: fleetBenchmark },
  memory: { on: 'simulated', run: workerMemoryBenchmark },
  list: { on: 'simulated', run: storeListBenchmark },
};

export async function runBenchmarks(args: string[]): Promise<number> {
  let selected: string[];
  try {
    selected = selectBenchmarks(args, Object.keys(benchmarks));
  } catch (error) {
    if (!(error instanceof UnknownBenchmarkError)) throw error;
    progress(error.message);
    return 2;
  }
  const began = Date.now();
  const state = createBenchState();
  // `on`, not `once`: Ctrl-C arrives twice (from the terminal and forwarded by dev/bootstrap.mjs).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      progress(`received ${signal}; stopping everything...`);
      void state.stop('failed').finally(() => process.exit(130));
    });
  }
  const results = new ResultLog();
  try {
    progress(`running ${selected.join(', ')} (state ${state.stateDir})`);
    progress(`delayed mode: ${describeStartupDelays()}`);
    let ctx: BenchContext | undefined;
    for (const name of selected) {
      const started = Date.now();
      progress(`--- ${name}`);
      const benchmark = benchmarks[name]!;
      if (benchmark.on === 'own') await benchmark.run(results, state.stateDir);
      else await benchmark.run((ctx ??= await state.startContext()), results);
      progress(`--- ${name} done in ${formatDuration(Date.now() - started)}`);
    }
    results.write(selected);
    if (writeBenchmarkDoc()) progress('updated the tables of docs/benchmarks.md from it');
    const judged = results.results.filter((result) => result.met !== null);
    progress(
      `${judged.filter((result) => result.met).length} of ${judged.length} targets met; a missed target is a finding, not a failed run`,
    );
    progress(`wrote ${relative(repoRoot, latestResultsFile)}; all done in ${formatDuration(Date.now() - began)}`);
    await state.stop('passed');
    return 0;
  } catch (error) {
    await state.stop('failed');
    throw error;
  }
}
