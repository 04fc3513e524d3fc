/**
 * Completion by doing, not by time online: a video counts by the stretches the player reports
 * and the server accepts, an article or document by reading to the end. The server checks each
 * video report against its own clock: no more video than real time allows at the fastest
 * accepted speed, one unit playing at a time per learner (a new session ends the old one).
 */
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import type { UnitKind } from './vocabulary';

export const playback = {
  /** Fastest playback accepted (倍速). */
  maxSpeed: 2,
  /** Slack for clocks and network: a report may carry this much more video than allowed. */
  toleranceSeconds: 3,
  /** Share of a video that completes it, in permille. */
  completePermille: 900,
  /** Intervals in one report. */
  maxIntervals: 200,
} as const;

/** [from, to) in seconds of the video, from < to. */
export type Interval = [number, number];

/** The union of `intervals`, sorted and merged (touching intervals join). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: Interval[] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

export function lengthOf(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, [from, to]) => sum + (to - from), 0);
}

/** Checks the shape of reported intervals against the video's length. */
export function validateIntervals(intervals: readonly Interval[], videoSeconds: number): Interval[] {
  const violations: FieldViolation[] = [];
  if (intervals.length === 0) violations.push({ field: 'intervals', problem: 'a video report needs at least one interval' });
  if (intervals.length > playback.maxIntervals)
    violations.push({ field: 'intervals', problem: `at most ${playback.maxIntervals} intervals a report` });
  intervals.forEach(([from, to], i) => {
    if (!Number.isFinite(from) || !Number.isFinite(to) || from < 0 || to <= from)
      violations.push({ field: `intervals[${i}]`, problem: 'must run forwards from 0 or later: fromSecond < toSecond' });
    else if (to > videoSeconds + 0.5)
      violations.push({ field: `intervals[${i}].toSecond`, problem: `is past the end of the video (${videoSeconds} s)` });
  });
  if (violations.length) throw validationFailed(violations);
  return mergeIntervals(intervals.map(([from, to]) => [from, Math.min(to, videoSeconds)]));
}

/** What the server remembers of the unit a learner has open. */
export interface PlayerSession {
  sessionId: string;
  courseId: string;
  unitId: string;
  kind: UnitKind;
  startedAt: string;
  /** ms since the epoch of the start or the last accepted report, by the server's clock. */
  lastReportAt: number;
}

/**
 * Refuses a report carrying more video than real time since the last report allows at the
 * fastest accepted speed (a player that skips or a script that claims to have watched).
 */
export function assertPlausible(clock: Pick<PlayerSession, 'lastReportAt'>, played: readonly Interval[], now: number): void {
  const elapsedSeconds = Math.max(0, now - clock.lastReportAt) / 1000;
  const allowed = elapsedSeconds * playback.maxSpeed + playback.toleranceSeconds;
  const claimed = lengthOf(played);
  if (claimed > allowed) {
    throw failedPrecondition(
      'LEARNING_PLAYBACK_TOO_FAST',
      `the report covers ${claimed.toFixed(1)} s of video but only ${elapsedSeconds.toFixed(1)} s passed since the last one; playback faster than ${playback.maxSpeed}× is not counted`,
      { claimedSeconds: claimed.toFixed(1), elapsedSeconds: elapsedSeconds.toFixed(1), maxSpeed: String(playback.maxSpeed) },
    );
  }
}

/** Share of the video the watched intervals cover, in permille (rounded down). */
export function coveragePermille(watched: readonly Interval[], videoSeconds: number): number {
  return Math.min(1000, Math.floor((lengthOf(mergeIntervals(watched)) * 1000) / videoSeconds));
}

export function validateReadTo(permille: number): number {
  if (!Number.isInteger(permille) || permille < 1 || permille > 1000)
    throw validationFailed([{ field: 'readToPermille', problem: 'must be 1 to 1000 (how far the reader got)' }]);
  return permille;
}
