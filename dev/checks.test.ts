import { describe, expect, it } from 'vitest';
import { finalSummary } from './checks.js';

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
    ['typecheck failed before the suite', 2, undefined, 'tests: 0 passed, 1 failed, 0 skipped'],
  ] as const)('when %s, then it says so', (_case, exitCode, suite, expected) => {
    expect(finalSummary(exitCode, suite)).toBe(expected);
  });
});
