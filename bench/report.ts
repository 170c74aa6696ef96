// What the benchmarks print and write: each figure as it is measured, and the results as
// bench/results/latest.json, with the commit whose code measured them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../dev/config.js';
import { say } from '../dev/output.js';
import type { BenchResult } from './stats.js';

export const latestResultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));
/** The doc whose result tables a run rewrites (bench/doc.ts). */
export const benchmarksDoc = join(repoRoot, 'docs', 'benchmarks.md');

export function progress(line: string): void {
  say(`[bench] ${line}`);
}

export function formatResult(result: BenchResult): string {
  const parts = [`${result.name}: ${result.value} ${result.unit}`];
  if (result.baseline !== null)
    parts.push(`baseline ${result.baseline} ${result.unit}`, `ratio ${result.ratio ?? '-'}`);
  if (result.target !== null) parts.push(`target ${result.target}: ${result.met ? 'met' : 'NOT met'}`);
  return parts.join(', ');
}

/** Collects the run's results, printing each as it comes. */
export class ResultLog {
  readonly results: BenchResult[] = [];
  /** Taken when the run starts: the code it loaded, whatever is committed while it runs. */
  private readonly code = measuredCode();

  add(...results: BenchResult[]): void {
    for (const result of results) {
      this.results.push(result);
      say(`[bench] = ${formatResult(result)}`);
    }
  }

  /**
   * Into latest.json: this run's results, each with the commit, time and machine that measured it,
   * replacing the earlier results of the benchmarks that ran; the other benchmarks' results stay as
   * they were, with their own commits.
   */
  write(ran: string[], file = latestResultsFile): void {
    const measured = { ...this.code, measuredAt: new Date().toISOString(), machine: machineDescription() };
    const kept = readResults(file).filter((result) => !ran.includes(benchmarkOf(result.name)));
    writeResults(file, measured, [...kept, ...this.results.map((result) => ({ ...result, ...measured }))]);
  }
}

/**
 * The file: at the top, the commit (time, machine) of the run that last wrote it and, per commit, the
 * benchmarks whose figures describe that code; then every result with its own.
 */
export function writeResults(file: string, last: Omit<StoredResult, keyof BenchResult>, results: StoredResult[]): void {
  const commits: Record<string, string[]> = {};
  for (const { commit, name } of results) {
    const benchmarks = (commits[commit] ??= []);
    if (!benchmarks.includes(benchmarkOf(name))) benchmarks.push(benchmarkOf(name));
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...last, commits, results }, null, 2)}\n`);
}

/** A result in latest.json: the figure and where it was measured. */
export type StoredResult = BenchResult & {
  commit: string;
  uncommittedChanges: boolean;
  measuredAt: string;
  machine?: string;
  note?: string;
};

/** The benchmark a result belongs to: the first part of its name (`fleet.delayed.throughput` -> fleet). */
export const benchmarkOf = (name: string) => name.split('.')[0]!;

/** latest.json's results; one without a commit of its own (a file from before results carried theirs) gets the top-level one. */
export function readResults(file = latestResultsFile): StoredResult[] {
  if (!existsSync(file)) return [];
  const stored = JSON.parse(readFileSync(file, 'utf8')) as {
    results: Array<BenchResult & Partial<StoredResult>>;
    commit?: string;
    uncommittedChanges?: boolean;
    measuredAt?: string;
    note?: string;
  };
  const { commit = 'unknown', uncommittedChanges = false, measuredAt = '', note } = stored;
  return stored.results.map((result) =>
    result.commit === undefined
      ? { ...result, commit, uncommittedChanges, measuredAt, ...(note ? { note } : {}) }
      : (result as StoredResult),
  );
}

function machineDescription(): string {
  return `${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${type()} ${release()}, Node ${process.version}`;
}

/** What a run writes itself: changed, they leave the code it measures as committed. */
const runOutputs = [latestResultsFile, benchmarksDoc].map((file) => relative(repoRoot, file));

/**
 * The tracked files changed in `git status --porcelain -z` output (both sides of a rename), less the
 * run's own outputs: what makes the measured code differ from its commit.
 */
export function changedCode(porcelain: string, outputs: readonly string[] = runOutputs): string[] {
  const entries = porcelain.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    paths.push(entry.slice(3));
    // A rename or copy: its source path follows as an entry of its own.
    if (/^[RC]|^.[RC]/.test(entry) && entries[i + 1] !== undefined) paths.push(entries[++i]!);
  }
  return paths.filter((path) => !outputs.includes(path));
}

/** The commit the figures describe, and whether the code differed from it (then they describe neither exactly). */
function measuredCode(): { commit: string; uncommittedChanges: boolean } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return {
    commit: git(['rev-parse', 'HEAD']).trim(),
    uncommittedChanges: changedCode(git(['status', '--porcelain', '-z', '--untracked-files=no'])).length > 0,
  };
}
