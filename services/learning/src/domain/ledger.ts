/**
 * The class-hour ledger: per person and year, the entries that earned hours, each under a key
 * unique to what earned it, so crediting the same thing twice adds nothing.
 */
import { addDays } from '@repo/calendar';
import { apportion } from './hours';
import type { RuleStanding, YearTotals } from './requirements';
import type { HoursKind } from './vocabulary';

export interface LedgerEntry {
  /** unit:<unitId>, day:<unitId>:<date> or training:<trainingId>:<year>. */
  key: string;
  kind: HoursKind;
  quarterHours: number;
  /** The day it was earned (a training's first day in that year). */
  date: string;
  title: string;
  courseId: string;
  unitId: string;
  trainingId: string;
  /** The 集中培训 session an offline entry belongs to (a unit or a training); '' online. */
  sessionKey: string;
}

export const entryKeys = {
  unit: (unitId: string) => `unit:${unitId}`,
  day: (unitId: string, date: string) => `day:${unitId}:${date}`,
  training: (trainingId: string, year: number) => `training:${trainingId}:${year}`,
  session: (id: string) => `session:${id}`,
};

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

export function totalsOf(entries: readonly Pick<LedgerEntry, 'kind' | 'quarterHours' | 'sessionKey'>[]): YearTotals {
  const totals = { online: 0, offline: 0, offlineSessions: 0 };
  const sessions = new Set<string>();
  for (const entry of entries) {
    totals[entry.kind] += entry.quarterHours;
    if (entry.kind === 'offline' && entry.sessionKey) sessions.add(entry.sessionKey);
  }
  totals.offlineSessions = sessions.size;
  return totals;
}

export const emptyTotals: YearTotals = { online: 0, offline: 0, offlineSessions: 0 };

/** Days from `start` to `end`, both included, counted per calendar year. */
function daysPerYear(start: string, end: string): { year: number; firstDay: string; days: number }[] {
  const years: { year: number; firstDay: string; days: number }[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) {
    const year = yearOf(day);
    const last = years[years.length - 1];
    if (last?.year === year) last.days += 1;
    else years.push({ year, firstDay: day, days: 1 });
  }
  return years;
}

/**
 * A training's hours by year: a training crossing a year is split by its days in each year, in
 * whole quarter-hours that add up to its hours.
 */
export function splitByYear(
  startDate: string,
  endDate: string,
  quarterHours: number,
): { year: number; date: string; quarterHours: number }[] {
  const years = daysPerYear(startDate, endDate);
  const shares = apportion(
    quarterHours,
    years.map((y) => y.days),
  );
  return years.map((y, i) => ({ year: y.year, date: y.firstDay, quarterHours: shares[i]! })).filter((s) => s.quarterHours > 0);
}

/** A ledger's standing against the requirement set of its year. */
export interface Standing {
  rules: RuleStanding[];
  onTrack: boolean;
  met: boolean;
  assessedQuarters: number;
  requirementSet: string;
}

export interface Ledger extends Standing {
  memberId: string;
  year: number;
  orgPath: string;
  entries: LedgerEntry[];
  totals: YearTotals;
  /** Quarters already announced as behind (learning.hours.behind), e.g. 2026-Q2. */
  behindQuarters: string[];
  revision: number;
}

/** What the ledgers placed at one node add up to in a year. */
export interface RuleCount {
  code: string;
  title: string;
  applicable: number;
  onTrack: number;
  met: number;
}

export interface BehindLearner {
  memberId: string;
  orgPath: string;
  totalQuarterHours: number;
  behindRules: string[];
}

export interface NodeSummary {
  orgPath: string;
  year: number;
  learners: number;
  onTrack: number;
  met: number;
  rules: RuleCount[];
  behind: BehindLearner[];
}
