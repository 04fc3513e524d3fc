import { domainErrorOf } from '@repo/errors/testing';
import * as pb from '@repo/proto/feedback/v1';
import { deadlineStages } from '../../src/domain/deadlines';
import { messageStatuses, messageTypes, returnReasons, revisitResults, satisfactionLevels, stepActions } from '../../src/domain/message';
import { organizationLevels } from '../../src/domain/organizations';
import * as workflow from '../../src/domain/workflow';
import { after, at, cityCommittee, ctx, district, otherDistrict, staff, written } from './fixtures';

const city = (local: string) => ctx(local, staff(cityCommittee));
const inDistrict = (local: string) => ctx(local, staff(district));
const rating = { attitude: 5, speed: 4, overall: 'satisfied', comment: '' };

describe('the vocabulary is the contract’s', () => {
  test.each([
    [messageTypes, pb.messageTypeCodec.values],
    [messageStatuses, pb.messageStatusCodec.values],
    [returnReasons, pb.returnReasonCodec.values],
    [stepActions, pb.stepActionCodec.values],
    [satisfactionLevels, pb.satisfactionCodec.values],
    [revisitResults, pb.revisitResultCodec.values],
    [deadlineStages, pb.deadlineStageCodec.values],
    [organizationLevels, pb.organizationLevelCodec.values],
  ])('%j', (domain, codec) => expect([...domain]).toEqual(codec));
});

describe('the workflow, 2026 国庆 around it', () => {
  test('written, accepted, assigned, replied, rated: every step recorded with actor, time, note and organisation', () => {
    const message = written('2026-09-30 10:00');
    expect(message).toMatchObject({ status: 'submitted', submittedOn: '2026-09-30', acceptance: { dueOn: '2026-10-08' }, handling: null });
    expect(message.history).toEqual([
      {
        action: 'submit',
        from: 'submitted',
        to: 'submitted',
        actor: 'writer',
        at: at('2026-09-30 10:00').toISOString(),
        note: '',
        organizationId: 'c1',
        organizationName: '江川市委',
      },
    ]);

    const accepted = workflow.accept(message, city('2026-10-08 09:00'), '已受理');
    expect(accepted.next).toMatchObject({
      status: 'accepted',
      acceptedAt: at('2026-10-08 09:00').toISOString(),
      handling: { dueOn: '2026-10-16' },
    });
    expect(accepted.recorded[0]).toMatchObject({
      step: { action: 'accept', actor: 'staff-c1', note: '已受理', organizationName: '江川市委' },
      data: { dueOn: '2026-10-16' },
    });

    const assigned = workflow.assign(accepted.next, city('2026-10-08 10:00'), district, '请临河区办理');
    expect(assigned.next.assignment).toEqual({
      organizationId: 'd1',
      organizationName: '临河区委',
      path: '/p1/c1/d1/',
      at: at('2026-10-08 10:00').toISOString(),
      by: 'staff-c1',
      byPath: '/p1/c1/',
    });
    // The deadline runs from acceptance, whoever handles it.
    expect(assigned.next.handling).toEqual(accepted.next.handling);

    const replied = workflow.reply(assigned.next, inDistrict('2026-10-12 14:00'), '已组织维修排水管网。');
    // Working days from 30 September: 8, 9, 10 (Saturday, 调休) and 12 October.
    expect(replied.next.reply).toMatchObject({
      organizationId: 'd1',
      organizationName: '临河区委',
      onTime: true,
      workingDays: 4,
      by: 'staff-d1',
    });
    expect(replied.next.ratingWindow).toMatchObject({ stage: 'rating', dueOn: '2026-10-21' });

    const rated = workflow.rate(replied.next, ctx('2026-10-13 09:00', workflow.writerActor), rating);
    expect(rated.next).toMatchObject({ status: 'closed', rating: { attitude: 5, speed: 4, overall: 'satisfied' }, rectification: null });
    expect(rated.next.history.map((s) => s.action)).toEqual(['submit', 'accept', 'assign', 'reply', 'rate']);
  });

  test('a step from the wrong status names the rule and the status it needs', () => {
    const message = written('2026-09-30 10:00');
    expect(domainErrorOf(() => workflow.reply(message, city('2026-10-08 09:00'), '答复'))).toMatchObject({
      code: 'FEEDBACK_WORKFLOW_STEP',
      message: 'cannot reply a message that is submitted; reply applies to accepted or assigned messages',
      details: { action: 'reply', status: 'submitted', requiredStatus: 'accepted,assigned' },
    });
    const returned = workflow.returnMessage(message, city('2026-10-08 09:00'), 'petition', '请向信访部门反映').next;
    expect(returned).toMatchObject({ status: 'returned', returned: { reason: 'petition', note: '请向信访部门反映' } });
    expect(domainErrorOf(() => workflow.accept(returned, city('2026-10-08 10:00'), '')).code).toBe('FEEDBACK_WORKFLOW_STEP');
  });

  test('returning needs a known reason and a note the writer reads', () => {
    const message = written('2026-09-30 10:00');
    expect(domainErrorOf(() => workflow.returnMessage(message, city('2026-10-08 09:00'), 'boring', '')).details).toEqual({
      reason: 'must be one of abusive, duplicate, outsideScope, petition, court',
      note: 'is required',
    });
  });

  test('a held message is released by a reviewer into the queue, its acceptance clock unchanged', () => {
    const held = written('2026-09-30 10:00', {}, ['傻逼（辱骂）']);
    expect(held.status).toBe('held');
    expect(held.history.map((s) => s.action)).toEqual(['submit', 'hold']);
    const released = workflow.release(held, city('2026-10-08 09:00'), '误报').next;
    expect(released).toMatchObject({ status: 'submitted', acceptance: held.acceptance });
    expect(domainErrorOf(() => workflow.accept(held, city('2026-10-08 09:00'), '')).code).toBe('FEEDBACK_WORKFLOW_STEP');
  });

  test('accepting is refused naming the year when the handling deadline reaches beyond the calendar', () => {
    const message = written('2026-12-23 10:00');
    expect(domainErrorOf(() => workflow.accept(message, city('2026-12-24 09:00'), ''))).toMatchObject({
      code: 'CALENDAR_YEAR_NOT_COVERED',
      details: { year: '2027' },
    });
    // Written on 31 December, the acceptance deadline waits for the 2027 calendar; the message is taken.
    expect(written('2026-12-31 10:00').acceptance).toMatchObject({ dueOn: '', uncoveredYear: '2027' });
  });

  test('派单异议 within 24 hours of the assignment; the assigner upholds it with a reason or forwards it', () => {
    const assigned = after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.assign(m, city('2026-10-08 10:00'), district, ''),
    );
    expect(domainErrorOf(() => workflow.dispute(assigned, inDistrict('2026-10-09 10:00'), '不属本区'))).toMatchObject({
      code: 'FEEDBACK_DISPUTE_WINDOW',
      details: { assignedAt: at('2026-10-08 10:00').toISOString(), closedAt: at('2026-10-09 10:00').toISOString() },
    });
    expect(domainErrorOf(() => workflow.dispute(assigned, inDistrict('2026-10-08 11:00'), ' ')).details).toEqual({ reason: 'is required' });
    const disputed = workflow.dispute(assigned, inDistrict('2026-10-09 09:59'), '该路段属东山区').next;
    expect(disputed).toMatchObject({ status: 'disputed', disputeReason: '该路段属东山区' });
    expect(domainErrorOf(() => workflow.reply(disputed, inDistrict('2026-10-09 10:00'), '答复')).code).toBe('FEEDBACK_WORKFLOW_STEP');

    expect(domainErrorOf(() => workflow.answerDispute(disputed, city('2026-10-09 10:00'), undefined, '')).details).toEqual({
      note: 'is required',
    });
    const upheld = workflow.answerDispute(disputed, city('2026-10-09 10:00'), undefined, '经核实属临河区').next;
    expect(upheld).toMatchObject({ status: 'assigned', disputeReason: '', assignment: { organizationId: 'd1' } });
    expect(domainErrorOf(() => workflow.answerDispute(disputed, city('2026-10-09 10:00'), district, '')).code).toBe(
      'FEEDBACK_ALREADY_HANDLING',
    );
    const forwarded = workflow.answerDispute(disputed, city('2026-10-09 10:00'), otherDistrict, '转东山区');
    expect(forwarded.next).toMatchObject({ status: 'assigned', assignment: { organizationId: 'd2', byPath: '/p1/c1/' } });
    expect(forwarded.recorded[0]!.step).toMatchObject({ action: 'reassign', organizationName: '东山区委' });
  });

  test('延期 once, before the deadline, with a public reason, never past 15 working days', () => {
    const accepted = workflow.accept(written('2026-09-30 10:00'), city('2026-10-08 09:00'), '').next;
    const extended = workflow.extend(accepted, city('2026-10-14 09:00'), 8, '需协调供水公司');
    // 7 + 8 = 15 working days from 8 October.
    expect(extended.next.handling).toMatchObject({ dueOn: '2026-10-28', days: 15 });
    expect(extended.next.extension).toMatchObject({ days: 8, reason: '需协调供水公司' });
    expect(domainErrorOf(() => workflow.extend(extended.next, city('2026-10-15 09:00'), 1, '再延'))).toMatchObject({
      code: 'FEEDBACK_EXTENSION_USED',
    });
    expect(domainErrorOf(() => workflow.extend(accepted, city('2026-10-14 09:00'), 9, '太久')).details).toEqual({
      days: 'must be between 1 and 8 working days (15 in all, extension included)',
    });
    expect(domainErrorOf(() => workflow.extend(accepted, city('2026-10-17 09:00'), 2, '晚了'))).toMatchObject({
      code: 'FEEDBACK_EXTENSION_TOO_LATE',
      details: { dueOn: '2026-10-16' },
    });
    expect(domainErrorOf(() => workflow.extend(accepted, city('2026-10-14 09:00'), 2, '')).details).toEqual({ reason: 'is required' });
  });

  test('a warning already sent is sent again for an extended deadline only if its new warning is still to come', () => {
    const accepted = workflow.accept(written('2026-09-30 10:00'), city('2026-10-08 09:00'), '').next;
    const warned = { ...accepted, handling: { ...accepted.handling!, warnedAt: at('2026-10-15 11:24').toISOString() } };
    const extended = workflow.extend(warned, city('2026-10-15 12:00'), 8, '需协调').next;
    expect(extended.handling!.warnedAt).toBe('');
    expect(extended.handling!.warnAt > at('2026-10-15 12:00').toISOString()).toBe(true);
  });

  test('a reply after the end of the due day is late; its wait counts the working days since writing', () => {
    const accepted = workflow.accept(written('2026-09-30 10:00'), city('2026-10-08 09:00'), '').next;
    expect(workflow.reply(accepted, city('2026-10-16 23:59'), '答复').next.reply!.onTime).toBe(true);
    expect(workflow.reply(accepted, city('2026-10-17 00:00'), '答复').next.reply).toMatchObject({ onTime: false, workingDays: 8 });
  });

  test('并单: into a message being handled, never into itself, a merged or a returned one', () => {
    const primary = workflow.accept(written('2026-09-30 10:00'), city('2026-10-08 09:00'), '').next;
    const duplicate = written('2026-10-08 11:00');
    const merged = workflow.merge(duplicate, city('2026-10-08 12:00'), primary, '同一事项');
    expect(merged.next).toMatchObject({ status: 'merged', mergedInto: primary.id });
    expect(merged.recorded[0]!.data).toMatchObject({ into: primary.id });
    expect(domainErrorOf(() => workflow.merge(duplicate, city('2026-10-08 12:00'), duplicate, '')).details).toEqual({
      intoMessageId: 'a message cannot be merged into itself',
    });
    expect(domainErrorOf(() => workflow.merge(written('2026-10-08 11:00'), city('2026-10-08 12:00'), merged.next, '')).code).toBe(
      'FEEDBACK_MERGE_TARGET',
    );
    const returned = workflow.returnMessage(written('2026-10-08 11:00'), city('2026-10-08 12:00'), 'abusive', '辱骂').next;
    expect(domainErrorOf(() => workflow.merge(duplicate, city('2026-10-08 12:00'), returned, '')).code).toBe('FEEDBACK_MERGE_TARGET');
  });
});

describe('ratings and the 差评 loop', () => {
  const replied = () =>
    after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.reply(m, city('2026-10-12 14:00'), '已处理'),
    );

  test('two axes of 1 to 5 stars and one of the five levels, or the fields are named', () => {
    expect(
      domainErrorOf(() =>
        workflow.rate(replied(), ctx('2026-10-13 09:00', workflow.writerActor), { attitude: 0, speed: 6, overall: 'ok', comment: '' }),
      ).details,
    ).toEqual({
      attitude: 'must be 1 to 5 stars',
      speed: 'must be 1 to 5 stars',
      overall: 'must be one of verySatisfied, satisfied, basicallySatisfied, dissatisfied, veryDissatisfied',
    });
    const rated = workflow.rate(replied(), ctx('2026-10-13 09:00', workflow.writerActor), rating).next;
    expect(domainErrorOf(() => workflow.rate(rated, ctx('2026-10-13 10:00', workflow.writerActor), rating)).code).toBe(
      'FEEDBACK_ALREADY_RATED',
    );
  });

  test('an unsatisfied rating opens a rectification due in 15 working days, then a revisit', () => {
    const rated = workflow.rate(replied(), ctx('2026-10-13 09:00', workflow.writerActor), {
      attitude: 2,
      speed: 1,
      overall: 'dissatisfied',
      comment: '仍然积水',
    });
    // 15 working days after 13 October: 14 … 30 October, 2 and 3 November.
    expect(rated.next.rectification).toMatchObject({
      deadline: { stage: 'rectification', dueOn: '2026-11-03' },
      rectifiedAt: '',
      revisit: null,
    });
    expect(rated.recorded[0]!.data).toMatchObject({ overall: 'dissatisfied', rectificationDueOn: '2026-11-03' });
    expect(domainErrorOf(() => workflow.revisit(rated.next, city('2026-10-20 09:00'), 'resolved', '已解决')).code).toBe(
      'FEEDBACK_NOT_RECTIFIED',
    );
    const rectified = workflow.rectify(rated.next, city('2026-10-20 09:00'), '更换排水泵').next;
    expect(domainErrorOf(() => workflow.rectify(rectified, city('2026-10-21 09:00'), '再次')).code).toBe('FEEDBACK_ALREADY_RECTIFIED');
    expect(domainErrorOf(() => workflow.revisit(rectified, city('2026-10-22 09:00'), 'fine', '')).details).toEqual({
      result: 'must be one of resolved, unresolved, unreachable',
      note: 'is required',
    });
    const revisited = workflow.revisit(rectified, city('2026-10-22 09:00'), 'resolved', '电话回访，群众认可').next;
    expect(revisited.rectification!.revisit).toMatchObject({ result: 'resolved', by: 'staff-c1' });
    expect(domainErrorOf(() => workflow.revisit(revisited, city('2026-10-23 09:00'), 'resolved', '又一次')).code).toBe(
      'FEEDBACK_ALREADY_REVISITED',
    );
  });

  test('a satisfied rating opens nothing to rectify', () => {
    const rated = workflow.rate(replied(), ctx('2026-10-13 09:00', workflow.writerActor), {
      ...rating,
      overall: 'basicallySatisfied',
    }).next;
    expect(domainErrorOf(() => workflow.rectify(rated, city('2026-10-20 09:00'), '无')).code).toBe('FEEDBACK_NO_RECTIFICATION');
  });
});
