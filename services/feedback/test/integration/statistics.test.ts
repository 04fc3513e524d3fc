/**
 * Statistics reproduced exactly on a seeded dataset: nine messages taken through the workflow
 * around 2026 国庆 (returned, merged, late, overdue, pending, rated at both ends), then counted by
 * the job and read for whole months (month tallies) and for parts of months (day tallies). Every
 * expected figure below is worked out by hand from the table, not by the code under test.
 *
 *   msg  to              written     handled by  outcome
 *   A    city's 书记     28 Sep      lh          replied 30 Sep (2 wd), 非常满意 5/5
 *   B    lh              29 Sep      lh          replied 9 Oct (3 wd), 不满意 2/3, rectified, revisited
 *   C    lh              8 Oct       lh          returned (abusive)
 *   D    b1              8 Oct       b1          replied 20 Oct (9 wd), after its 5-day deadline
 *   E    b1              9 Oct       b1          merged into D
 *   F    ds              12 Oct      ds          accepted, overdue on 22 Oct
 *   G    b2              13 Oct      b2          replied 15 Oct (2 wd), 基本满意 3/4
 *   H    b2              22 Oct      b2          waiting to be accepted
 *   I    city's 书记     15 Oct      city        replied 16 Oct (1 wd), 非常不满意 1/1, rectified
 */
import * as pb from '@repo/proto/feedback/v1';
import { cleanupNamespace, ensureStack, uniqueNamespace } from '@repo/testbed';
import { asPublic, at, caller, draftTo, errorOf, node, publishTree, startFeedback, staffOf, step, type RunningFeedback } from '../support';

jest.setTimeout(120_000);

const namespace = uniqueNamespace('fbstats');
const province = node(undefined, 'prov', '江川省委', 'committee');
const city = node(province, 'city', '江川市委', 'committee');
const lh = node(city, 'lh', '临河区委', 'committee');
const gb1 = node(lh, 'gb1', '滨江街道党总支', 'generalBranch');
const b1 = node(gb1, 'b1', '滨江社区党支部', 'branch');
const ds = node(city, 'ds', '东山区委', 'committee');
const b2 = node(ds, 'b2', '东山村党支部', 'branch');
let running: RunningFeedback;
const call = caller(() => running);
const ids: Record<string, string> = {};
const codes: Record<string, { trackingCode: string; contact: string }> = {};
let cityPost = '';

const when = (local: string) => {
  running.clock.now = at(local);
};

async function write(name: string, local: string, to: { organizationId?: string; leaderPostId?: string; type?: pb.MessageType }) {
  when(local);
  const draft = draftTo(to.organizationId ?? '', {
    leaderPostId: to.leaderPostId ?? '',
    subject: `留言${name}`,
    body: `第${name}条留言：请解决问题${name}。`,
    ...(to.type ? { type: to.type } : {}),
  });
  const { message, trackingCode } = await call('submitMessage', { draft, clientAddress: '' }, asPublic());
  ids[name] = message!.message!.id;
  codes[name] = { trackingCode, contact: draft.contact };
}

const take = async (name: string, local: string, who: Parameters<typeof staffOf>[0], s: pb.TakeStepRequest['step']) => {
  when(local);
  await call('takeStep', step(ids[name]!, s), staffOf(who));
};
const accept = (name: string, local: string, who = city) => take(name, local, who, { $case: 'accept', accept: { note: '' } });
const reply = (name: string, local: string, who: Parameters<typeof staffOf>[0]) =>
  take(name, local, who, { $case: 'reply', reply: { body: `关于${name}的答复` } });
async function rate(name: string, local: string, attitude: number, speed: number, overall: pb.Satisfaction) {
  when(local);
  await call('rateReply', { ...codes[name]!, attitude, speed, overall, comment: '' }, asPublic());
}

beforeAll(async () => {
  await ensureStack();
  running = await startFeedback(namespace, {}, at('2026-09-28 09:00'));
  await publishTree(running, namespace, [province, city, lh, gb1, b1, ds, b2]);
  cityPost = (await call('createLeaderPost', { organizationId: city.id, title: '书记', holderName: '' }, staffOf(city))).leaderPost!.id;

  await write('A', '2026-09-28 10:00', { leaderPostId: cityPost });
  await accept('A', '2026-09-29 09:00');
  await take('A', '2026-09-29 10:00', city, { $case: 'assign', assign: { organizationId: lh.id, note: '' } });
  await reply('A', '2026-09-30 10:00', lh);
  await rate('A', '2026-09-30 12:00', 5, 5, pb.Satisfaction.SATISFACTION_VERY_SATISFIED);

  await write('B', '2026-09-29 10:00', { organizationId: lh.id });
  await accept('B', '2026-09-29 11:00', lh);
  await reply('B', '2026-10-09 10:00', lh);
  await rate('B', '2026-10-09 12:00', 2, 3, pb.Satisfaction.SATISFACTION_DISSATISFIED);
  await take('B', '2026-10-12 10:00', lh, { $case: 'rectify', rectify: { note: '已整改' } });
  await take('B', '2026-10-13 10:00', lh, {
    $case: 'revisit',
    revisit: { result: pb.RevisitResult.REVISIT_RESULT_RESOLVED, note: '回访满意' },
  });

  await write('C', '2026-10-08 09:00', { organizationId: lh.id });
  await take('C', '2026-10-08 10:00', lh, {
    $case: 'return',
    return: { reason: pb.ReturnReason.RETURN_REASON_ABUSIVE, note: '含辱骂内容' },
  });

  await write('D', '2026-10-08 09:30', { organizationId: b1.id, type: pb.MessageType.MESSAGE_TYPE_CONSULTATION });
  await accept('D', '2026-10-08 11:00', b1);
  await write('E', '2026-10-09 09:00', { organizationId: b1.id });
  await take('E', '2026-10-09 10:00', b1, { $case: 'merge', merge: { intoMessageId: ids.D!, note: '同一事项' } });

  await write('F', '2026-10-12 09:00', { organizationId: ds.id });
  await accept('F', '2026-10-12 10:00', ds);

  await write('G', '2026-10-13 09:00', { organizationId: b2.id });
  await accept('G', '2026-10-13 10:00', b2);
  await reply('G', '2026-10-15 10:00', b2);
  await rate('G', '2026-10-15 12:00', 3, 4, pb.Satisfaction.SATISFACTION_BASICALLY_SATISFIED);

  await write('I', '2026-10-15 09:00', { leaderPostId: cityPost });
  await accept('I', '2026-10-15 10:00');
  await reply('I', '2026-10-16 10:00', city);
  await rate('I', '2026-10-16 12:00', 1, 1, pb.Satisfaction.SATISFACTION_VERY_DISSATISFIED);
  await take('I', '2026-10-19 10:00', city, { $case: 'rectify', rectify: { note: '约谈承办人' } });

  await reply('D', '2026-10-20 10:00', b1);
  await write('H', '2026-10-22 09:00', { organizationId: b2.id });

  when('2026-10-23 10:00');
  // Three weeks of hours to look at: a tick stops at its budget and the next goes on.
  while (!(await running.app.ticker.tick(running.clock.now)).complete);
  await running.app.statistics.recompute();
});

afterAll(async () => {
  await running?.stop();
  await cleanupNamespace(namespace);
});

const statistics = (organizationId: string, from: string, to: string, who = city) =>
  call('getStatistics', { organizationId, from, to }, staffOf(who));
const counts = (f: pb.Figures | undefined) => ({
  submitted: Number(f!.submitted),
  received: Number(f!.received),
  returned: Number(f!.returned),
  merged: Number(f!.merged),
  replied: Number(f!.replied),
  repliedOnTime: Number(f!.repliedOnTime),
  overdue: Number(f!.overdue),
  ratings: Number(f!.ratings),
  unsatisfied: Number(f!.unsatisfied),
  revisited: Number(f!.revisited),
});

test('the city over September and October, whole months', async () => {
  const report = await statistics(city.id, '2026-09-01', '2026-10-31');
  expect(report.organizationName).toBe('江川市委');
  expect(counts(report.total)).toEqual({
    submitted: 9,
    received: 7,
    returned: 1,
    merged: 1,
    replied: 5,
    repliedOnTime: 4,
    overdue: 1,
    ratings: 4,
    unsatisfied: 2,
    revisited: 1,
  });
  expect(report.total).toMatchObject({
    replyRate: 5 / 7,
    // A, B, G and I in time; D late; F overdue and unreplied.
    onTimeRate: 4 / 6,
    // Working days 1, 2, 2, 3, 9.
    handlingDaysP50: 2,
    handlingDaysP90: 9,
    satisfaction: 2 / 4,
    attitudeStars: 11 / 4,
    speedStars: 13 / 4,
    revisitRate: 1 / 2,
  });
  const level = (l: pb.OrganizationLevel) => counts(report.levels.find((x) => x.level === l)?.figures);
  expect(report.levels.map((l) => pb.organizationLevelCodec.fromProto(l.level))).toEqual(['committee', 'branch']);
  expect(level(pb.OrganizationLevel.ORGANIZATION_LEVEL_COMMITTEE)).toMatchObject({
    submitted: 5,
    received: 4,
    returned: 1,
    replied: 3,
    overdue: 1,
  });
  expect(level(pb.OrganizationLevel.ORGANIZATION_LEVEL_BRANCH)).toMatchObject({
    submitted: 4,
    received: 3,
    merged: 1,
    replied: 2,
    repliedOnTime: 1,
  });
  expect(report.organizations.map((o) => [o.organizationName, Number(o.figures!.received)])).toEqual([
    ['东山村党支部', 2],
    ['临河区委', 2],
    ['滨江社区党支部', 1],
    ['江川市委', 1],
    ['东山区委', 1],
  ]);
  expect(report.organizationsTotal).toBe(5);
  expect(report.leaderPosts).toHaveLength(1);
  expect(report.leaderPosts[0]).toMatchObject({ leaderPostId: cityPost, title: '书记', organizationName: '江川市委' });
  expect(counts(report.leaderPosts[0]!.figures)).toEqual({
    submitted: 2,
    received: 2,
    returned: 0,
    merged: 0,
    replied: 2,
    repliedOnTime: 2,
    overdue: 0,
    ratings: 2,
    unsatisfied: 1,
    revisited: 0,
  });
  expect(report.leaderPosts[0]!.figures).toMatchObject({
    satisfaction: 1 / 2,
    attitudeStars: 3,
    speedStars: 3,
    handlingDaysP50: 1,
    handlingDaysP90: 2,
  });
  expect(report.computedThrough).toBeTruthy();
});

test('one district over parts of two months, from day tallies', async () => {
  const report = await statistics(lh.id, '2026-09-29', '2026-10-09', lh);
  expect(counts(report.total)).toEqual({
    submitted: 4,
    received: 2,
    returned: 1,
    merged: 1,
    replied: 2,
    repliedOnTime: 1,
    overdue: 0,
    ratings: 1,
    unsatisfied: 1,
    revisited: 1,
  });
  expect(report.total).toMatchObject({
    replyRate: 1,
    onTimeRate: 1 / 2,
    handlingDaysP50: 3,
    handlingDaysP90: 9,
    satisfaction: 0,
    attitudeStars: 2,
    speedStars: 3,
    revisitRate: 1,
  });
  expect(report.levels.map((l) => pb.organizationLevelCodec.fromProto(l.level))).toEqual(['committee', 'branch']);
});

test('a period without messages, and a caller outside the subtree', async () => {
  expect(counts((await statistics(ds.id, '2026-09-01', '2026-09-30', ds)).total)).toMatchObject({ submitted: 0, received: 0 });
  expect(await errorOf(statistics(lh.id, '2026-10-01', '2026-10-31', ds))).toMatchObject({ code: 'FEEDBACK_ORGANIZATION_NOT_FOUND' });
  expect(await errorOf(statistics(city.id, '2026-10-31', '2026-10-01'))).toMatchObject({
    code: 'VALIDATION_FAILED',
    details: { to: 'must not be before from' },
  });
  expect(await errorOf(statistics(city.id, '2025-01-01', '2026-10-31'))).toMatchObject({
    details: { to: 'the period is at most 366 days' },
  });
  expect(
    await errorOf(call('getStatistics', { organizationId: city.id, from: '2026-10-01', to: '2026-10-31' }, staffOf(city, ['member']))),
  ).toMatchObject({ code: 'ACCESS_DENIED' });
});

test('a change after the count is in the next one', async () => {
  await accept('H', '2026-10-23 11:00', b2);
  await reply('H', '2026-10-23 15:00', b2);
  await running.app.statistics.recompute();
  const report = await statistics(city.id, '2026-10-01', '2026-10-31');
  // October alone: C, D, E, F, G, H, I; H replied the day after it was written.
  expect(counts(report.total)).toMatchObject({ submitted: 7, received: 5, replied: 4, repliedOnTime: 3, overdue: 1 });
  expect(report.total!.handlingDaysP90).toBe(9);
});
