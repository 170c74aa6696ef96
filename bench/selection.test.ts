import { describe, expect, it } from 'vitest';
import { selectBenchmarks, UnknownBenchmarkError } from './selection.js';

const known = ['api', 'overhead', 'cleanup', 'fleet', 'memory'];

describe('selectBenchmarks', () => {
  it('when no names are given, then every benchmark runs', () => {
    expect(selectBenchmarks([], known)).toEqual(known);
  });

  it('when names are given out of order or twice, then each runs once in the canonical order', () => {
    expect(selectBenchmarks(['memory', 'api', 'memory'], known)).toEqual(['api', 'memory']);
  });

  it('when a name is unknown, then the error names it and lists the known ones', () => {
    expect(() => selectBenchmarks(['api', 'speed'], known)).toThrow(UnknownBenchmarkError);
    expect(() => selectBenchmarks(['speed'], known)).toThrow(
      'unknown benchmark speed; choose from: api, overhead, cleanup, fleet, memory',
    );
  });
});
