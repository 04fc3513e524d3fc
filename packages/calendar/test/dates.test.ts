import { addDays, addMonths, addYears, ageOn, isCalendarDate, isYearMonth, lastDayOfMonth, monthOf, shiftMonth } from '../src';

describe('calendar dates', () => {
  test('only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-2-1')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-01-01T00:00:00Z')).toBe(false);
    expect(isCalendarDate(20240101)).toBe(false);
  });

  test('months written YYYY-MM', () => {
    expect(isYearMonth('2026-12')).toBe(true);
    expect(isYearMonth('2026-13')).toBe(false);
    expect(isYearMonth('2026-1')).toBe(false);
    expect(isYearMonth('2026-01-01')).toBe(false);
  });

  test('adding months keeps the day, or takes the month end when the day does not exist', () => {
    expect(addMonths('2026-03-15', 1)).toBe('2026-04-15');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });

  test('adding days crosses months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  test('age in completed years turns on the birthday, not the day before', () => {
    expect(ageOn('2008-06-15', '2026-06-14')).toBe(17);
    expect(ageOn('2008-06-15', '2026-06-15')).toBe(18);
    expect(ageOn('2008-12-31', '2027-01-01')).toBe(18);
    expect(ageOn('2008-12-31', '2026-12-30')).toBe(17);
  });

  test('born on 29 February: a year completes on 28 February of a common year', () => {
    expect(ageOn('2008-02-29', '2026-02-27')).toBe(17);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-28')).toBe(19);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });

  test('month helpers', () => {
    expect(monthOf('2026-07-31')).toBe('2026-07');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-05', 14)).toBe('2027-07');
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2026-04')).toBe('2026-04-30');
  });

  test('malformed dates are a programming error', () => {
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError);
    expect(() => shiftMonth('2026-00', 1)).toThrow(RangeError);
  });
});
