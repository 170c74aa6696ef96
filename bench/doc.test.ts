import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultsTable, updateBenchmarkDoc } from './doc.js';
import { benchmarksDoc, readResults, type StoredResult } from './report.js';
import { benchResult } from './stats.js';

const result = (figure: Parameters<typeof benchResult>[0]): StoredResult => ({
  ...benchResult(figure),
  commit: 'f'.repeat(40),
  uncommittedChanges: false,
  measuredAt: '2026-12-03T02:00:00.000Z',
});

describe('the tables of docs/benchmarks.md', () => {
  it('when the doc is read, then every table is the one bench/results/latest.json gives (run npm run bench:doc after a bench)', () => {
    const doc = readFileSync(benchmarksDoc, 'utf8');
    expect(doc).toMatch(/<!-- bench:[a-z-]+ -->/);
    expect(updateBenchmarkDoc(doc, readResults())).toBe(doc);
  });

  it('when a result has a baseline and a target, then its row shows both, the verdict and the commit', () => {
    const table = resultsTable(
      [
        result({
          name: 'real.medusa.create_to_ready',
          value: 96,
          unit: 's',
          baseline: 90,
          target: { of: 'ratio', op: '<=', limit: 1.1 },
        }),
      ],
      'real',
    );
    expect(table).toContain(
      '| `real.medusa.create_to_ready` | 96 s | 90 s | 1.067 | ratio <= 1.1 ✓ | `fffffff` 2026-12-03 |',
    );
  });

  it('when a marked table is stale, then only that block is rewritten', () => {
    const doc = 'intro 12 s\n<!-- bench:real -->\nold table\n<!-- /bench:real -->\noutro\n';
    const updated = updateBenchmarkDoc(doc, [
      result({ name: 'real.woocommerce.create_to_ready', value: 50, unit: 's' }),
    ]);
    expect(updated).toMatch(/^intro 12 s\n<!-- bench:real -->\n\| figure/);
    expect(updated).not.toContain('old table');
    expect(updated.endsWith('<!-- /bench:real -->\noutro\n')).toBe(true);
  });
});
