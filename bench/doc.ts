// The result tables of docs/benchmarks.md, generated from bench/results/latest.json: each table sits
// between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` and lists that benchmark's results, so the
// doc cannot say one figure while the results say another (a test compares them).
import { readFileSync, writeFileSync } from 'node:fs';
import { benchmarkOf, benchmarksDoc, readResults, type StoredResult } from './report.js';

const blockPattern = /(<!-- bench:([a-z-]+) -->\n)[\s\S]*?(<!-- \/bench:\2 -->)/g;

const withUnit = (value: number | null, unit: string) => (value === null ? '' : `${value} ${unit}`);
const verdict = (result: StoredResult) => (result.target === null ? '' : `${result.target} ${result.met ? '✓' : '✗'}`);
const measuredAt = (result: StoredResult) =>
  `\`${result.commit.slice(0, 7)}\`${result.uncommittedChanges ? '+' : ''} ${result.measuredAt.slice(0, 10)}`;

export function resultsTable(results: StoredResult[], benchmark: string): string {
  const own = results.filter((result) => benchmarkOf(result.name) === benchmark);
  if (own.length === 0)
    return `No results of \`${benchmark}\` in bench/results/latest.json yet (\`npm run bench -- ${benchmark}\`).\n`;
  const rows = own.map(
    (r) =>
      `| \`${r.name}\` | ${withUnit(r.value, r.unit)} | ${withUnit(r.baseline, r.unit)} | ${r.ratio ?? ''} | ${verdict(r)} | ${measuredAt(r)} |`,
  );
  const machines = [...new Set(own.map((r) => r.machine ?? 'not recorded'))];
  return (
    [
      '| figure | value | baseline | ratio | target | measured at |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Machine: ${machines.join('; ')}.`,
    ].join('\n') + '\n'
  );
}

/** The doc with every marked table made anew from the results; everything else as it was. */
export function updateBenchmarkDoc(doc: string, results: StoredResult[]): string {
  return doc.replace(
    blockPattern,
    (_block, open: string, name: string, close: string) => `${open}${resultsTable(results, name)}${close}`,
  );
}

/** `npm run bench:doc` (and the end of `npm run bench`): rewrites the tables; returns whether anything changed. */
export function writeBenchmarkDoc(file = benchmarksDoc): boolean {
  const doc = readFileSync(file, 'utf8');
  const updated = updateBenchmarkDoc(doc, readResults());
  if (updated !== doc) writeFileSync(file, updated);
  return updated !== doc;
}
