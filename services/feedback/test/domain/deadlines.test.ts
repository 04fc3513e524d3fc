import {
  assertExtensionDays,
  checkPolicy,
  deadlineOf,
  deadlineOrPending,
  defaultDeadlinePolicy,
  parseHandlingDays,
  retryPending,
  workingMsBetween,
} from '../../src/domain/deadlines';
import { domainErrorOf } from '@repo/errors/testing';
import { at, calendar } from './fixtures';

const hours = (n: number) => n * 3_600_000;

describe('deadlines in working days, on the real 2026 calendar', () => {
  test('签收 1 working day from the day before 国庆 falls after the week off, with the warning at 80 % of the working time', () => {
    const deadline = deadlineOf(calendar, 'acceptance', at('2026-09-30 10:00'), 1, 0.8);
    expect(deadline.dueOn).toBe('2026-10-08');
    expect(deadline.dueAt).toBe(at('2026-10-09 00:00').toISOString());
    // 14 h left on 30 September and the 24 h of 8 October: 80 % of 38 h is 30.4 h.
    expect(workingMsBetween(calendar, at('2026-09-30 10:00'), at('2026-10-09 00:00'))).toBe(hours(38));
    expect(deadline.warnAt).toBe(at('2026-10-08 16:24').toISOString());
  });

  test('a complaint accepted on 8 October runs 7 working days, Saturday 10 October (调休) included', () => {
    const deadline = deadlineOf(calendar, 'handling', at('2026-10-08 09:00'), defaultDeadlinePolicy.handlingDays.complaint, 0.8);
    expect(deadline).toMatchObject({ stage: 'handling', dueOn: '2026-10-16', days: 7, startedAt: at('2026-10-08 09:00').toISOString() });
    // 15 h of 8 October and 7 full days: 183 h, of which 80 % is 146.4 h.
    expect(deadline.warnAt).toBe(at('2026-10-15 11:24').toISOString());
    expect(deadlineOf(calendar, 'handling', at('2026-10-08 09:00'), defaultDeadlinePolicy.handlingDays.consultation).dueOn).toBe(
      '2026-10-14',
    );
  });

  test('written on a rest day, the clock starts with the next working day: Sunday 20 September is worked', () => {
    const deadline = deadlineOf(calendar, 'acceptance', at('2026-09-19 10:00'), 1, 0.8);
    expect(deadline.dueOn).toBe('2026-09-20');
    expect(deadline.warnAt).toBe(at('2026-09-20 19:12').toISOString());
  });

  test('a deadline reaching 2027, which the calendar lacks, is refused naming the year, or left pending for the public', () => {
    expect(domainErrorOf(() => deadlineOf(calendar, 'handling', at('2026-12-24 09:00'), 7, 0.8))).toMatchObject({
      code: 'CALENDAR_YEAR_NOT_COVERED',
      details: { year: '2027' },
    });
    const pending = deadlineOrPending(calendar, 'acceptance', at('2026-12-31 10:00'), 1, 0.8);
    expect(pending).toMatchObject({ dueOn: '', dueAt: '', warnAt: '', uncoveredYear: '2027', days: 1 });
    // Tried again, still pending; a covered start computes.
    expect(retryPending(calendar, pending, 0.8)).toMatchObject({ dueOn: '', uncoveredYear: '2027' });
    const covered = deadlineOrPending(calendar, 'acceptance', at('2026-12-30 10:00'), 1, 0.8);
    expect(covered.dueOn).toBe('2026-12-31');
    expect(retryPending(calendar, covered)).toBe(covered);
  });

  test('an extension never takes the handling time past 15 working days', () => {
    expect(() => assertExtensionDays(defaultDeadlinePolicy, 'complaint', 8)).not.toThrow();
    expect(domainErrorOf(() => assertExtensionDays(defaultDeadlinePolicy, 'complaint', 9)).details).toEqual({
      days: 'must be between 1 and 8 working days (15 in all, extension included)',
    });
    expect(domainErrorOf(() => assertExtensionDays(defaultDeadlinePolicy, 'consultation', 0)).details.days).toContain('between 1 and 10');
    const full = { ...defaultDeadlinePolicy, handlingDays: { ...defaultDeadlinePolicy.handlingDays, complaint: 15 } };
    expect(domainErrorOf(() => assertExtensionDays(full, 'complaint', 1)).details.days).toContain('no extension is possible');
  });

  test('per-type days are configurable, and a policy beyond its own maximum is refused', () => {
    expect(parseHandlingDays('consultation=3, complaint=10', defaultDeadlinePolicy.handlingDays)).toMatchObject({
      consultation: 3,
      complaint: 10,
      help: 7,
    });
    expect(() => parseHandlingDays('petition=3', defaultDeadlinePolicy.handlingDays)).toThrow('unknown message type "petition"');
    expect(() => parseHandlingDays('help=0', defaultDeadlinePolicy.handlingDays)).toThrow(
      'help: working days must be a whole number of at least 1',
    );
    expect(() => checkPolicy({ ...defaultDeadlinePolicy, maxHandlingDays: 6 })).toThrow(
      'handling days thanks=7, suggestion=7, help=7, complaint=7 exceed the maximum of 6',
    );
    expect(() => checkPolicy({ ...defaultDeadlinePolicy, warnShare: 0 })).toThrow('warning share');
  });
});
