import { describe, expect, it } from 'vitest';
import { parseQuantity, usedFraction } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['2', 2],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['4Gi', 4 * 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['0', 0],
  ])('when %s is read, then it is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it.each(['', 'abc', '1Xi', '--1', '1 Gi '.repeat(2)])('when %j is read, then it is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('usedFraction', () => {
  it('when memory in different units is compared, then the fraction is right', () => {
    expect(usedFraction('1Gi', '4Gi')).toBe(0.25);
    expect(usedFraction('512Mi', '4Gi')).toBe(0.125);
  });

  it('when hard is zero or unreadable, then there is no fraction', () => {
    expect(usedFraction('0', '0')).toBeUndefined();
    expect(usedFraction('1', 'lots')).toBeUndefined();
  });
});
