// What the benchmarks print and write: each figure as it is measured, and the results as
// bench/results/latest.json, with the commit whose code measured them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../dev/config.js';
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
    writeFileSync(file, `${JSON.stringify({ ...measuredCode(), measuredAt: new Date().toISOString(), results: this.results }, null, 2)}\n`);
  }
}

/** The commit the figures describe, and whether the working tree differed from it (then they describe neither exactly). */
function measuredCode(): { commit: string; uncommittedChanges: boolean } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  return { commit: git(['rev-parse', 'HEAD']), uncommittedChanges: git(['status', '--porcelain', '--untracked-files=no']) !== '' };
}
