import { apportion, hoursOf, isQuarterHours } from '../../src/domain/hours';

test('quarter-hours are whole and not negative', () => {
  expect(isQuarterHours(0)).toBe(true);
  expect(isQuarterHours(5)).toBe(true);
  expect(isQuarterHours(-1)).toBe(false);
  expect(isQuarterHours(1.5)).toBe(false);
  expect(hoursOf(5)).toBe(1.25);
});

test('apportion splits whole quarters that add up, by the largest remainder', () => {
  // 19.2 and 12.8: the quarter left goes to the larger remainder.
  expect(apportion(32, [3, 2])).toEqual([19, 13]);
  // 10 × 1/3 each: 3.33 → 4, 3, 3 (a tie goes to the earlier part)
  expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
  expect(apportion(7, [1, 6])).toEqual([1, 6]);
  for (const [total, weights] of [
    [33, [5, 7, 9]],
    [1, [1, 1]],
    [0, [2, 3]],
  ] as [number, number[]][]) {
    expect(apportion(total, weights).reduce((a, b) => a + b, 0)).toBe(total);
  }
  expect(apportion(8, [0, 0])).toEqual([0, 0]);
});
