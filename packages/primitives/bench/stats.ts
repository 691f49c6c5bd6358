/**
 * Order statistics for benchmark samples. Pure functions, no timing: these are what the
 * harness's numbers are made of, so they are kept small enough to check by hand.
 */

/** Spread of a sample set: quartiles and extremes. */
export interface Spread {
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
}

/**
 * The `p`-quantile (0 ≤ p ≤ 1) of `values`, linearly interpolated between the two nearest ranks
 * (the "R-7" definition most spreadsheets use). Does not modify `values`.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0)
    throw new RangeError('Expected `values` to be a non-empty array, got []');
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`Expected \`p\` to be a number in [0, 1], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function spread(values: readonly number[]): Spread {
  return {
    min: quantile(values, 0),
    q1: quantile(values, 0.25),
    median: quantile(values, 0.5),
    q3: quantile(values, 0.75),
    max: quantile(values, 1),
  };
}

/**
 * Ratio of each round's pair of samples (`ours[i] / baseline[i]`). Pairing by round cancels
 * slow drifts of the machine (thermal, a neighbour's job) that hit both samples of a round.
 */
export function pairedRatios(ours: readonly number[], baseline: readonly number[]): number[] {
  if (ours.length !== baseline.length) {
    throw new RangeError(
      `Expected paired samples of equal length, got ${ours.length} and ${baseline.length}`,
    );
  }
  return ours.map((value, index) => value / (baseline[index] as number));
}
