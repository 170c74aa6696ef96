import { describe, expect, it } from 'vitest';
import { benchResult, percentile } from './stats.js';

describe('percentile', () => {
  it('when asked for p50 and p95 of 1..20, then it gives the nearest-rank values 10 and 19', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
  });

  it('when there is one value, then every percentile is that value', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('when the list is empty, then it throws instead of inventing a figure', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
  });
});

describe('benchResult', () => {
  it('when a ratio target is given, then the ratio against the baseline decides whether it is met', () => {
    expect(
      benchResult({
        name: 'overhead',
        value: 12,
        unit: 's',
        baseline: 10,
        target: { of: 'ratio', op: '<=', limit: 1.25 },
      }),
    ).toEqual({
      name: 'overhead',
      value: 12,
      unit: 's',
      baseline: 10,
      ratio: 1.2,
      target: 'ratio <= 1.25',
      met: true,
    });
  });

  it('when a value target is missed, then met is false and the ratio is still reported', () => {
    const result = benchResult({
      name: 'rss',
      value: 450,
      unit: 'MB',
      baseline: 150,
      target: { of: 'value', op: '<', limit: 400 },
    });
    expect(result).toMatchObject({ ratio: 3, target: 'value < 400', met: false });
  });

  it('when there is no baseline or target, then ratio, target and met are null', () => {
    expect(benchResult({ name: 'p95', value: 1.23456, unit: 's' })).toEqual({
      name: 'p95',
      value: 1.235,
      unit: 's',
      baseline: null,
      ratio: null,
      target: null,
      met: null,
    });
  });

  it('when a ratio target has no usable baseline, then met is null rather than a guess', () => {
    expect(
      benchResult({ name: 'x', value: 1, unit: 's', baseline: 0, target: { of: 'ratio', op: '<=', limit: 1 } }),
    ).toMatchObject({ ratio: null, met: null });
  });
});
