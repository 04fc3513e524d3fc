/**
 * Working days 工作日 of the mainland, read from a data file (dict/working-days.txt) that declares
 * the years it covers. A year's holidays and its weekend working days (调休) are only known once
 * the State Council publishes its notice, so a date in a year the file does not declare is
 * refused with an error naming the year: counting it as plain weekdays would quietly move
 * deadlines (calendars that stop at their last year and fall back to weekends do exactly that).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failedPrecondition } from '@repo/errors';
import { addDays, isCalendarDate } from './dates';

export const workingDaysFileName = 'working-days.txt';

/** How a date counts: a working or rest day of the week, a holiday, or a weekend day worked (调休). */
export type DayKind = 'workday' | 'restday' | 'holiday' | 'adjustedWorkday';

export interface DayFacts {
  date: string;
  kind: DayKind;
  working: boolean;
  /** The holiday, or the holiday a weekend working day makes up for. */
  name?: string;
}

/** The dict/ folder of this package, from src/ (ts-jest) and dist/ alike. */
export function defaultWorkingDaysFile(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dict', workingDaysFileName);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) {
      throw new Error(`No dict/${workingDaysFileName} found between ${startDir} and ${dir}`);
    }
  }
}

const dayOfWeek = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string) => [0, 6].includes(dayOfWeek(date));
const yearOf = (date: string) => Number(date.slice(0, 4));

export class WorkingDays {
  private readonly memo = new Map<string, DayFacts>();

  private constructor(
    private readonly years: ReadonlySet<number>,
    private readonly off: ReadonlyMap<string, string>,
    private readonly on: ReadonlyMap<string, string>,
    /** File name for messages (never a full path: errors may reach the public). */
    readonly source: string,
  ) {}

  /** Reads the file; a malformed one throws naming the line. */
  static load(path: string = defaultWorkingDaysFile()): WorkingDays {
    return WorkingDays.parse(readFileSync(path, 'utf8'), basename(path));
  }

  static parse(text: string, source: string): WorkingDays {
    const years = new Set<number>();
    const off = new Map<string, string>();
    const on = new Map<string, string>();
    const lines = text.split(/\r?\n/).map((line, index) => ({ content: line.replace(/#.*/, '').trim(), number: index + 1 }));
    const fail = (number: number, problem: string) => {
      throw new Error(`${source}:${number}: ${problem}`);
    };
    // Years first, so a holiday may be listed before the year that holds it is declared.
    for (const { content, number } of lines) {
      const [keyword, value] = content.split(/\s+/);
      if (keyword !== 'year') continue;
      if (!/^\d{4}$/.test(value ?? '')) fail(number, `expected "year YYYY <source>", got "${content}"`);
      if (years.has(Number(value))) fail(number, `year ${value} is declared twice`);
      years.add(Number(value));
    }
    const claim = (date: string, number: number) => {
      if (!years.has(yearOf(date))) fail(number, `${date} lies in ${yearOf(date)}, which no "year" line declares`);
      if (off.has(date) || on.has(date)) fail(number, `${date} is listed twice`);
    };
    for (const { content, number } of lines) {
      if (content === '') continue;
      const [keyword = '', dates = '', ...rest] = content.split(/\s+/);
      const name = rest.join(' ');
      if (keyword === 'year') continue;
      if (keyword !== 'off' && keyword !== 'on') fail(number, `expected year, off or on, got "${keyword}"`);
      if (name === '') fail(number, `"${keyword} ${dates}" needs a name`);
      const [first = '', last = first, extra] = dates.split('..');
      if (extra !== undefined || !isCalendarDate(first) || !isCalendarDate(last) || last < first) {
        fail(number, `expected a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD, got "${dates}"`);
      }
      if (keyword === 'on') {
        if (last !== first) fail(number, 'a weekend working day (on) is one date, not a range');
        if (!isWeekend(first)) fail(number, `${first} is not a Saturday or Sunday, so it is a working day already`);
        claim(first, number);
        on.set(first, name);
        continue;
      }
      for (let date = first; date <= last; date = addDays(date, 1)) {
        claim(date, number);
        off.set(date, name);
      }
    }
    if (years.size === 0) throw new Error(`${source}: declares no year`);
    return new WorkingDays(years, off, on, source);
  }

  /** The years the file declares, in order. */
  get coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  covers(date: string): boolean {
    return this.years.has(yearOf(date));
  }

  /** How `date` counts; refused (CALENDAR_YEAR_NOT_COVERED, naming the year) outside the covered years. */
  day(date: string): DayFacts {
    const known = this.memo.get(date);
    if (known) return known;
    if (!isCalendarDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
    if (!this.covers(date)) {
      const year = String(yearOf(date));
      const covered = this.coveredYears.join(', ');
      throw failedPrecondition(
        'CALENDAR_YEAR_NOT_COVERED',
        `the working-day calendar has no data for ${year} (it covers ${covered}); add the State Council's holiday notice for ${year} to ${this.source}`,
        { year, coveredYears: covered },
      );
    }
    const holiday = this.off.get(date);
    const worked = this.on.get(date);
    const facts: DayFacts = holiday
      ? { date, kind: 'holiday', working: false, name: holiday }
      : worked
        ? { date, kind: 'adjustedWorkday', working: true, name: worked }
        : { date, kind: isWeekend(date) ? 'restday' : 'workday', working: !isWeekend(date) };
    this.memo.set(date, facts);
    return facts;
  }

  isWorkingDay(date: string): boolean {
    return this.day(date).working;
  }

  /** The `days`-th working day after `date` (`date` itself for 0): a deadline of `days` working days. */
  addWorkingDays(date: string, days: number): string {
    if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number >= 0, not ${days}`);
    let current = date;
    for (let left = days; left > 0; ) {
      current = addDays(current, 1);
      if (this.isWorkingDay(current)) left -= 1;
    }
    return current;
  }

  /** Working days after `from`, up to and including `to`; 0 when `to` is not after `from`. */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) if (this.isWorkingDay(date)) count += 1;
    return count;
  }
}
