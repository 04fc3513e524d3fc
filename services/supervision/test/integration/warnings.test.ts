/**
 * The early-warning rules over the real event stream: every kind of rule raises its warning once
 * per rule, subject and period whatever the redeliveries; warnings are handled, scoped, counted
 * and published as events.
 */
import { status } from '@grpc/grpc-js';
import type { EventEnvelope } from '@repo/bus';
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import { cleanupNamespace, ensureStack, streamEvents, uniqueNamespace, waitFor } from '@repo/testbed';
import { as, EventFeed, refusal, startSupervision, type RunningSupervision } from '../support';

jest.setTimeout(90_000);

const namespace = uniqueNamespace('warnings');
let running: RunningSupervision;
let feed: EventFeed;
let warnings: RpcClient<typeof pb.WarningServiceService>;
let discipline: RpcClient<typeof pb.DisciplineServiceService>;

const inspector = { userId: 'inspector-w', roles: ['inspector'], orgPath: '/w/' };
const otherInspector = { userId: 'inspector-v', roles: ['inspector'], orgPath: '/v/' };
const secretary = { userId: 'secretary-b1', roles: ['secretary'], orgPath: '/w/b1/' };
const superAdmin = { userId: 'admin', roles: ['superAdmin'], orgPath: '/' };

beforeAll(async () => {
  await ensureStack(['ferretdb', 'nats']);
  running = await startSupervision(namespace);
  feed = await EventFeed.open(namespace);
  warnings = new RpcClient(pb.WarningServiceService, running.address);
  discipline = new RpcClient(pb.DisciplineServiceService, running.address);
});

afterAll(async () => {
  warnings?.close();
  discipline?.close();
  await feed?.close();
  await running?.stop();
  await cleanupNamespace(namespace);
});

async function list(filter: Partial<pb.ListWarningsRequest>, caller: Parameters<typeof as>[0] = superAdmin) {
  return (await warnings.call('listWarnings', pb.ListWarningsRequest.create({ page: { page: 1, size: 100 }, ...filter }), await as(caller)))
    .warnings;
}

/** Waits until the rule has raised `count` warnings about the subject (and no more come within a moment). */
async function raised(ruleId: string, subjectId: string, count: number) {
  const found = await waitFor(
    async () => {
      const got = await list({ ruleId, subjectId });
      return got.length >= count ? got : undefined;
    },
    { what: `${count} warnings of ${ruleId} about ${subjectId}` },
  );
  return found;
}

/**
 * Publishes a harmless event through the same consumer and waits until that consumer has handled
 * it: everything published before it has been handled too (the dues consumer takes them in order;
 * the others are waited for by what they raise).
 */
async function settled(type = 'member.dues.billed', durable = 'supervision-warnings-member-dues'): Promise<void> {
  const marker = await feed.publish({
    type,
    actor: `marker-${Math.random()}`,
    orgPath: '/w/',
    subjectId: `marker-${Math.random()}`,
    data: { billId: `marker-${Math.random()}`, month: '2025-01', amountFen: 0 },
  });
  const processed = running.app.connection.db!.collection('processed_events');
  await waitFor(async () => (await processed.countDocuments({ _id: `${durable}:${marker.id}` as never })) > 0, {
    what: `${durable} to handle the marker`,
  });
}

test('dues arrears raise a warning at 3, 4, 5 and 6 months, once each per episode of unpaid months', async () => {
  const member = 'member-arrears';
  const bill = (month: string, amountFen = 100) =>
    feed.publish({
      type: 'member.dues.billed',
      actor: 'admin',
      orgPath: '/w/b1/',
      subjectId: member,
      data: { billId: `${member}-${month}`, month, amountFen },
    });
  const pay = (month: string) =>
    feed.publish({
      type: 'member.dues.paid',
      actor: 'secretary-b1',
      orgPath: '/w/b1/',
      subjectId: member,
      data: { billId: `${member}-${month}`, month, settled: true },
    });
  const events: EventEnvelope[] = [];
  for (const month of ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']) events.push(await bill(month));
  await feed.republish(events[5]!);
  await raised('dues-arrears-6', member, 1);
  await settled();
  const first = await list({ subjectId: member });
  expect(first.map((w) => [w.ruleId, w.period]).sort()).toEqual([
    ['dues-arrears-3', '2025-01'],
    ['dues-arrears-4', '2025-01'],
    ['dues-arrears-5', '2025-01'],
    ['dues-arrears-6', '2025-01'],
  ]);
  expect(first.find((w) => w.ruleId === 'dues-arrears-6')).toMatchObject({
    severity: 'WARNING_SEVERITY_SERIOUS',
    orgPath: '/w/b1/',
    status: 'WARNING_STATUS_OPEN',
  });
  expect(JSON.parse(first.find((w) => w.ruleId === 'dues-arrears-6')!.factsJson)).toEqual({
    unpaidMonths: 6,
    fromMonth: '2025-01',
    toMonth: '2025-06',
    episodeFrom: '2025-01',
  });
  // The oldest months paid while the newest are not: the same episode, nothing new.
  for (const month of ['2025-01', '2025-02', '2025-03']) await pay(month);
  await bill('2025-07');
  await settled();
  expect(await list({ subjectId: member })).toHaveLength(4);
  // Paid up, then three months behind again: a new episode, warned at 3 months.
  for (const month of ['2025-04', '2025-05', '2025-06', '2025-07']) await pay(month);
  for (const month of ['2025-08', '2025-09', '2025-10']) await bill(month);
  await raised('dues-arrears-3', member, 2);
  await settled();
  const second = (await list({ subjectId: member })).filter((w) => w.period === '2025-08').map((w) => w.ruleId);
  expect(second).toEqual(['dues-arrears-3']);
  // An exempt member's bill of nothing is no arrears.
  for (const month of ['2025-01', '2025-02', '2025-03', '2025-04'])
    await feed.publish({
      type: 'member.dues.billed',
      actor: 'admin',
      orgPath: '/w/b1/',
      subjectId: 'member-exempt',
      data: { billId: `exempt-${month}`, month, amountFen: 0 },
    });
  await settled();
  expect(await list({ subjectId: 'member-exempt' })).toEqual([]);
});

test('a burst of national-ID reveals by one user is warned once a day; the same number spread out is not', async () => {
  const start = Date.parse('2026-11-20T01:00:00.000Z');
  const reveal = (actor: string, minutes: number) =>
    feed.publish({
      type: 'member.member.nationalIdRevealed',
      actor,
      orgPath: '/w/b1/',
      subjectId: `m-${minutes}`,
      occurredAt: new Date(start + minutes * 60_000).toISOString(),
      data: { reason: '核对' },
    });
  for (const minute of [0, 2, 3, 5, 9, 9.5]) await reveal('curious-user', minute);
  for (const minute of [0, 30, 60, 90, 120, 150]) await reveal('careful-user', minute);
  await raised('national-id-reveal-burst', 'curious-user', 1);
  await settled('member.member.nationalIdRevealed', 'supervision-warnings-member-member-nationalIdRevealed');
  const [warning] = await list({ ruleId: 'national-id-reveal-burst', subjectId: 'curious-user' });
  expect(warning!.period).toBe('2026-11-20');
  expect(JSON.parse(warning!.factsJson)).toMatchObject({ count: 5, withinMinutes: 10 });
  expect(await list({ ruleId: 'national-id-reveal-burst', subjectId: 'careful-user' })).toEqual([]);
});

test('a branch behind on its meetings is warned once the period has ended and its grace days passed', async () => {
  const organization = (id: string, path: string, kind: string, createdAt: string) =>
    feed.publish({
      type: 'member.organization.created',
      actor: 'admin',
      orgPath: path,
      subjectId: id,
      occurredAt: createdAt,
      data: { name: `${id}支部`, kind },
    });
  const meeting = (organizationId: string, type: string, date: string) =>
    feed.publish({
      type: 'member.meeting.recorded',
      actor: 'secretary',
      orgPath: '/w/',
      subjectId: `${organizationId}-${type}-${date}`,
      data: { organizationId, type, date, topic: '学习', present: 5 },
    });
  await organization('mb1', '/w/mb1/', 'branch', '2025-12-01T00:00:00.000Z');
  await organization('mb2', '/w/mb2/', 'branch', '2026-02-15T00:00:00.000Z');
  await organization('mg1', '/w/mb1/mg1/', 'group', '2025-11-01T00:00:00.000Z');
  await meeting('mb1', 'committeeMeeting', '2026-01-12');
  await meeting('mb1', 'groupMeeting', '2026-02-03');
  await meeting('mb2', 'generalMeeting', '2026-02-20');
  await settled('member.organization.updated', 'supervision-warnings-member-organization');
  await settled('member.meeting.recorded', 'supervision-warnings-member-meeting-recorded');
  const tick = (at: string) => running.app.jobs.tick(new Date(at));
  const judged = async () => (await list({ subjectId: 'mb1' })).map((w) => `${w.ruleId} ${w.period}`).sort();
  // 3 March: February has ended but its five grace days have not, so January is judged: no group meeting.
  await tick('2026-03-03T02:00:00.000Z');
  expect(await judged()).toEqual(['meetings-group-monthly 2026-01']);
  await tick('2026-03-10T02:00:00.000Z');
  expect(await judged()).toEqual(['meetings-committee-monthly 2026-02', 'meetings-group-monthly 2026-01']);
  const [february] = await list({ subjectId: 'mb1', ruleId: 'meetings-committee-monthly' });
  expect(JSON.parse(february!.factsJson)).toMatchObject({ organizationName: 'mb1支部', held: 0, required: 1 });
  // mb2 was created during February: judged from March on. A group is not a branch.
  expect(await list({ subjectId: 'mb2' })).toEqual([]);
  expect(await list({ subjectId: 'mg1' })).toEqual([]);
  // The first quarter: mb1 held no general meeting and no party lecture, nor March's meetings.
  await tick('2026-04-10T02:00:00.000Z');
  // Judged once: a second tick raises nothing more.
  await tick('2026-04-10T03:00:00.000Z');
  expect(await judged()).toEqual([
    'meetings-committee-monthly 2026-02',
    'meetings-committee-monthly 2026-03',
    'meetings-general-quarterly 2026-Q1',
    'meetings-group-monthly 2026-01',
    'meetings-group-monthly 2026-03',
    'meetings-lecture-quarterly 2026-Q1',
  ]);
});

test('a stage change inside a sanction’s influence period is warned; outside it, not', async () => {
  await feed.publish({
    type: 'member.organization.created',
    actor: 'admin',
    orgPath: '/w/',
    subjectId: 'w',
    data: { name: '某县', kind: 'committee' },
  });
  const create = async () =>
    discipline.call(
      'createCase',
      pb.CreateCaseRequest.create({
        number: `江纪案-${namespace}`,
        organizationId: 'w',
        category: pb.violationCategoryCodec.toProto('banqueting'),
        summary: '违规吃喝',
        foundAt: '2026-01-02',
        persons: [
          pb.NewCasePerson.create({
            name: '钱某',
            memberId: 'member-sanctioned',
            post: '支部委员',
            level: pb.officialLevelCodec.toProto('townshipAndBelow'),
          }),
        ],
      }),
      await as(inspector),
    );
  const { case: created } = await waitFor(() => create().catch(() => undefined), { what: 'the organisation to be known' });
  await discipline.call(
    'decideCase',
    {
      id: created!.id,
      decidedAt: '2026-01-10',
      decisions: [pb.PersonDecision.create({ partySanction: pb.partySanctionCodec.toProto('warning') })],
      expectedRevision: 0,
    },
    await as(inspector),
  );
  const change = (date: string) =>
    feed.publish({
      type: 'member.member.stageChanged',
      actor: 'secretary',
      orgPath: '/w/b1/',
      subjectId: 'member-sanctioned',
      data: { from: 'probationary', to: 'full', date },
    });
  await change('2027-02-01');
  await change('2026-06-30');
  const [warning] = await raised('stage-change-in-influence-period', 'member-sanctioned', 1);
  await settled('member.member.stageChanged', 'supervision-warnings-member-member-stageChanged');
  expect(await list({ ruleId: 'stage-change-in-influence-period', subjectId: 'member-sanctioned' })).toHaveLength(1);
  expect(JSON.parse(warning!.factsJson)).toMatchObject({
    on: '2026-06-30',
    sanction: '警告',
    from: '2026-01-10',
    until: '2027-01-10',
    caseNumber: `江纪案-${namespace}`,
  });
});

test('the rules of every service on the platform list run, feedback and learning included', async () => {
  const rules = (await warnings.call('listWarningRules', {}, await as(inspector))).rules;
  expect(rules.map((r) => r.id)).toEqual(
    expect.arrayContaining(['feedback-message-overdue', 'training-duplicate-override', 'class-hours-behind']),
  );
  const durables = running.app.consumers.map((c) => c.durable);
  expect(durables).toContain('supervision-warnings-member-dues');
  expect(durables).toContain('supervision-warnings-member-member-nationalIdRevealed');
  expect(durables).toContain('supervision-warnings-supervision-witness-refused');
  expect(durables.some((d) => d.includes('feedback'))).toBe(true);
  expect(JSON.parse(rules.find((r) => r.id === 'national-id-reveal-burst')!.settingsJson)).toMatchObject({
    eventType: 'member.member.nationalIdRevealed',
    count: 5,
    withinMinutes: 10,
  });
});

test('warnings are handled: assigned, acknowledged by the assignee, closed with a note; scoped, counted and published', async () => {
  const [warning] = await raised('dues-arrears-3', 'member-arrears', 1);
  const step = async (action: string, caller: Parameters<typeof as>[0], fields: Partial<pb.TransitionWarningRequest> = {}) =>
    (
      await warnings.call(
        'transitionWarning',
        pb.TransitionWarningRequest.create({ id: warning!.id, action: pb.warningActionCodec.toProto(action), ...fields }),
        await as(caller),
      )
    ).warning!;

  expect(await refusal(step('assign', secretary, { assignee: 'secretary-b1' }))).toMatchObject({ grpcStatus: status.PERMISSION_DENIED });
  expect(await refusal(step('assign', inspector))).toMatchObject({
    grpcStatus: status.INVALID_ARGUMENT,
    details: { assignee: expect.any(String) },
  });
  expect(await refusal(step('acknowledge', secretary))).toMatchObject({ code: 'WARNING_WORKFLOW_STEP' });
  await step('assign', inspector, { assignee: 'secretary-b1', note: '请核实' });
  expect(await refusal(step('acknowledge', { ...secretary, userId: 'secretary-b2' }))).toMatchObject({ code: 'WARNING_NOT_ASSIGNEE' });
  await step('acknowledge', secretary);
  expect(await refusal(step('close', inspector))).toMatchObject({ details: { note: 'is required: say what was done' } });
  const closed = await step('close', inspector, { note: '已补交党费并谈话提醒' });
  expect(closed).toMatchObject({ status: 'WARNING_STATUS_CLOSED', assignee: 'secretary-b1' });
  expect(closed.history.map((s) => [s.action, s.actor])).toEqual([
    ['WARNING_ACTION_ASSIGN', 'inspector-w'],
    ['WARNING_ACTION_ACKNOWLEDGE', 'secretary-b1'],
    ['WARNING_ACTION_CLOSE', 'inspector-w'],
  ]);

  // Scope: another county's inspector does not see it; the branch secretary does, and finds it assigned to them.
  expect(await refusal(warnings.call('getWarning', { id: warning!.id }, await as(otherInspector)))).toMatchObject({
    grpcStatus: status.NOT_FOUND,
  });
  expect((await list({ assignedToMe: true }, secretary)).map((w) => w.id)).toContain(warning!.id);
  expect(await list({}, otherInspector)).toEqual([]);
  expect(
    await refusal(
      warnings.call('listWarnings', pb.ListWarningsRequest.create({}), await as({ userId: 'm', roles: ['member'], orgPath: '/w/' })),
    ),
  ).toMatchObject({ grpcStatus: status.PERMISSION_DENIED });

  const stats = await warnings.call('getWarningStatistics', { orgPath: '/w/b1/' }, await as(inspector));
  const arrears3 = stats.byRule.find((r) => r.ruleId === 'dues-arrears-3')!;
  expect(arrears3).toMatchObject({ title: '连续3个月未交纳党费', counts: { open: 1, closed: 1, total: 2 } });
  expect(stats.byOrganization.map((o) => o.orgPath)).toEqual(['/w/b1/']);
  expect(stats.total!.total).toBe(stats.byRule.reduce((sum, r) => sum + r.counts!.total, 0));

  const events = await streamEvents(namespace, 'supervision.warning.closed');
  expect(events.find((e) => e.subjectId === warning!.id)).toMatchObject({
    actor: 'inspector-w',
    data: { ruleId: 'dues-arrears-3', note: '已补交党费并谈话提醒' },
  });
  expect((await streamEvents(namespace, 'supervision.warning.raised')).filter((e) => e.subjectId === warning!.id)).toHaveLength(1);
});
