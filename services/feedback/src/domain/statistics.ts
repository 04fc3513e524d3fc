/**
 * Statistics 统计: what each message counts for, how counts add up, and the figures reported.
 *
 * A message counts in the period of its submission date, for the organisation handling it (its
 * assignee, or its recipient before any assignment) and for the leader post it was written to.
 * Counts add up across days, organisations and posts; handling time is kept as a histogram of
 * whole working days, so its percentiles stay exact however the counts are combined.
 *
 * - received = written − returned − merged: what had to be answered (a merged message is one
 *   thread with the message it joined; a returned one was answered with the reason);
 * - reply rate = replied ÷ received (回复率);
 * - on-time rate = replied by the deadline ÷ (replied + unreplied past a deadline) (按时办结率):
 *   messages still within their deadline are not decided yet;
 * - handling time = working days from submission to the reply, p50 and p90 by nearest rank;
 * - satisfaction = ratings at 基本满意 or better ÷ ratings (满意率); mean stars per axis;
 * - revisit rate = unsatisfied ratings revisited ÷ unsatisfied ratings (回访率).
 */
import { isOverdue, type FeedbackMessage, type Satisfaction } from './message';

export interface Tally {
  submitted: number;
  received: number;
  returned: number;
  merged: number;
  replied: number;
  repliedOnTime: number;
  overdue: number;
  ratings: number;
  satisfied: number;
  attitudeStars: number;
  speedStars: number;
  unsatisfied: number;
  revisited: number;
  /** Working days from submission to reply → replies. */
  handlingDays: Record<string, number>;
}

export const tallyCounts = [
  'submitted',
  'received',
  'returned',
  'merged',
  'replied',
  'repliedOnTime',
  'overdue',
  'ratings',
  'satisfied',
  'attitudeStars',
  'speedStars',
  'unsatisfied',
  'revisited',
] as const satisfies readonly Exclude<keyof Tally, 'handlingDays'>[];

export function emptyTally(): Tally {
  return { ...(Object.fromEntries(tallyCounts.map((k) => [k, 0])) as Omit<Tally, 'handlingDays'>), handlingDays: {} };
}

const satisfiedLevels: readonly Satisfaction[] = ['verySatisfied', 'satisfied', 'basicallySatisfied'];
const unsatisfiedLevels: readonly Satisfaction[] = ['dissatisfied', 'veryDissatisfied'];

export function isUnsatisfied(overall: Satisfaction): boolean {
  return unsatisfiedLevels.includes(overall);
}

export type CountedMessage = Pick<FeedbackMessage, 'status' | 'reply' | 'rating' | 'rectification' | 'acceptance' | 'handling'>;

/** What one message counts for. */
export function tallyOf(message: CountedMessage): Tally {
  const tally = emptyTally();
  tally.submitted = 1;
  if (message.status === 'returned') tally.returned = 1;
  else if (message.status === 'merged') tally.merged = 1;
  else {
    tally.received = 1;
    if (message.reply) {
      tally.replied = 1;
      if (message.reply.onTime) tally.repliedOnTime = 1;
      tally.handlingDays[String(message.reply.workingDays)] = 1;
    } else if (isOverdue(message)) tally.overdue = 1;
    if (message.rating) {
      tally.ratings = 1;
      tally.attitudeStars = message.rating.attitude;
      tally.speedStars = message.rating.speed;
      if (satisfiedLevels.includes(message.rating.overall)) tally.satisfied = 1;
      if (isUnsatisfied(message.rating.overall)) {
        tally.unsatisfied = 1;
        if (message.rectification?.revisit) tally.revisited = 1;
      }
    }
  }
  return tally;
}

/** Adds `more` into `into` and answers it. */
export function addTally(into: Tally, more: Tally): Tally {
  for (const key of tallyCounts) into[key] += more[key];
  for (const [days, count] of Object.entries(more.handlingDays)) into.handlingDays[days] = (into.handlingDays[days] ?? 0) + count;
  return into;
}

export function sumTallies(tallies: Iterable<Tally>): Tally {
  const total = emptyTally();
  for (const tally of tallies) addTally(total, tally);
  return total;
}

/** Nearest-rank percentile of a histogram of whole numbers: the smallest value with at least p % at or below it. */
export function percentile(histogram: Record<string, number>, p: number): number {
  const entries = Object.entries(histogram)
    .map(([value, count]) => [Number(value), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return 0;
  const rank = Math.ceil((p / 100) * n);
  let seen = 0;
  for (const [value, count] of entries) {
    seen += count;
    if (seen >= rank) return value;
  }
  return entries[entries.length - 1]![0];
}

export interface Figures extends Omit<Tally, 'handlingDays' | 'attitudeStars' | 'speedStars'> {
  replyRate: number;
  onTimeRate: number;
  handlingDaysP50: number;
  handlingDaysP90: number;
  satisfaction: number;
  /** Mean stars per axis. */
  attitudeStars: number;
  speedStars: number;
  revisitRate: number;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export function figuresOf(tally: Tally): Figures {
  const { handlingDays, attitudeStars, speedStars, ...counts } = tally;
  return {
    ...counts,
    replyRate: ratio(tally.replied, tally.received),
    onTimeRate: ratio(tally.repliedOnTime, tally.replied + tally.overdue),
    handlingDaysP50: percentile(handlingDays, 50),
    handlingDaysP90: percentile(handlingDays, 90),
    satisfaction: ratio(tally.satisfied, tally.ratings),
    attitudeStars: ratio(attitudeStars, tally.ratings),
    speedStars: ratio(speedStars, tally.ratings),
    revisitRate: ratio(tally.revisited, tally.unsatisfied),
  };
}
