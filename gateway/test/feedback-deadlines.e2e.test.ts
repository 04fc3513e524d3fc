/**
 * Deadlines in working days and their supervision (督办) through REST, on the real 2026 calendar:
 * 调休 Sunday 20 September worked, 中秋 25-27 September and 国庆 1-7 October off, Saturday 10
 * October worked. The deadline ticker runs as its job does, at the instants the test sets; what
 * it did is read back through the staff and public routes. A deadline reaching a year the
 * calendar does not cover is refused naming the year, never guessed.
 */
import { type FeedbackPlatform, type Json, at, draft, node, staff, startFeedbackPlatform } from './feedback-support';

jest.setTimeout(120_000);

const province = node(undefined, '江川省委');
const city = node(province, '江川市委');
const district = node(city, '临河区委');
const branch = node(district, '滨江社区党支部', 'branch');

const cityAdmin = staff(city);
const districtAdmin = staff(district);
const branchSecretary = staff(branch, ['secretary']);
const provinceAdmin = staff(province);

let fb: FeedbackPlatform;

beforeAll(async () => {
  fb = await startFeedbackPlatform('2026-09-18 09:00', [province, city, district, branch]);
});

afterAll(async () => {
  await fb?.stop();
});

const actions = (message: Json) => message.history.map((s: Json) => s.action);

describe('a message written on Friday 18 September, 中秋 and 国庆 ahead', () => {
  let id = '';
  let trackingCode = '';
  const contact = '13722223333';

  test('due to be accepted on Sunday 20 September, a weekend day worked (调休)', async () => {
    fb.when('2026-09-18 10:00');
    ({ id, trackingCode } = await fb.write(draft(city.id, { contact })));
    // 14 working hours on the 18th and 24 on the 20th: the parent is told at 80 % of 38.
    expect((await fb.staffView(id, cityAdmin)).acceptance).toMatchObject({
      dueOn: '2026-09-20',
      warnAt: at('2026-09-20 16:24').toISOString(),
      warnedAt: '',
      overdueAt: '',
    });
  });

  test('not accepted: the city’s parent is told once at 80 %, then it is overdue once', async () => {
    fb.when('2026-09-20 16:23');
    await fb.tick();
    expect(actions(await fb.staffView(id, cityAdmin))).toEqual(['submit']);
    fb.when('2026-09-20 16:24');
    await fb.tick();
    fb.when('2026-09-20 18:00');
    await fb.tick();
    const warned = await fb.staffView(id, cityAdmin);
    expect(actions(warned)).toEqual(['submit', 'warn']);
    expect(warned.history[1]).toMatchObject({ actor: 'system', organizationId: province.id, at: at('2026-09-20 16:24').toISOString() });
    expect(warned.acceptance.warnedAt).toBe(at('2026-09-20 16:24').toISOString());
    expect(warned.overdue).toBe(false);

    fb.when('2026-09-21 00:00');
    await fb.tick();
    fb.when('2026-09-21 08:00');
    await fb.tick();
    const overdue = await fb.staffView(id, cityAdmin);
    expect(actions(overdue)).toEqual(['submit', 'warn', 'overdue']);
    expect(overdue).toMatchObject({ overdue: true, acceptance: { overdueAt: at('2026-09-21 00:00').toISOString() } });
    // The province, told, finds it among the overdue messages of its scope.
    const listed = await fb.call('GET', '/api/v1/feedback/messages?overdueOnly=true', provinceAdmin);
    expect(listed.body.items.map((m: Json) => m.id)).toContain(id);
  });

  test('accepted on Monday 21 September: 7 working days skip 中秋 and 国庆 and end on 8 October', async () => {
    fb.when('2026-09-21 09:00');
    const accepted = await fb.step(id, 'accept', cityAdmin);
    // 22, 23, 24, 28, 29, 30 September, 8 October. Working time: 15 h on the 21st, then 24 h a
    // working day; 80 % of 183 h is reached 11 h 24 min into 30 September.
    expect(accepted.body.handling).toMatchObject({
      dueOn: '2026-10-08',
      workingDays: 7,
      warnAt: at('2026-09-30 11:24').toISOString(),
    });
    fb.when('2026-09-21 10:00');
    await fb.step(id, 'assign', cityAdmin, { organizationId: district.id });
  });

  test('handled by the district: the city, its parent, is told at 80 %, and the message is overdue after 8 October', async () => {
    fb.when('2026-09-30 11:23');
    await fb.tick();
    expect(actions(await fb.staffView(id, districtAdmin))).toEqual(['submit', 'warn', 'overdue', 'accept', 'assign']);
    fb.when('2026-09-30 11:24');
    await fb.tick();
    const warned = await fb.staffView(id, districtAdmin);
    expect(warned.history.at(-1)).toMatchObject({ action: 'warn', organizationId: city.id });
    expect(warned.handling.warnedAt).toBe(at('2026-09-30 11:24').toISOString());

    // Nothing during the holiday: the deadline is the end of 8 October.
    fb.when('2026-10-08 23:59');
    await fb.tick();
    expect((await fb.staffView(id, districtAdmin)).handling.overdueAt).toBe('');
    fb.when('2026-10-09 00:00');
    await fb.tick();
    const overdue = await fb.staffView(id, districtAdmin);
    expect(overdue.history.at(-1)).toMatchObject({
      action: 'overdue',
      organizationId: city.id,
      note: 'the handling deadline (2026-10-08) passed',
    });
    expect(overdue.handling.overdueAt).toBe(at('2026-10-09 00:00').toISOString());
    // The public sees that it is late.
    expect((await fb.call('GET', `/api/v1/messages/${id}`)).body).toMatchObject({ status: 'assigned', overdue: true, dueOn: '2026-10-08' });
    // An extension is asked for before the deadline, not after.
    expect(await fb.step(id, 'extend', districtAdmin, { days: 2, reason: '迟了' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_EXTENSION_TOO_LATE' } },
    });
  });

  test('replied late; not rated within 7 working days, it closes all the same', async () => {
    fb.when('2026-10-09 09:00');
    const replied = await fb.step(id, 'reply', districtAdmin, { body: '已处理。' });
    // Working days after 18 September: 20 (Sunday, 调休), 21, 22, 23, 24, 28, 29, 30 September, 8, 9 October.
    expect(replied.body).toMatchObject({
      reply: { onTime: false, workingDays: 10 },
      ratingWindow: { dueOn: '2026-10-19' },
      overdue: false,
    });
    fb.when('2026-10-19 23:59');
    await fb.tick();
    expect((await fb.staffView(id, districtAdmin)).status).toBe('replied');
    fb.when('2026-10-20 00:00');
    await fb.tick();
    const closed = await fb.staffView(id, districtAdmin);
    expect(closed).toMatchObject({ status: 'closed', rating: null });
    expect(closed.history.at(-1)).toMatchObject({ action: 'close', actor: 'system', from: 'replied', to: 'closed' });
    const tracked = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode, contact });
    expect(tracked.body).toMatchObject({ canRate: false, message: { status: 'closed' } });
    const late = { trackingCode, contact, attitude: 5, speed: 5, overall: 'satisfied' };
    expect(await fb.call('POST', '/api/v1/messages/tracking/rating', {}, late)).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_WORKFLOW_STEP', details: { status: 'closed' } } },
    });
  });
});

describe('assignments, disputes, returns and rectifications in October', () => {
  test('an assignment is disputed within 24 hours; the assigner may forward it elsewhere, not back', async () => {
    fb.when('2026-10-12 10:00');
    const { id } = await fb.write(draft(city.id));
    await fb.step(id, 'accept', cityAdmin);
    fb.when('2026-10-12 12:00');
    await fb.step(id, 'assign', cityAdmin, { organizationId: district.id });
    fb.when('2026-10-13 11:59');
    expect((await fb.step(id, 'dispute', districtAdmin, { reason: '属社区管理' })).body.status).toBe('disputed');
    expect(await fb.step(id, 'answer-dispute', cityAdmin, { reassignToOrganizationId: district.id })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_ALREADY_HANDLING' } },
    });
    const forwarded = await fb.step(id, 'answer-dispute', cityAdmin, { reassignToOrganizationId: branch.id, note: '转社区办理' });
    expect(forwarded.body).toMatchObject({
      status: 'assigned',
      handlingOrganizationId: branch.id,
      handlingOrganizationName: '滨江社区党支部',
    });
    expect(forwarded.body.history.at(-1)).toMatchObject({ action: 'reassign', organizationName: '滨江社区党支部' });
    // The branch's own window runs from the new assignment.
    fb.when('2026-10-14 12:00');
    expect(await fb.step(id, 'dispute', branchSecretary, { reason: '不属本社区' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_DISPUTE_WINDOW' } },
    });
    expect((await fb.step(id, 'reply', branchSecretary, { body: '已疏通' })).body).toMatchObject({
      status: 'replied',
      reply: { organizationName: '滨江社区党支部' },
    });
  });

  test('returned as a petition matter (信访): the writer reads why, the public never sees it', async () => {
    fb.when('2026-10-14 09:00');
    const contact = '13744445555';
    const { id, trackingCode } = await fb.write(draft(city.id, { contact }));
    expect(await fb.step(id, 'return', cityAdmin, { reason: 'lawsuit', note: 'x' })).toMatchObject({ status: 400 });
    expect(await fb.step(id, 'return', cityAdmin, { reason: 'petition' })).toMatchObject({ status: 400 });
    const returned = await fb.step(id, 'return', cityAdmin, { reason: 'petition', note: '请向市信访局反映' });
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: 'petition', returnNote: '请向市信访局反映' });
    const tracked = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode, contact });
    expect(tracked.body).toMatchObject({ returnReason: 'petition', returnNote: '请向市信访局反映', message: { status: 'returned' } });
    expect((await fb.call('GET', `/api/v1/messages/${id}`)).status).toBe(404);
    // A returned message runs no deadline.
    fb.when('2026-10-20 09:00');
    await fb.tick();
    expect(actions(await fb.staffView(id, cityAdmin))).toEqual(['submit', 'return']);
  });

  test('an unsatisfied rating not rectified within 15 working days is overdue, once', async () => {
    fb.when('2026-10-12 10:00');
    const contact = '13766667777';
    const { id, trackingCode } = await fb.write(draft(district.id, { contact }));
    await fb.step(id, 'accept', districtAdmin);
    fb.when('2026-10-13 10:00');
    await fb.step(id, 'reply', districtAdmin, { body: '已处理' });
    await fb.call(
      'POST',
      '/api/v1/messages/tracking/rating',
      {},
      { trackingCode, contact, attitude: 1, speed: 2, overall: 'veryDissatisfied' },
    );
    expect((await fb.staffView(id, districtAdmin)).rectification.deadline.dueOn).toBe('2026-11-03');
    fb.when('2026-11-03 23:00');
    await fb.tick();
    expect((await fb.staffView(id, districtAdmin)).rectification.deadline.overdueAt).toBe('');
    fb.when('2026-11-04 00:00');
    await fb.tick();
    fb.when('2026-11-05 00:00');
    await fb.tick();
    const overdue = await fb.staffView(id, districtAdmin);
    expect(overdue.rectification.deadline.overdueAt).toBe(at('2026-11-04 00:00').toISOString());
    expect(overdue.history.filter((s: Json) => s.action === 'overdue')).toEqual([
      expect.objectContaining({ note: 'the rectification deadline (2026-11-03) passed', organizationId: city.id }),
    ]);
  });
});

describe('the end of the calendar’s data', () => {
  test('accepting on 24 December would put the deadline in 2027: refused naming the year, the message left as it was', async () => {
    fb.when('2026-12-23 10:00');
    const { id } = await fb.write(draft(city.id));
    fb.when('2026-12-24 09:00');
    const refused = await fb.step(id, 'accept', cityAdmin);
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'CALENDAR_YEAR_NOT_COVERED', details: { year: '2027', coveredYears: '2025, 2026' } } },
    });
    expect(refused.body.error.message).toContain('2027');
    expect(await fb.staffView(id, cityAdmin)).toMatchObject({ status: 'submitted', revision: 1 });
  });

  test('a message written on 31 December is taken; its deadline waits for the 2027 data, never guessed', async () => {
    fb.when('2026-12-31 10:00');
    const answer = await fb.write(draft(city.id));
    expect(answer.status).toBe(201);
    const seen = await fb.staffView(answer.id, cityAdmin);
    expect(seen.acceptance).toMatchObject({ dueOn: '', dueAt: '', warnAt: '', uncoveredYear: '2027', workingDays: 1 });
    fb.when('2027-01-05 10:00');
    await fb.tick();
    expect(await fb.staffView(answer.id, cityAdmin)).toMatchObject({ overdue: false, acceptance: { dueOn: '', uncoveredYear: '2027' } });
    expect(actions(await fb.staffView(answer.id, cityAdmin))).toEqual(['submit']);
    expect((await fb.call('GET', '/api/v1/message-catalogue')).body.yearsCovered).toEqual(['2025', '2026']);
  });
});
