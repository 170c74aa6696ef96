import { getPriority } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finalSummary, runBesideSuite } from './checks.js';

describe("npm test's last line", () => {
  it.each([
    ['the suite passed', 0, 'tests: 12 passed, 0 failed, 1 skipped', 'tests: 12 passed, 0 failed, 1 skipped'],
    ['the suite failed', 1, 'tests: 10 passed, 2 failed, 1 skipped', 'tests: 10 passed, 2 failed, 1 skipped'],
    [
      'the global setup failed, so nothing was counted',
      1,
      'tests: 0 passed, 0 failed, 0 skipped',
      'tests: 0 passed, 1 failed, 0 skipped',
    ],
    ['typecheck failed and the suite counted nothing', 2, undefined, 'tests: 0 passed, 1 failed, 0 skipped'],
  ] as const)('when %s, then it says so', (_case, exitCode, suite, expected) => {
    expect(finalSummary(exitCode, suite)).toBe(expected);
  });
});

describe('the static checks beside the suite', () => {
  const node = (label: string, script: string) => ({ label, bin: process.execPath, args: ['-e', script] });
  let printed: string[];
  beforeEach(() => {
    printed = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("when a check fails and the suite passes, then npm test fails with the check's exit code and shows its output after the suite ends", async () => {
    const exitCode = await runBesideSuite(
      [node('format', 'console.log("src/a.ts is not formatted"); process.exit(2)'), node('lint', '')],
      node('tests', 'setTimeout(() => {}, 300)'),
      {},
    );
    expect(exitCode).toBe(2);
    const lines = printed.join('').split('\n');
    const said = lines.indexOf('[test] format said:');
    expect(lines[said + 1]).toBe('src/a.ts is not formatted');
    const suiteEnded = lines.findIndex((line) => /^\[test\] tests passed in \d+s$/.test(line));
    expect(suiteEnded).toBeGreaterThan(-1);
    expect(said).toBeGreaterThan(suiteEnded);
    expect(lines.some((line) => /^\[test\] lint passed in \d+s$/.test(line))).toBe(true);
    expect(lines.filter((line) => line === 'src/a.ts is not formatted')).toHaveLength(1);
  });

  it('when every check and the suite pass, then npm test passes, showing no check output', async () => {
    const exitCode = await runBesideSuite([node('lint', 'console.log("all clean")')], node('tests', ''), {});
    expect(exitCode).toBe(0);
    expect(printed.join('').split('\n')).not.toContain('all clean');
  });

  it('when they run, then the checks run at nice 10 and the suite at the priority npm test has', async () => {
    const priorityIs = (expected: number) => `process.exit(require("node:os").getPriority() === ${expected} ? 0 : 3)`;
    const own = getPriority();
    expect(await runBesideSuite([node('lint', priorityIs(own + 10))], node('tests', priorityIs(own)), {})).toBe(0);
  });

  it('when only the suite fails, then its code is the exit code', async () => {
    expect(await runBesideSuite([node('lint', '')], node('tests', 'process.exit(1)'), {})).toBe(1);
  });
});
