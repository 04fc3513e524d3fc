import { DomainError } from '@repo/errors';
import { provinceDayStart, WorkingDays } from '../src';

const calendar = WorkingDays.load();

describe('the working-day calendar of the data file', () => {
  test('declares the years it covers', () => {
    expect(calendar.coveredYears).toEqual([2025, 2026]);
    expect(calendar.covers('2026-12-31')).toBe(true);
    expect(calendar.covers('2027-01-01')).toBe(false);
  });

  test('2026 国庆: 1 to 7 October off, Sunday 20 September and Saturday 10 October worked (调休)', () => {
    for (const date of ['2026-10-01', '2026-10-03', '2026-10-07'])
      expect(calendar.day(date)).toMatchObject({ kind: 'holiday', working: false, name: '国庆节' });
    expect(calendar.day('2026-09-20')).toEqual({ date: '2026-09-20', kind: 'adjustedWorkday', working: true, name: '国庆节调休' });
    expect(calendar.day('2026-10-10')).toMatchObject({ kind: 'adjustedWorkday', working: true });
    expect(calendar.day('2026-10-08')).toEqual({ date: '2026-10-08', kind: 'workday', working: true });
    expect(calendar.day('2026-10-11')).toEqual({ date: '2026-10-11', kind: 'restday', working: false });
    // 中秋 2026 is its own three days, just before.
    expect(calendar.day('2026-09-25')).toMatchObject({ kind: 'holiday', name: '中秋节' });
  });

  test('deadlines in working days step over the holiday and onto the weekend working days', () => {
    // Friday 18 September: the next working day is Sunday the 20th.
    expect(calendar.addWorkingDays('2026-09-18', 1)).toBe('2026-09-20');
    // Wednesday 30 September: the next one is Thursday 8 October, after the week off.
    expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    // Friday 9 October: Saturday the 10th is worked.
    expect(calendar.addWorkingDays('2026-10-09', 1)).toBe('2026-10-10');
    // Thursday 24 September, 7 working days: 28, 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct.
    expect(calendar.addWorkingDays('2026-09-24', 7)).toBe('2026-10-12');
    expect(calendar.addWorkingDays('2026-09-24', 15)).toBe('2026-10-22');
    expect(calendar.addWorkingDays('2026-09-24', 0)).toBe('2026-09-24');
    expect(calendar.workingDaysBetween('2026-09-24', '2026-10-12')).toBe(7);
    expect(calendar.workingDaysBetween('2026-10-01', '2026-10-07')).toBe(0);
    expect(calendar.workingDaysBetween('2026-10-12', '2026-10-12')).toBe(0);
  });

  test('the 2026 Spring Festival and its two Saturdays worked', () => {
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(calendar.day('2026-02-28')).toMatchObject({ kind: 'adjustedWorkday' });
  });

  test('a deadline reaching a year the file does not declare is refused naming the year, never guessed', () => {
    // Thursday 24 December 2026 + 7: 25, 28, 29, 30, 31 December, then 2027.
    let thrown: unknown;
    try {
      calendar.addWorkingDays('2026-12-24', 7);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      kind: 'failedPrecondition',
      code: 'CALENDAR_YEAR_NOT_COVERED',
      details: { year: '2027', coveredYears: '2025, 2026' },
    });
    expect((thrown as Error).message).toContain('2027');
    expect(calendar.addWorkingDays('2026-12-24', 5)).toBe('2026-12-31');
    expect(() => calendar.isWorkingDay('2024-06-03')).toThrow(/no data for 2024/);
  });

  test('province days begin at midnight UTC+8', () => {
    expect(provinceDayStart('2026-10-08').toISOString()).toBe('2026-10-07T16:00:00.000Z');
  });
});

describe('the file format', () => {
  const parse = (text: string) => () => WorkingDays.parse(text, 'test.txt');

  test('a weekday outside every list is worked, a weekend day rests, in a declared year', () => {
    const days = WorkingDays.parse('year 2030 test\n', 'test.txt');
    expect(days.isWorkingDay('2030-01-07')).toBe(true);
    expect(days.isWorkingDay('2030-01-05')).toBe(false);
    expect(() => days.isWorkingDay('2031-01-06')).toThrow(/2031/);
  });

  test('mistakes are refused naming the line', () => {
    expect(parse('# nothing\n')).toThrow('test.txt: declares no year');
    expect(parse('year 2030 a\nyear 2030 b\n')).toThrow('test.txt:2: year 2030 is declared twice');
    expect(parse('year 2030 a\noff 2031-01-01 元旦\n')).toThrow('test.txt:2: 2031-01-01 lies in 2031, which no "year" line declares');
    expect(parse('year 2030 a\non 2030-01-07 调休\n')).toThrow('test.txt:2: 2030-01-07 is not a Saturday or Sunday');
    expect(parse('year 2030 a\noff 2030-01-01..2030-01-03 元旦\non 2030-01-05..2030-01-06 调休\n')).toThrow(
      'test.txt:3: a weekend working day (on) is one date',
    );
    expect(parse('year 2030 a\noff 2030-01-01..2030-01-02 元旦\noff 2030-01-02 又一个\n')).toThrow(
      'test.txt:3: 2030-01-02 is listed twice',
    );
    expect(parse('year 2030 a\noff 2030-02-30 错\n')).toThrow('test.txt:2: expected a date');
    expect(parse('year 2030 a\noff 2030-01-01\n')).toThrow('test.txt:2: "off 2030-01-01" needs a name');
    expect(parse('year 2030 a\nholiday 2030-01-01 元旦\n')).toThrow('test.txt:2: expected year, off or on');
  });
});
