import { describe, expect, it } from 'vitest';
import { cpuSecondsFromStat, machineBusySecondsFromStat } from './proc-stats.js';

describe('cpuSecondsFromStat', () => {
  it('when the command name holds spaces and parentheses, then user, system and waited-for children ticks are summed', () => {
    const stat =
      '4242 (node (my worker)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0 1000 1000000 5000';
    expect(cpuSecondsFromStat(stat)).toBe(3.5);
  });
});

describe('machineBusySecondsFromStat', () => {
  it('when /proc/stat is read, then every cpu field but idle and iowait counts, and per-core lines are ignored', () => {
    const stat = ['cpu  100 10 50 9000 40 5 5 20 7 0', 'cpu0 50 5 25 4500 20 2 3 10 7 0', 'intr 12345'].join('\n');
    expect(machineBusySecondsFromStat(stat)).toBe(1.9);
  });

  it('when there is no cpu line, then it says so', () => {
    expect(() => machineBusySecondsFromStat('intr 1')).toThrow('no cpu line');
  });
});
