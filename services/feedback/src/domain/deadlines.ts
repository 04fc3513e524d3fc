/**
 * Deadlines in working days (工作日), and the moment a share of one has passed (督办).
 *
 * A deadline of n working days that starts on some day ends with the n-th working day after it
 * (so a message written on a Saturday is due to be signed for by the end of Monday). Time only
 * runs on working days: the share of a deadline that triggers escalation is a share of the
 * working time between the start and the end of the due day, so a week of 国庆 in between does
 * not count towards it.
 */
import { addDays, provinceDate, provinceDayStart, type WorkingDays } from '@repo/calendar';
import { DomainError, validationFailed } from '@repo/errors';
import type { MessageType } from './vocabulary';

export const deadlineStages = ['acceptance', 'handling', 'rectification', 'rating'] as const;
export type DeadlineStage = (typeof deadlineStages)[number];

export interface Deadline {
  stage: DeadlineStage;
  startedAt: string;
  /** Working days it runs. */
  days: number;
  /** The last working day, YYYY-MM-DD in the province; '' while the calendar lacks its year. */
  dueOn: string;
  /** The end of dueOn: the instant it is breached. */
  dueAt: string;
  /** When the share of the working time has passed and the parent organisation is told ('' when no one is told). */
  warnAt: string;
  warnedAt: string;
  overdueAt: string;
  /** The year the working-day calendar lacks, while dueOn cannot be known. */
  uncoveredYear: string;
}

/** The configurable rules; defaults are the common local ones (签收 1, 咨询 5, 建言/求助/投诉 7, at most 15). */
export interface DeadlinePolicy {
  acceptanceDays: number;
  handlingDays: Record<MessageType, number>;
  /** The handling deadline with its extension never exceeds this. */
  maxHandlingDays: number;
  /** Share of a deadline's working time after which the assignee's parent is told (督办). */
  warnShare: number;
  /** Working days a writer has to rate a reply before the message closes without one. */
  ratingWindowDays: number;
  /** Working days to fix what an unsatisfied rating found (差评整改). */
  rectificationDays: number;
  /** Hours after an assignment in which the assignee may dispute it (派单异议). */
  disputeHours: number;
}

export const defaultDeadlinePolicy: DeadlinePolicy = {
  acceptanceDays: 1,
  // Thanks need an acknowledgement too; they take the suggestions' time.
  handlingDays: { thanks: 7, suggestion: 7, help: 7, complaint: 7, consultation: 5 },
  maxHandlingDays: 15,
  warnShare: 0.8,
  ratingWindowDays: 7,
  rectificationDays: 15,
  disputeHours: 24,
};

const dayMs = 24 * 3_600_000;

/** Working time between two instants, in ms: only the parts that fall on working days count. */
export function workingMsBetween(calendar: WorkingDays, from: Date, to: Date): number {
  let total = 0;
  for (let day = provinceDate(from); provinceDayStart(day).getTime() < to.getTime(); day = addDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const start = Math.max(provinceDayStart(day).getTime(), from.getTime());
    const end = Math.min(provinceDayStart(day).getTime() + dayMs, to.getTime());
    if (end > start) total += end - start;
  }
  return total;
}

/** The instant `ms` of working time after `from`. */
export function addWorkingMs(calendar: WorkingDays, from: Date, ms: number): Date {
  let left = ms;
  for (let day = provinceDate(from); ; day = addDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const start = Math.max(provinceDayStart(day).getTime(), from.getTime());
    const available = provinceDayStart(day).getTime() + dayMs - start;
    if (left <= available) return new Date(start + left);
    left -= available;
  }
}

/**
 * A deadline of `days` working days from `start`, with its warning at `share` of the working
 * time (none without a share). Refused (CALENDAR_YEAR_NOT_COVERED, naming the year) when it
 * would reach a year the calendar lacks: a deadline is never guessed.
 */
export function deadlineOf(calendar: WorkingDays, stage: DeadlineStage, start: Date, days: number, share?: number): Deadline {
  const dueOn = calendar.addWorkingDays(provinceDate(start), days);
  const dueAt = provinceDayStart(addDays(dueOn, 1));
  const warnAt =
    share === undefined ? '' : addWorkingMs(calendar, start, Math.floor(workingMsBetween(calendar, start, dueAt) * share)).toISOString();
  return {
    stage,
    startedAt: start.toISOString(),
    days,
    dueOn,
    dueAt: dueAt.toISOString(),
    warnAt,
    warnedAt: '',
    overdueAt: '',
    uncoveredYear: '',
  };
}

/**
 * For what the public does (writing, rating) and what a reply starts: the deadline, or, when
 * the calendar lacks its year, a pending one that names the year and is computed once the
 * calendar covers it. The writer is never turned away for a gap in the calendar, and no date
 * is guessed meanwhile.
 */
export function deadlineOrPending(calendar: WorkingDays, stage: DeadlineStage, start: Date, days: number, share?: number): Deadline {
  try {
    return deadlineOf(calendar, stage, start, days, share);
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'CALENDAR_YEAR_NOT_COVERED')) throw err;
    return {
      stage,
      startedAt: start.toISOString(),
      days,
      dueOn: '',
      dueAt: '',
      warnAt: '',
      warnedAt: '',
      overdueAt: '',
      uncoveredYear: err.details.year ?? '',
    };
  }
}

/** A pending deadline computed again (still pending while the calendar lacks the year). */
export function retryPending(calendar: WorkingDays, deadline: Deadline, share?: number): Deadline {
  if (deadline.dueOn) return deadline;
  return {
    ...deadlineOrPending(calendar, deadline.stage, new Date(deadline.startedAt), deadline.days, share),
    warnedAt: deadline.warnedAt,
    overdueAt: deadline.overdueAt,
  };
}

/** Whether an answer at `at` met the deadline. */
export function metDeadline(deadline: Pick<Deadline, 'dueAt'>, at: string): boolean {
  return deadline.dueAt !== '' && at < deadline.dueAt;
}

/** Reads FEEDBACK_HANDLING_DAYS-style overrides: `consultation=5,complaint=7`. */
export function parseHandlingDays(text: string, base: Record<MessageType, number>): Record<MessageType, number> {
  const days = { ...base };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [type, value] = part.split('=').map((p) => p.trim());
    if (!type || !(type in days)) throw new Error(`unknown message type "${type}" (expected ${Object.keys(days).join(', ')})`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${type}: working days must be a whole number of at least 1`);
    days[type as MessageType] = n;
  }
  return days;
}

/** Checks a policy as a whole: no type's deadline beyond the maximum, a share between 0 and 1. */
export function checkPolicy(policy: DeadlinePolicy): DeadlinePolicy {
  const over = Object.entries(policy.handlingDays).filter(([, days]) => days > policy.maxHandlingDays);
  if (over.length)
    throw new Error(`handling days ${over.map(([t, d]) => `${t}=${d}`).join(', ')} exceed the maximum of ${policy.maxHandlingDays}`);
  if (!(policy.warnShare > 0 && policy.warnShare <= 1))
    throw new Error(`the warning share must be above 0 and at most 1, not ${policy.warnShare}`);
  return policy;
}

/** How many working days an extension may add to a message of `type` (延期, once). */
export function maxExtensionDays(policy: DeadlinePolicy, type: MessageType): number {
  return policy.maxHandlingDays - policy.handlingDays[type];
}

export function assertExtensionDays(policy: DeadlinePolicy, type: MessageType, days: number): void {
  const max = maxExtensionDays(policy, type);
  if (!Number.isInteger(days) || days < 1 || days > max) {
    throw validationFailed([
      {
        field: 'days',
        problem:
          max < 1
            ? `no extension is possible: ${type} already has the maximum of ${policy.maxHandlingDays} working days`
            : `must be between 1 and ${max} working days (${policy.maxHandlingDays} in all, extension included)`,
      },
    ]);
  }
}
