// Cleanup: delete of a Ready store through the API (store workflow + cleanup child) against the same
// steps run bare (helm uninstall, the PVCs, the namespace, wait until it is gone). Stage delays only
// shape start-up, so this runs once.
import type { BenchContext } from './context.js';
import { storeIdFor } from './modes.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, median } from './stats.js';
import { apiDeleteSeconds, apiProvisionSeconds, bareDeleteSeconds, bareProvisionSeconds } from './timing.js';

const repetitions = 3;

export async function cleanupBenchmark(ctx: BenchContext, results: ResultLog): Promise<void> {
  const index = Array.from({ length: repetitions }, (_, i) => i);
  const apiIds = index.map((i) => storeIdFor('no-delay', 'rm', 'api', i));
  const bareIds = index.map((i) => storeIdFor('no-delay', 'rm', 'bare', i));
  progress(`cleanup: provisioning ${repetitions} stores through the API and ${repetitions} bare`);
  await Promise.all([
    ...apiIds.map((id) => apiProvisionSeconds(ctx, id, 'woocommerce')),
    ...bareIds.map((id) => bareProvisionSeconds(ctx, id, 'woocommerce')),
  ]);
  const api: number[] = [];
  const bare: number[] = [];
  for (const i of index) {
    api.push(await apiDeleteSeconds(ctx, apiIds[i]!));
    bare.push(await bareDeleteSeconds(ctx, bareIds[i]!, 'woocommerce'));
    progress(`cleanup ${i + 1}/${repetitions}: API ${api.at(-1)?.toFixed(2)} s, bare ${bare.at(-1)?.toFixed(2)} s`);
  }
  results.add(
    benchResult({
      name: 'cleanup.delete_to_gone',
      value: median(api),
      unit: 's',
      baseline: median(bare),
      target: { of: 'ratio', op: '<=', limit: 1.25 },
    }),
  );
}
