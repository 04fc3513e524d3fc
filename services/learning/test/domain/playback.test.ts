import { assertPlausible, coveragePermille, mergeIntervals, validateIntervals, validateReadTo } from '../../src/domain/playback';
import { expectDomainError } from '../errors';

test('intervals merge into their union', () => {
  expect(
    mergeIntervals([
      [50, 60],
      [0, 10],
      [5, 20],
      [20, 30],
    ]),
  ).toEqual([
    [0, 30],
    [50, 60],
  ]);
});

test('coverage counts each second once', () => {
  expect(
    coveragePermille(
      [
        [0, 60],
        [0, 60],
        [30, 90],
      ],
      100,
    ),
  ).toBe(900);
  expect(coveragePermille([[0, 89.9]], 100)).toBe(899);
});

test('reported intervals run forwards inside the video', () => {
  expect(validateIntervals([[0, 10]], 60)).toEqual([[0, 10]]);
  expectDomainError(() => validateIntervals([], 60), 'VALIDATION_FAILED', { intervals: expect.any(String) });
  expectDomainError(() => validateIntervals([[10, 5]], 60), 'VALIDATION_FAILED', { 'intervals[0]': expect.any(String) });
  expectDomainError(() => validateIntervals([[0, 90]], 60), 'VALIDATION_FAILED', { 'intervals[0].toSecond': expect.any(String) });
});

test('no more video than real time allows at 2×', () => {
  const clock = { lastReportAt: 1_000_000 };
  // 60 s passed: up to 120 s of video (plus 3 s of slack).
  assertPlausible(clock, [[0, 120]], 1_060_000);
  assertPlausible(clock, [[0, 123]], 1_060_000);
  expectDomainError(() => assertPlausible(clock, [[0, 124]], 1_060_000), 'LEARNING_PLAYBACK_TOO_FAST', { maxSpeed: '2' });
  expectDomainError(() => assertPlausible(clock, [[0, 600]], 1_010_000), 'LEARNING_PLAYBACK_TOO_FAST');
});

test('reading progress is 1 to 1000 permille', () => {
  expect(validateReadTo(1000)).toBe(1000);
  expectDomainError(() => validateReadTo(0), 'VALIDATION_FAILED', { readToPermille: expect.any(String) });
  expectDomainError(() => validateReadTo(1001), 'VALIDATION_FAILED');
});
