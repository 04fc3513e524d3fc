/**
 * How a unit earns class hours: a conversion table that is data with an effective date, because
 * provinces differ and change their practice. The table in force on the day hours are earned
 * decides them; hours already credited keep what they earned.
 */
import { isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { isQuarterHours } from './hours';
import type { DayPart } from './vocabulary';

export interface OnlineBand {
  /** The unit's length reaches at least this many minutes. */
  minMinutes: number;
  quarterHours: number;
}

export interface ConversionTable {
  version: string;
  /** Applies to hours earned on or after this day (YYYY-MM-DD). */
  effectiveFrom: string;
  /** Longest first; the last band starts at 0 minutes, so every length earns something. */
  onlineBands: OnlineBand[];
  unitTestBonus: number;
  offlineFullDay: number;
  offlineHalfDay: number;
  basis: string;
  createdBy: string;
}

/**
 * The practice of provincial cadre academies (e.g. 云南干部在线学习学院): an online course of at
 * least 30 minutes earns 1 学时, 15-30 minutes 0.5, under 15 minutes 0.25, passing its test 0.5
 * more; offline training 8 学时 a full day and 4 a half day. In force since before the platform.
 */
export const defaultConversionTable: ConversionTable = {
  version: 'default',
  effectiveFrom: '2000-01-01',
  onlineBands: [
    { minMinutes: 30, quarterHours: 4 },
    { minMinutes: 15, quarterHours: 2 },
    { minMinutes: 0, quarterHours: 1 },
  ],
  unitTestBonus: 2,
  offlineFullDay: 32,
  offlineHalfDay: 16,
  basis:
    '省级干部网络学院通行折算（如云南）：网络课程≥30分钟计1学时，15–30分钟0.5学时，<15分钟0.25学时，测试合格另加0.5学时；集中培训全天8学时、半天4学时',
  createdBy: 'system',
};

export const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** Refuses a table that is incomplete, ambiguous or takes effect before `today`. */
export function validateConversionTable(table: ConversionTable, existing: readonly ConversionTable[], today: string): ConversionTable {
  const violations: FieldViolation[] = [];
  if (!versionPattern.test(table.version))
    violations.push({ field: 'version', problem: 'must be 1-40 letters, digits, dots, dashes or underscores' });
  if (!isCalendarDate(table.effectiveFrom)) violations.push({ field: 'effectiveFrom', problem: 'must be a calendar date YYYY-MM-DD' });
  if (table.onlineBands.length === 0) violations.push({ field: 'onlineBands', problem: 'needs at least one band' });
  table.onlineBands.forEach((band, i) => {
    if (!Number.isInteger(band.minMinutes) || band.minMinutes < 0)
      violations.push({ field: `onlineBands[${i}].minMinutes`, problem: 'must be a whole number of minutes, at least 0' });
    if (!isQuarterHours(band.quarterHours))
      violations.push({ field: `onlineBands[${i}].quarterHours`, problem: 'must be whole quarter-hours, at least 0' });
    const previous = table.onlineBands[i - 1];
    if (previous && band.minMinutes >= previous.minMinutes)
      violations.push({ field: `onlineBands[${i}].minMinutes`, problem: 'bands go from the longest to the shortest' });
  });
  const last = table.onlineBands[table.onlineBands.length - 1];
  if (last && last.minMinutes !== 0)
    violations.push({
      field: `onlineBands[${table.onlineBands.length - 1}].minMinutes`,
      problem: 'the last band must start at 0 minutes, so every unit earns by some band',
    });
  for (const field of ['unitTestBonus', 'offlineFullDay', 'offlineHalfDay'] as const) {
    if (!isQuarterHours(table[field])) violations.push({ field, problem: 'must be whole quarter-hours, at least 0' });
  }
  if (table.basis.trim() === '') violations.push({ field: 'basis', problem: 'is required: say where the numbers come from' });
  if (violations.length) throw validationFailed(violations);
  if (existing.some((t) => t.version === table.version)) {
    throw failedPrecondition('LEARNING_RULES_VERSION_TAKEN', `a conversion table ${table.version} exists already`, {
      version: table.version,
    });
  }
  if (existing.some((t) => t.effectiveFrom === table.effectiveFrom)) {
    throw failedPrecondition('LEARNING_RULES_DATE_TAKEN', `a conversion table takes effect on ${table.effectiveFrom} already`, {
      effectiveFrom: table.effectiveFrom,
    });
  }
  if (table.effectiveFrom < today) {
    // Hours earned before today were credited by the table then in force; a table reaching back
    // would give a late-recorded attendance of those days different hours than its classmates got.
    throw failedPrecondition('LEARNING_RULES_RETROACTIVE', `a conversion table takes effect today or later, not ${table.effectiveFrom}`, {
      effectiveFrom: table.effectiveFrom,
      today,
    });
  }
  return { ...table, basis: table.basis.trim() };
}

/** The table in force on `date`: the latest whose effective date is not after it. */
export function tableInForce(tables: readonly ConversionTable[], date: string): ConversionTable {
  let found: ConversionTable | undefined;
  for (const table of tables) {
    if (table.effectiveFrom <= date && (!found || table.effectiveFrom > found.effectiveFrom)) found = table;
  }
  return found ?? defaultConversionTable;
}

/** Hours of an online unit of `minutes`, with the bonus when its unit test was passed. */
export function onlineUnitHours(table: ConversionTable, minutes: number, testPassed: boolean): number {
  const band = table.onlineBands.find((b) => minutes >= b.minMinutes);
  return (band?.quarterHours ?? 0) + (testPassed ? table.unitTestBonus : 0);
}

export function offlineDayHours(table: ConversionTable, part: DayPart): number {
  return part === 'fullDay' ? table.offlineFullDay : table.offlineHalfDay;
}
