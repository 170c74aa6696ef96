import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResults, ResultLog, type StoredResult } from './report.js';
import { benchResult } from './stats.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  dirs.push(dir);
  return join(dir, 'latest.json');
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const stored = (name: string, commit: string): StoredResult => ({
  ...benchResult({ name, value: 1, unit: 's' }),
  commit,
  uncommittedChanges: false,
  measuredAt: '2026-11-25',
});

describe('latest.json', () => {
  it('when a subset of benchmarks runs, then only their results are replaced and the others keep their own commit', () => {
    const file = tempFile();
    writeFileSync(
      file,
      JSON.stringify({ results: [stored('api.get.latency_p99', 'old'), stored('real.medusa.create_to_ready', 'old')] }),
    );
    const log = new ResultLog();
    log.add(benchResult({ name: 'real.medusa.create_to_ready', value: 90, unit: 's', baseline: 85 }));
    log.write(['real'], file);

    const results = (JSON.parse(readFileSync(file, 'utf8')) as { results: StoredResult[] }).results;
    expect(results.map((r) => [r.name, r.commit === 'old'])).toEqual([
      ['api.get.latency_p99', true],
      ['real.medusa.create_to_ready', false],
    ]);
    const top = JSON.parse(readFileSync(file, 'utf8')) as { commit: string; commits: Record<string, string[]> };
    expect(top.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(top.commits).toEqual({ old: ['api'], [top.commit]: ['real'] });
    const fresh = results[1]!;
    expect(fresh.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fresh.machine).toMatch(/cores/);
    expect(fresh.value).toBe(90);
  });

  it('when the file has one commit for all results (the earlier format), then each result is read with it', () => {
    const file = tempFile();
    writeFileSync(
      file,
      JSON.stringify({
        commit: 'abc',
        uncommittedChanges: true,
        measuredAt: '2026-11-25',
        note: 'n',
        results: [benchResult({ name: 'fleet.x', value: 2, unit: 's' })],
      }),
    );
    expect(readResults(file)).toEqual([
      expect.objectContaining({
        name: 'fleet.x',
        commit: 'abc',
        uncommittedChanges: true,
        measuredAt: '2026-11-25',
        note: 'n',
      }),
    ]);
  });
});
