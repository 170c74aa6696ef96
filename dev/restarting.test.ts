import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './restarting.js';

describe('restart back-off', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [40, 30_000],
  ])('when a service crashed %i times in a row, then it restarts after %i ms', (crashes, delay) => {
    expect(restartDelayMs(crashes)).toBe(delay);
  });
});
