import { describe, expect, it } from 'vitest';
import { cpuSecondsFromStat } from './proc-stats.js';

describe('cpuSecondsFromStat', () => {
  it('when the command name holds spaces and parentheses, then user, system and waited-for children ticks are summed', () => {
    const stat =
      '4242 (node (my worker)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0 1000 1000000 5000';
    expect(cpuSecondsFromStat(stat)).toBe(3.5);
  });
});
