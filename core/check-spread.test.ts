import { describe, expect, it } from 'vitest';
import { checkIntervalMs } from './check-spread.js';

describe('checkIntervalMs', () => {
  it('when asked twice for one store, then the wait is the same (workflows replay it)', () => {
    expect(checkIntervalMs('shop-1', 300)).toBe(checkIntervalMs('shop-1', 300));
  });

  it('when a thousand stores are made at once, then their checks spread over 75-125 % of the interval, none crowded', () => {
    const waits = Array.from({ length: 1000 }, (_, i) => checkIntervalMs(`burst-${i}`, 300) / 1000);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(225);
    expect(Math.max(...waits)).toBeLessThan(375);
    // Ten 15-second buckets over the 150 s: each holds about a tenth, none more than twice that.
    const buckets = Array.from({ length: 10 }, (_, b) => waits.filter((w) => Math.floor((w - 225) / 15) === b).length);
    for (const count of buckets) {
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThan(200);
    }
  });
});
