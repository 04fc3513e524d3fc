import { dueChecks, nextCheckAt, pendingRetryMs } from '../../src/domain/escalation';
import * as workflow from '../../src/domain/workflow';
import { after, at, cityCommittee, ctx, district, staff, written } from './fixtures';

const system = (local: string) => ctx(local, workflow.systemActor);
const city = (local: string) => ctx(local, staff(cityCommittee));

describe('督办: warnings at 80 % of a deadline, overdue marks, closing unrated replies', () => {
  test('before acceptance: the recipient’s parent is told once at 80 %, then the message is overdue once', () => {
    const message = written('2026-09-30 10:00');
    expect(nextCheckAt(message, at('2026-09-30 10:00'))).toBe(at('2026-10-08 16:24').toISOString());
    expect(dueChecks(message, system('2026-10-08 16:23'))).toBeUndefined();

    const warned = dueChecks(message, system('2026-10-08 16:24'))!;
    expect(warned.recorded).toHaveLength(1);
    expect(warned.recorded[0]).toMatchObject({
      step: { action: 'warn', actor: 'system', organizationId: 'p1', from: 'submitted', to: 'submitted' },
      // The city committee /p1/c1/ answers for it; its parent /p1/ is told, in its own scope.
      orgPath: '/p1/',
      data: { stage: 'acceptance', organizationId: 'c1', parentOrganizationId: 'p1', dueOn: '2026-10-08' },
    });
    expect(warned.next.acceptance.warnedAt).toBe(at('2026-10-08 16:24').toISOString());
    // Told once: the next look finds nothing until the deadline itself.
    expect(dueChecks(warned.next, system('2026-10-08 20:00'))).toBeUndefined();
    expect(nextCheckAt(warned.next, at('2026-10-08 16:24'))).toBe(at('2026-10-09 00:00').toISOString());

    const overdue = dueChecks(warned.next, system('2026-10-09 00:00'))!;
    expect(overdue.recorded.map((r) => r.step.action)).toEqual(['overdue']);
    expect(overdue.next.acceptance.overdueAt).toBe(at('2026-10-09 00:00').toISOString());
    expect(overdue.next.history.map((s) => s.action)).toEqual(['submit', 'warn', 'overdue']);
    expect(dueChecks(overdue.next, system('2026-10-12 00:00'))).toBeUndefined();
    expect(nextCheckAt(overdue.next, at('2026-10-09 00:00'))).toBe('');
  });

  test('after a long outage both are recorded in one look, each once', () => {
    const due = dueChecks(written('2026-09-30 10:00'), system('2026-10-20 09:00'))!;
    expect(due.recorded.map((r) => r.step.action)).toEqual(['warn', 'overdue']);
  });

  test('while handled: the handling organisation’s parent is told, then the message is overdue', () => {
    const assigned = after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.assign(m, city('2026-10-08 10:00'), district, ''),
    );
    expect(nextCheckAt(assigned, at('2026-10-08 10:00'))).toBe(at('2026-10-15 11:24').toISOString());
    const warned = dueChecks(assigned, system('2026-10-15 11:24'))!;
    expect(warned.recorded[0]).toMatchObject({
      orgPath: '/p1/c1/',
      data: { stage: 'handling', organizationId: 'd1', parentOrganizationId: 'c1', dueOn: '2026-10-16' },
    });
    const overdue = dueChecks(warned.next, system('2026-10-17 00:00'))!;
    expect(overdue.recorded[0]).toMatchObject({ step: { action: 'overdue' }, data: { stage: 'handling' } });
    // A reply ends the watching of the handling deadline; the rating window (7 working days, to 28 October) is next.
    expect(nextCheckAt(workflow.reply(overdue.next, staffOfDistrict('2026-10-19 09:00'), '答复').next, at('2026-10-19 09:00'))).toBe(
      at('2026-10-29 00:00').toISOString(),
    );
  });

  test('an unrated reply closes when the rating window ends', () => {
    const replied = after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.reply(m, city('2026-10-12 14:00'), '已处理'),
    );
    expect(dueChecks(replied, system('2026-10-21 23:59'))).toBeUndefined();
    const closed = dueChecks(replied, system('2026-10-22 00:00'))!;
    expect(closed.next).toMatchObject({ status: 'closed', closedAt: at('2026-10-22 00:00').toISOString(), rating: null });
    expect(closed.recorded.map((r) => r.step)).toEqual([
      expect.objectContaining({ action: 'close', from: 'replied', to: 'closed', actor: 'system' }),
    ]);
    expect(closed.next.history.at(-1)).toMatchObject({ action: 'close' });
  });

  test('a rectification not done by its deadline is overdue once', () => {
    const rated = after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.reply(m, city('2026-10-12 14:00'), '已处理'),
      (m) =>
        workflow.rate(m, ctx('2026-10-13 09:00', workflow.writerActor), {
          attitude: 1,
          speed: 1,
          overall: 'veryDissatisfied',
          comment: '',
        }),
    );
    const overdue = dueChecks(rated, system('2026-11-04 00:00'))!;
    expect(overdue.recorded[0]).toMatchObject({ step: { action: 'overdue' }, data: { stage: 'rectification', dueOn: '2026-11-03' } });
    expect(dueChecks(overdue.next, system('2026-11-05 00:00'))).toBeUndefined();
  });

  test('a deadline pending on the calendar is tried again, and never checked before it is known', () => {
    const message = written('2026-12-31 10:00');
    expect(nextCheckAt(message, at('2026-12-31 10:00'))).toBe(new Date(at('2026-12-31 10:00').getTime() + pendingRetryMs).toISOString());
    expect(dueChecks(message, system('2027-01-04 09:00'))).toBeUndefined();
  });

  test('checks are never placed in the past', () => {
    const message = written('2026-09-30 10:00');
    expect(nextCheckAt(message, at('2026-10-20 09:00'))).toBe(at('2026-10-20 09:00').toISOString());
  });
});

function staffOfDistrict(local: string) {
  return ctx(local, staff(district));
}
