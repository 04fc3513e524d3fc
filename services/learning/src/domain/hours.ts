/**
 * Class hours (学时) are kept exactly, as whole quarter-hours: every figure the rules use (0.25,
 * 0.5, 1, 4, 8, 32 ...) is a whole number of quarters, so sums never drift the way decimal
 * fractions in floating point do. 1 学时 = 4 quarter-hours.
 */
export const quartersPerHour = 4;

/** Quarter-hours as 学时 for people (5 -> 1.25). */
export function hoursOf(quarterHours: number): number {
  return quarterHours / quartersPerHour;
}

/** A stored amount of class hours: a whole, non-negative number of quarter-hours. */
export function isQuarterHours(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * Splits `total` quarter-hours over parts in proportion to their weights, in whole quarters that
 * sum to exactly `total` (largest remainder; a tie goes to the earlier part).
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}
