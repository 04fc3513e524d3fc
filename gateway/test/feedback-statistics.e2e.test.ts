/**
 * Statistics reproduced exactly through REST, on a seeded dataset: nine messages taken through
 * the workflow by REST around 2026 国庆 (returned, merged, late, overdue, pending, rated at both
 * ends), counted by the service's job and read for whole months (month tallies) and for parts
 * of months (day tallies). Every expected figure below is worked out by hand from the table, not
 * by the code under test.
 *
 *   msg  to              written     handled by  outcome
 *   A    city's 书记     28 Sep      lh          replied 30 Sep (2 wd), 非常满意 5/5
 *   B    lh              29 Sep      lh          replied 9 Oct (3 wd), 不满意 2/3, rectified, revisited
 *   C    lh              8 Oct       lh          returned (abusive)
 *   D    b1              8 Oct       b1          consultation, replied 20 Oct (9 wd), after its 5-day deadline (14 Oct)
 *   E    b1              9 Oct       b1          merged into D
 *   F    ds              12 Oct      ds          accepted, overdue on 22 Oct
 *   G    b2              13 Oct      b2          replied 15 Oct (2 wd), 基本满意 3/4
 *   H    b2              22 Oct      b2          waiting to be accepted
 *   I    city's 书记     15 Oct      city        replied 16 Oct (1 wd), 非常不满意 1/1, rectified
 */
import {
  type FeedbackPlatform,
  type Headers,
  type Json,
  type TreeNode,
  draft,
  node,
  staff,
  startFeedbackPlatform,
} from './feedback-support';

jest.setTimeout(120_000);

const province = node(undefined, '江川省委');
const city = node(province, '江川市委');
const lh = node(city, '临河区委');
const gb1 = node(lh, '滨江街道党总支', 'generalBranch');
const b1 = node(gb1, '滨江社区党支部', 'branch');
const ds = node(city, '东山区委');
const b2 = node(ds, '东山村党支部', 'branch');

let fb: FeedbackPlatform;
const ids: Record<string, string> = {};
const codes: Record<string, { trackingCode: string; contact: string }> = {};
let cityPost = '';

async function write(name: string, local: string, to: { organizationId?: string; leaderPostId?: string; type?: string }) {
  fb.when(local);
  const body = draft(to.organizationId ?? '', {
    ...(to.organizationId ? {} : { organizationId: undefined, leaderPostId: to.leaderPostId }),
    subject: `留言${name}`,
    body: `第${name}条留言：请解决问题${name}。`,
    ...(to.type ? { type: to.type } : {}),
  });
  const answer = await fb.write(body);
  expect(answer.status).toBe(201);
  ids[name] = answer.id;
  codes[name] = { trackingCode: answer.trackingCode, contact: body.contact as string };
}

async function take(name: string, local: string, who: TreeNode, step: string, body: Record<string, unknown> = {}) {
  fb.when(local);
  const answer = await fb.step(ids[name]!, step, staff(who), body);
  if (answer.status !== 200) throw new Error(`${step} ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
}
const accept = (name: string, local: string, who = city) => take(name, local, who, 'accept');
const reply = (name: string, local: string, who: TreeNode) => take(name, local, who, 'reply', { body: `关于${name}的答复` });
async function rate(name: string, local: string, attitude: number, speed: number, overall: string) {
  fb.when(local);
  expect((await fb.call('POST', '/api/v1/messages/tracking/rating', {}, { ...codes[name], attitude, speed, overall })).status).toBe(200);
}

beforeAll(async () => {
  fb = await startFeedbackPlatform('2026-09-28 09:00', [province, city, lh, gb1, b1, ds, b2]);
  cityPost = (await fb.call('POST', '/api/v1/feedback/leader-posts', staff(city), { organizationId: city.id, title: '书记' })).body.id;

  await write('A', '2026-09-28 10:00', { leaderPostId: cityPost });
  await accept('A', '2026-09-29 09:00');
  await take('A', '2026-09-29 10:00', city, 'assign', { organizationId: lh.id });
  await reply('A', '2026-09-30 10:00', lh);
  await rate('A', '2026-09-30 12:00', 5, 5, 'verySatisfied');

  await write('B', '2026-09-29 10:00', { organizationId: lh.id });
  await accept('B', '2026-09-29 11:00', lh);
  await reply('B', '2026-10-09 10:00', lh);
  await rate('B', '2026-10-09 12:00', 2, 3, 'dissatisfied');
  await take('B', '2026-10-12 10:00', lh, 'rectify', { note: '已整改' });
  await take('B', '2026-10-13 10:00', lh, 'revisit', { result: 'resolved', note: '回访满意' });

  await write('C', '2026-10-08 09:00', { organizationId: lh.id });
  await take('C', '2026-10-08 10:00', lh, 'return', { reason: 'abusive', note: '含辱骂内容' });

  await write('D', '2026-10-08 09:30', { organizationId: b1.id, type: 'consultation' });
  await accept('D', '2026-10-08 11:00', b1);
  await write('E', '2026-10-09 09:00', { organizationId: b1.id });
  await take('E', '2026-10-09 10:00', b1, 'merge', { intoMessageId: ids.D, note: '同一事项' });

  await write('F', '2026-10-12 09:00', { organizationId: ds.id });
  await accept('F', '2026-10-12 10:00', ds);

  await write('G', '2026-10-13 09:00', { organizationId: b2.id });
  await accept('G', '2026-10-13 10:00', b2);
  await reply('G', '2026-10-15 10:00', b2);
  await rate('G', '2026-10-15 12:00', 3, 4, 'basicallySatisfied');

  await write('I', '2026-10-15 09:00', { leaderPostId: cityPost });
  await accept('I', '2026-10-15 10:00');
  await reply('I', '2026-10-16 10:00', city);
  await rate('I', '2026-10-16 12:00', 1, 1, 'veryDissatisfied');
  await take('I', '2026-10-19 10:00', city, 'rectify', { note: '约谈承办人' });

  await reply('D', '2026-10-20 10:00', b1);
  await write('H', '2026-10-22 09:00', { organizationId: b2.id });

  // The ticker marks F overdue (its deadline, 21 October, passed); then the statistics job counts.
  fb.when('2026-10-23 10:00');
  await fb.tick();
  await fb.feedback.statistics.recompute();
});

afterAll(async () => {
  await fb?.stop();
});

const statistics = async (organizationId: string, from: string, to: string, who: Headers = staff(city)) => {
  const answer = await fb.call('GET', `/api/v1/feedback/statistics?organizationId=${organizationId}&from=${from}&to=${to}`, who);
  if (answer.status !== 200) throw new Error(`statistics: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};
const countsOf = (f: Json) => ({
  submitted: f.submitted,
  received: f.received,
  returned: f.returned,
  merged: f.merged,
  replied: f.replied,
  repliedOnTime: f.repliedOnTime,
  overdue: f.overdue,
  ratings: f.ratings,
  unsatisfied: f.unsatisfied,
  revisited: f.revisited,
});

test('the city over September and October, whole months: in total, by level, by organisation, by leader post', async () => {
  const report = await statistics(city.id, '2026-09-01', '2026-10-31');
  expect(report).toMatchObject({ organizationId: city.id, organizationName: '江川市委', from: '2026-09-01', to: '2026-10-31' });
  expect(countsOf(report.total)).toEqual({
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
    // A and G at 基本满意 or better, of A, B, G, I.
    satisfaction: 2 / 4,
    attitudeStars: (5 + 2 + 3 + 1) / 4,
    speedStars: (5 + 3 + 4 + 1) / 4,
    revisitRate: 1 / 2,
  });
  const level = (l: string) => countsOf(report.levels.find((x: Json) => x.level === l).figures);
  expect(report.levels.map((l: Json) => l.level)).toEqual(['committee', 'branch']);
  // Committees handle A, B, C (lh), F (ds), I (city); branches D, E (b1), G, H (b2).
  expect(level('committee')).toEqual({
    submitted: 5,
    received: 4,
    returned: 1,
    merged: 0,
    replied: 3,
    repliedOnTime: 3,
    overdue: 1,
    ratings: 3,
    unsatisfied: 2,
    revisited: 1,
  });
  expect(level('branch')).toEqual({
    submitted: 4,
    received: 3,
    returned: 0,
    merged: 1,
    replied: 2,
    repliedOnTime: 1,
    overdue: 0,
    ratings: 1,
    unsatisfied: 0,
    revisited: 0,
  });
  // The busiest first; ties by name (in pinyin order: dōng before lín; bīn, dōng, jiāng).
  expect(report.organizations.map((o: Json) => [o.organizationName, o.level, o.figures.received])).toEqual([
    ['东山村党支部', 'branch', 2],
    ['临河区委', 'committee', 2],
    ['滨江社区党支部', 'branch', 1],
    ['东山区委', 'committee', 1],
    ['江川市委', 'committee', 1],
  ]);
  expect(report.organizationsTotal).toBe(5);
  expect(report.leaderPosts).toEqual([expect.objectContaining({ leaderPostId: cityPost, title: '书记', organizationName: '江川市委' })]);
  expect(countsOf(report.leaderPosts[0].figures)).toEqual({
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
  expect(report.leaderPosts[0].figures).toMatchObject({
    replyRate: 1,
    satisfaction: 1 / 2,
    attitudeStars: 3,
    speedStars: 3,
    handlingDaysP50: 1,
    handlingDaysP90: 2,
    revisitRate: 0,
  });
  expect(report.computedThrough).not.toBe('');
  // Fewer organisation rows asked for: the busiest first, the total still counts them all.
  const top = await fb.call(
    'GET',
    `/api/v1/feedback/statistics?organizationId=${city.id}&from=2026-09-01&to=2026-10-31&organizationRows=2`,
    staff(city),
  );
  expect(top.body.organizations.map((o: Json) => o.organizationName)).toEqual(['东山村党支部', '临河区委']);
  expect(top.body.organizationsTotal).toBe(5);
});

test('one district over parts of two months, from day tallies', async () => {
  // Written 29 September to 9 October under lh: B, C, D, E.
  const report = await statistics(lh.id, '2026-09-29', '2026-10-09', staff(lh));
  expect(countsOf(report.total)).toEqual({
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
  expect(report.levels.map((l: Json) => l.level)).toEqual(['committee', 'branch']);
  // A day alone: 28 September is A's, handled by lh although written to the city's 书记.
  expect(countsOf((await statistics(lh.id, '2026-09-28', '2026-09-28', staff(lh))).total)).toMatchObject({ submitted: 1, replied: 1 });
});

test('the caller’s own node when none is named; a period without messages; scope and rights', async () => {
  const own = await fb.call('GET', '/api/v1/feedback/statistics?from=2026-10-01&to=2026-10-31', staff(ds));
  expect(own.body).toMatchObject({ organizationId: ds.id, organizationName: '东山区委' });
  // F, G, H under ds in October.
  expect(countsOf(own.body.total)).toMatchObject({ submitted: 3, received: 3, replied: 1, overdue: 1 });
  expect(countsOf((await statistics(ds.id, '2026-09-01', '2026-09-30', staff(ds))).total)).toMatchObject({ submitted: 0, received: 0 });
  expect(
    await fb.call('GET', `/api/v1/feedback/statistics?organizationId=${lh.id}&from=2026-10-01&to=2026-10-31`, staff(ds)),
  ).toMatchObject({
    status: 404,
    body: { error: { code: 'FEEDBACK_ORGANIZATION_NOT_FOUND' } },
  });
  // Inspectors read statistics; members do not.
  expect((await fb.call('GET', '/api/v1/feedback/statistics?from=2026-10-01&to=2026-10-31', staff(city, ['inspector']))).status).toBe(200);
  expect((await fb.call('GET', '/api/v1/feedback/statistics?from=2026-10-01&to=2026-10-31', staff(city, ['member']))).status).toBe(403);
  expect((await fb.call('GET', '/api/v1/feedback/statistics?from=2026-10-01&to=2026-10-31')).status).toBe(401);
});

test('a change after the count is in the next one', async () => {
  await accept('H', '2026-10-23 11:00', b2);
  await reply('H', '2026-10-23 15:00', b2);
  // Not yet counted: the statistics are recomputed by their job.
  expect((await statistics(city.id, '2026-10-01', '2026-10-31')).total.replied).toBe(3);
  await fb.feedback.statistics.recompute();
  const report = await statistics(city.id, '2026-10-01', '2026-10-31');
  // October alone: C, D, E, F, G, H, I; H replied the day after it was written.
  expect(countsOf(report.total)).toMatchObject({ submitted: 7, received: 5, replied: 4, repliedOnTime: 3, overdue: 1 });
  // Working days 1 (H), 1 (I), 2 (G), 9 (D).
  expect(report.total).toMatchObject({ handlingDaysP50: 1, handlingDaysP90: 9 });
});
