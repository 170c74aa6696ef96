import { describe, expect, it } from 'vitest';
import { failedLogins } from './failed-logins.js';

describe('failedLogins', () => {
  it('when an address fails as often as the limit, then it is locked out until its window ends, and others are not', () => {
    let clock = 1_000;
    const failures = failedLogins(3, 60_000, () => clock);
    failures.record('10.0.0.1');
    failures.record('10.0.0.1');
    expect(failures.lockedUntil('10.0.0.1')).toBeUndefined();
    clock += 10_000;
    failures.record('10.0.0.1');
    expect(failures.lockedUntil('10.0.0.1')).toEqual(new Date(61_000));
    expect(failures.lockedUntil('10.0.0.2')).toBeUndefined();
    clock = 61_000;
    expect(failures.lockedUntil('10.0.0.1')).toBeUndefined();
  });

  it('when a window has ended, then the next failure starts a new one', () => {
    let clock = 0;
    const failures = failedLogins(2, 60_000, () => clock);
    failures.record('10.0.0.1');
    clock = 60_000;
    failures.record('10.0.0.1');
    expect(failures.lockedUntil('10.0.0.1')).toBeUndefined();
    failures.record('10.0.0.1');
    expect(failures.lockedUntil('10.0.0.1')).toEqual(new Date(120_000));
  });
});
