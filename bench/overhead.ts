// Orchestration overhead: one store, create -> Ready through the API and the worker, against the
// bare script running the same activities in sequence. Runs alternate so drift hits both sides.
import type { BenchContext } from './context.js';
import { modes, storeIdFor } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, median } from './stats.js';
import { apiProvisionSeconds, bareProvisionSeconds } from './timing.js';

const repetitions = 3;

export async function overheadBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  for (const mode of modes) {
    const api: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      api.push(await apiProvisionSeconds(ctx, storeIdFor(mode, 'ov', 'api', i), 'woocommerce'));
      bare.push(await bareProvisionSeconds(ctx, storeIdFor(mode, 'ov', 'bare', i), 'woocommerce'));
      progress(
        `overhead ${mode} ${i + 1}/${repetitions}: API ${api.at(-1)?.toFixed(2)} s, bare ${bare.at(-1)?.toFixed(2)} s`,
      );
    }
    // For one store the limit it approaches is the bare time itself: the baseline.
    results.add(
      benchResult({
        name: `overhead.${mode}.create_to_ready`,
        value: median(api),
        unit: 's',
        baseline: median(bare),
        target: { of: 'ratio', op: '<=', limit: 1.25 },
      }),
    );
  }
}
