import { describe, expect, it } from 'vitest';
import { median, pairedRatios, quantile, spread } from '../stats.ts';

describe('quantile', () => {
  it('interpolates between the two nearest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([0, 10], 0.3)).toBeCloseTo(3);
  });

  it('sorts a copy and leaves the input in its order', () => {
    const values = [3, 1, 2];
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 1)).toBe(3);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty sample set and an out-of-range p', () => {
    expect(() => quantile([], 0.5)).toThrow('Expected `values` to be a non-empty array, got []');
    expect(() => quantile([1], 1.5)).toThrow('Expected `p` to be a number in [0, 1], got 1.5');
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and spread', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 9])).toBe(5);
    expect(median([4, 1, 9, 2])).toBe(3);
  });

  it('reports extremes and quartiles', () => {
    expect(spread([1, 2, 3, 4, 5])).toEqual({ min: 1, q1: 2, median: 3, q3: 4, max: 5 });
  });
});

describe('pairedRatios', () => {
  it('divides each round of ours by the same round of the baseline', () => {
    expect(pairedRatios([2, 9, 4], [1, 3, 8])).toEqual([2, 3, 0.5]);
  });

  it('rejects sample sets of different lengths', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(
      'Expected paired samples of equal length, got 2 and 1',
    );
  });
});
