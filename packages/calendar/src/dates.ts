/**
 * Calendar dates ('YYYY-MM-DD') and months ('YYYY-MM') for the rules of every service.
 * Both are plain strings: they compare correctly as text, carry no time zone, and the caller
 * decides what "today" is (the organisation's local date), so the rules stay deterministic.
 */

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const monthPattern = /^(\d{4})-(\d{2})$/;

interface YearMonthDay {
  year: number;
  month: number;
  day: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function format({ year, month, day }: YearMonthDay): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseDate(value: string): YearMonthDay | undefined {
  const m = datePattern.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function mustParseDate(value: string): YearMonthDay {
  const parsed = parseDate(value);
  // Callers validate input first; reaching this is a programming error, not a user error.
  if (!parsed) throw new RangeError(`not a calendar date YYYY-MM-DD: ${value}`);
  return parsed;
}

function mustParseMonth(value: string): { year: number; month: number } {
  const m = monthPattern.exec(value);
  const [year, month] = [Number(m?.[1]), Number(m?.[2])];
  if (!m || year < 1 || month < 1 || month > 12) throw new RangeError(`not a month YYYY-MM: ${value}`);
  return { year, month };
}

/** True for a real calendar date written YYYY-MM-DD (2023-02-29 is not). */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && parseDate(value) !== undefined;
}

/** True for a month written YYYY-MM. */
export function isYearMonth(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = monthPattern.exec(value);
  return m !== null && Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/**
 * Adds whole months. When the target month has no such day, the period ends on that month's last
 * day (民法典 第二百零二条: "没有对应日的，月末日为期间的最后一日"), so 2024-01-31 + 1 month is
 * 2024-02-29 and 2024-02-29 + 12 months is 2025-02-28.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = mustParseDate(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

export function addDays(date: string, days: number): string {
  const { year, month, day } = mustParseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return format({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/**
 * Completed years of age (周岁) on `date`. Uses the same anniversary rule as addYears, so a
 * person born on 29 February completes a year on 28 February of a common year.
 */
export function ageOn(birthDate: string, date: string): number {
  const birth = mustParseDate(birthDate);
  const on = mustParseDate(date);
  let age = on.year - birth.year;
  if (age > 0 && addYears(birthDate, age) > date) age -= 1;
  return Math.max(age, 0);
}

/** The month ('YYYY-MM') a date falls in. */
export function monthOf(date: string): string {
  mustParseDate(date);
  return date.slice(0, 7);
}

/** The month `months` after (or before, when negative) a month. */
export function shiftMonth(month: string, months: number): string {
  const { year, month: m } = mustParseMonth(month);
  const index = year * 12 + (m - 1) + months;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`;
}

export function firstDayOfMonth(month: string): string {
  mustParseMonth(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: string): string {
  const { year, month: m } = mustParseMonth(month);
  return `${month}-${pad(daysInMonth(year, m), 2)}`;
}

/** The province's calendar: China Standard Time, UTC+8 all year (no daylight saving). */
const provinceOffsetMs = 8 * 3_600_000;

/** The calendar date in the province at an instant (what "today" means for every rule). */
export function provinceDate(at: Date): string {
  return new Date(at.getTime() + provinceOffsetMs).toISOString().slice(0, 10);
}

/** The month (YYYY-MM) in the province at an instant. */
export function provinceMonth(at: Date): string {
  return provinceDate(at).slice(0, 7);
}

const quarterPattern = /^(\d{4})-Q([1-4])$/;

/** The quarter a date falls in, e.g. '2026-Q3'. */
export function quarterOf(date: string): string {
  const month = Number(monthOf(date).slice(5, 7));
  return `${date.slice(0, 4)}-Q${Math.ceil(month / 3)}`;
}

export function isQuarter(value: unknown): value is string {
  return typeof value === 'string' && quarterPattern.test(value);
}

/** The three months of a quarter, e.g. 2026-Q3 -> 2026-07, 2026-08, 2026-09. */
export function monthsOfQuarter(quarter: string): [string, string, string] {
  const m = quarterPattern.exec(quarter);
  if (!m) throw new RangeError(`not a quarter YYYY-Qn: ${quarter}`);
  const first = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}`;
  return [first, shiftMonth(first, 1), shiftMonth(first, 2)];
}

/** The instant a province date begins (00:00 in UTC+8). */
export function provinceDayStart(date: string): Date {
  mustParseDate(date);
  return new Date(Date.parse(`${date}T00:00:00Z`) - provinceOffsetMs);
}
