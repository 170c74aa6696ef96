// What the benchmarks print and write: each figure as it is measured, and the list of results as
// bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { say } from '../dev/output.js';
import type { BenchResult } from './stats.js';

export const latestResultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));

export function progress(line: string): void {
  say(`[bench] ${line}`);
}

export function formatResult(result: BenchResult): string {
  const parts = [`${result.name}: ${result.value} ${result.unit}`];
  if (result.baseline !== null) parts.push(`baseline ${result.baseline} ${result.unit}`, `ratio ${result.ratio ?? '-'}`);
  if (result.target !== null) parts.push(`target ${result.target}: ${result.met ? 'met' : 'NOT met'}`);
  return parts.join(', ');
}

/** Collects the run's results, printing each as it comes. */
export class ResultLog {
  readonly results: BenchResult[] = [];

  add(...results: BenchResult[]): void {
    for (const result of results) {
      this.results.push(result);
      say(`[bench] = ${formatResult(result)}`);
    }
  }

  write(file = latestResultsFile): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(this.results, null, 2)}\n`);
  }
}
