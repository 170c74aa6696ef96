import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedCode, readResults, ResultLog, type StoredResult } from './report.js';
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

describe('the code a run measured', () => {
  const outputs = ['bench/results/latest.json', 'docs/benchmarks.md'];
  it.each([
    ['nothing changed', '', []],
    ['only the run outputs changed', ' M bench/results/latest.json\0 M docs/benchmarks.md\0', []],
    ['a source file changed beside them', ' M docs/benchmarks.md\0M  api/app.ts\0', ['api/app.ts']],
    ['a file was renamed', 'R  api/new.ts\0api/old.ts\0', ['api/new.ts', 'api/old.ts']],
    ['an output was renamed away', 'R  docs/moved.md\0docs/benchmarks.md\0', ['docs/moved.md']],
  ])('when %s, then the changed code is what is listed', (_case, porcelain, changed) => {
    expect(changedCode(porcelain, outputs)).toEqual(changed);
  });

  it('when git reports a rename and an edit, then both names of the renamed file and the edited one count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-git-'));
    dirs.push(dir);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    for (const file of ['a.ts', 'b.ts', 'latest.json']) writeFileSync(join(dir, file), `${file}\n`);
    git('add', '.');
    git('commit', '-qm', 'first');
    git('mv', 'a.ts', 'c.ts');
    writeFileSync(join(dir, 'b.ts'), 'changed\n');
    writeFileSync(join(dir, 'latest.json'), 'changed\n');
    const porcelain = git('status', '--porcelain', '-z', '--untracked-files=no');
    expect(changedCode(porcelain, ['latest.json']).sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
  });
});
