/**
 * Supervision through the gateway: discipline cases and notices, early warnings and power lists
 * over REST, as portals call them — bad input named, refusals with the right status, public reads
 * of what is published, nothing half-written.
 */
import { connectBus, createEvent, EventPublisher, type Bus } from '@repo/bus';
import { createLogger } from '@repo/logging';
import { bearer, stackUrls, waitFor } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Call, type Platform } from './support';

jest.setTimeout(120_000);

// Organisations are named by the member service's ids (UUIDs) and paths made of them.
const city = 'a1b2c3d4-0000-4000-8000-000000000001';
const branch = 'a1b2c3d4-0000-4000-8000-000000000002';
const r = `/${city}/`;
const b1 = `/${city}/${branch}/`;

const inspector = bearer({ userId: 'inspector-r', roles: ['inspector'], orgPath: r }, tokenSecret);
const reviewer = bearer({ userId: 'inspector-s', roles: ['inspector'], orgPath: r }, tokenSecret);
const orgAdmin = bearer({ userId: 'admin-r', roles: ['orgAdmin'], orgPath: r }, tokenSecret);
const secretary = bearer({ userId: 'secretary-r1', roles: ['secretary'], orgPath: b1 }, tokenSecret);
const member = bearer({ userId: 'member-r1', roles: ['member'], orgPath: b1 }, tokenSecret);
const outsider = bearer({ userId: 'inspector-x', roles: ['inspector'], orgPath: '/a1b2c3d4-0000-4000-8000-000000000009/' }, tokenSecret);

let platform: Platform;
let call: Call;
let bus: Bus;
let publisher: EventPublisher;

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['supervision'] });
  call = httpCaller(platform);
  bus = await connectBus({
    url: stackUrls().natsUrl,
    logger: createLogger('feed', 'silent'),
    name: 'supervision-e2e',
    namespace: platform.namespace,
  });
  publisher = new EventPublisher(bus);
  for (const [id, path, name, kind] of [
    [city, r, '江川省某市', 'committee'],
    [branch, b1, '某市第一支部', 'branch'],
  ]) {
    await publisher.publish(
      createEvent({ type: 'member.organization.created', actor: 'admin', orgPath: path!, subjectId: id!, data: { name, kind } }),
    );
  }
  await waitFor(async () => (await call('GET', `/api/v1/power-items?organizationId=${branch}`)).status === 200, {
    what: 'the organisations to be known',
  });
});

afterAll(async () => {
  await bus?.close();
  await platform?.stop();
});

const caseBody = (fields: Record<string, unknown> = {}) => ({
  number: `某纪案〔2025〕${Math.random().toString(36).slice(2, 8)}号`,
  organizationId: branch,
  category: 'banqueting',
  summary: '违规接受管理服务对象宴请',
  foundAt: '2025-03-02',
  persons: [{ name: '孙某', post: '某局科长', level: 'townshipAndBelow', memberId: '3f1c2a56-8f1e-4c59-9a53-3c5f0b1f8f11' }],
  ...fields,
});

test('a case over REST: 201 with its location, bad fields named in a 400, refusals by role and scope', async () => {
  const created = await call('POST', '/api/v1/cases', inspector, caseBody());
  expect(created.status).toBe(201);
  expect(created.headers.get('location')).toBe(`/api/v1/cases/${created.body.id}`);
  expect(created.body).toMatchObject({
    status: 'open',
    orgPath: b1,
    category: 'banqueting',
    persons: [{ level: 'townshipAndBelow', influence: [] }],
  });

  const bad = await call('POST', '/api/v1/cases', inspector, caseBody({ category: 'bribery', foundAt: '2025-13-01' }));
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toMatch(/category|foundAt/);
  expect((await call('POST', '/api/v1/cases', inspector, { ...caseBody(), extra: 1 })).status).toBe(400);
  expect((await call('POST', '/api/v1/cases', orgAdmin, caseBody())).status).toBe(403);
  expect((await call('POST', '/api/v1/cases', undefined, caseBody())).status).toBe(401);
  expect((await call('GET', `/api/v1/cases/${created.body.id}`, outsider)).status).toBe(404);

  const decision = await call('POST', `/api/v1/cases/${created.body.id}/decision`, inspector, {
    decidedAt: '2025-03-20',
    decisions: [{ partySanction: 'seriousWarning', governmentSanction: 'majorDemerit' }],
  });
  expect(decision.status).toBe(200);
  expect(decision.body).toMatchObject({
    status: 'decided',
    persons: [
      {
        decision: { partySanction: 'seriousWarning', governmentSanction: 'majorDemerit' },
        influence: [{ until: '2026-09-20' }, { until: '2026-09-20' }],
      },
    ],
  });
  const again = await call('POST', `/api/v1/cases/${created.body.id}/decision`, inspector, {
    decidedAt: '2025-03-21',
    decisions: [{ treatment: 'admonishment' }],
  });
  expect(again.status).toBe(409);
  expect((again.body as unknown as { error: { code: string } }).error.code).toBe('CASE_ALREADY_DECIDED');
  const periods = await call('GET', '/api/v1/influence-periods?memberId=3f1c2a56-8f1e-4c59-9a53-3c5f0b1f8f11&on=2026-01-01', inspector);
  expect((periods.body as unknown as { periods: { period: { name: string } }[] }).periods.map((p) => p.period.name)).toEqual([
    '严重警告',
    '政务记大过',
  ]);

  const listed = await call('GET', '/api/v1/cases?status=decided&decidedIn=2025-03', inspector);
  expect((listed.body as unknown as { items: { id: string }[] }).items.map((c) => c.id)).toContain(created.body.id);
  expect((await call('GET', '/api/v1/cases?decidedIn=March', inspector)).status).toBe(400);
});

test('a monthly notice over REST: drafted, reviewed by another, published, then public', async () => {
  const drafted = await call('POST', '/api/v1/notices', inspector, { kind: 'monthly', organizationId: city, month: '2025-03' });
  expect(drafted.status).toBe(201);
  const id = drafted.body.id;
  expect(drafted.body.text).toContain('# 江川省某市查处违反中央八项规定精神问题汇总表（2025年3月）');
  expect((await call('GET', `/api/v1/notices/${id}`)).status).toBe(404);
  const self = await call('POST', `/api/v1/notices/${id}/review`, inspector, {});
  expect(self.status).toBe(403);
  expect((self.body as unknown as { error: { code: string } }).error.code).toBe('NOTICE_SELF_REVIEW');
  expect((await call('POST', `/api/v1/notices/${id}/publish`, inspector)).status).toBe(409);
  expect((await call('POST', `/api/v1/notices/${id}/review`, reviewer, { note: '核对无误' })).status).toBe(200);
  expect((await call('POST', `/api/v1/notices/${id}/publish`, inspector)).status).toBe(200);
  const read = await call('GET', `/api/v1/notices/${id}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ status: 'published', kind: 'monthly' });
  const rows = (read.body as unknown as { rows: { key: string; month: { problems: number } }[] }).rows;
  expect(rows.find((r) => r.key === 'total')!.month.problems).toBeGreaterThanOrEqual(1);
  const publicList = await call('GET', '/api/v1/notices?status=draft');
  expect((publicList.body as unknown as { items: unknown[] }).items).toEqual([]);
  expect((await call('POST', '/api/v1/notices', inspector, { kind: 'monthly', organizationId: city, month: '2025-3' })).status).toBe(400);
});

test('warnings over REST: raised by the rules, handled, counted; the secretary of the branch sees them', async () => {
  for (const month of ['2025-01', '2025-02', '2025-03']) {
    await publisher.publish(
      createEvent({
        type: 'member.dues.billed',
        actor: 'admin',
        orgPath: b1,
        subjectId: 'member-late',
        data: { billId: `late-${month}`, month, amountFen: 150 },
      }),
    );
  }
  const warning = await waitFor(
    async () => {
      const answer = await call('GET', '/api/v1/warnings?ruleId=dues-arrears-3&subjectId=member-late', inspector);
      return (answer.body as unknown as { items: { id: string; facts: { unpaidMonths: number } }[] }).items[0];
    },
    { what: 'the arrears warning' },
  );
  expect(warning.facts.unpaidMonths).toBe(3);
  expect((await call('POST', `/api/v1/warnings/${warning.id}/assign`, inspector, {})).status).toBe(400);
  expect((await call('POST', `/api/v1/warnings/${warning.id}/assign`, inspector, { assignee: 'secretary-r1' })).status).toBe(200);
  const mine = await call('GET', '/api/v1/warnings?assignedToMe=true', secretary);
  expect((mine.body as unknown as { items: { id: string }[] }).items.map((w) => w.id)).toEqual([warning.id]);
  expect((await call('POST', `/api/v1/warnings/${warning.id}/acknowledge`, secretary)).status).toBe(200);
  expect((await call('POST', `/api/v1/warnings/${warning.id}/close`, secretary, { note: '已补交' })).status).toBe(403);
  expect((await call('POST', `/api/v1/warnings/${warning.id}/close`, inspector, {})).status).toBe(400);
  const closed = await call('POST', `/api/v1/warnings/${warning.id}/close`, inspector, { note: '已补交党费' });
  expect(closed.body).toMatchObject({
    status: 'closed',
    history: [{ action: 'assign' }, { action: 'acknowledge' }, { action: 'close', note: '已补交党费' }],
  });
  const stats = await call('GET', '/api/v1/warnings/statistics', inspector);
  expect(stats.body).toMatchObject({ byOrganization: [{ orgPath: b1, counts: { closed: 1 } }] });
  expect((await call('GET', '/api/v1/warnings', member)).status).toBe(403);
  expect((await call('GET', `/api/v1/warnings/${warning.id}`, outsider)).status).toBe(404);
  const rules = await call('GET', '/api/v1/warnings/rules', inspector);
  expect(
    (rules.body as unknown as { rules: { id: string; basis: string }[] }).rules.find((r) => r.id === 'dues-arrears-6')!.basis,
  ).toContain('中国共产党章程');
});

test('power lists over REST: a draft, its publication, a new version, and an execution', async () => {
  const content = {
    name: '村集体资产处置',
    kind: 'publicPower',
    responsibleBody: '村民委员会',
    basis: [{ document: '《中华人民共和国村民委员会组织法》', article: '第二十四条' }],
    process: [
      { name: '村民委员会提出方案', actor: '村民委员会', timeLimitDays: 5 },
      { name: '村民会议讨论决定', actor: '村民会议', timeLimitDays: 10 },
    ],
    publicity: { content: '处置方案和结果', channel: '村务公开栏', timing: '决定后5个工作日内' },
    accountability: '未经村民会议讨论决定处置集体资产的，依规依纪追究责任',
  };
  const created = await call('POST', '/api/v1/power-items', secretary, { organizationId: branch, content });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await call('GET', `/api/v1/power-items/${id}`)).status).toBe(404);
  const bad = await call('PATCH', `/api/v1/power-items/${id}`, secretary, { process: [{ name: '提出', actor: '', timeLimitDays: 5 }] });
  expect(bad.status).toBe(400);
  expect((await call('POST', `/api/v1/power-items/${id}/publish`, secretary)).status).toBe(403);
  expect((await call('POST', `/api/v1/power-items/${id}/publish`, orgAdmin)).status).toBe(200);
  const published = await call('GET', `/api/v1/power-items/${id}`);
  expect(published.body).toMatchObject({ version: 1, status: 'published', content: { name: '村集体资产处置' } });
  expect((await call('POST', `/api/v1/power-items/${id}/versions`, secretary)).status).toBe(201);
  expect((await call('PATCH', `/api/v1/power-items/${id}`, secretary, { responsibleBody: '村民委员会、村务监督委员会' })).status).toBe(200);
  expect((await call('POST', `/api/v1/power-items/${id}/publish`, orgAdmin, { expectedRevision: 1 })).status).toBe(409);
  expect((await call('POST', `/api/v1/power-items/${id}/publish`, orgAdmin)).status).toBe(200);
  expect((await call('GET', `/api/v1/power-items/${id}/versions/1`)).body).toMatchObject({
    status: 'superseded',
    content: { responsibleBody: '村民委员会' },
  });
  expect((await call('GET', `/api/v1/power-items/${id}`)).body).toMatchObject({
    version: 2,
    content: { responsibleBody: '村民委员会、村务监督委员会' },
  });

  const started = await call('POST', `/api/v1/power-items/${id}/executions`, secretary, { title: '旧村部出租', startedAt: '2026-03-02' });
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({ version: 2, process: [{ actor: '村民委员会' }, { actor: '村民会议' }] });
  const first = await call('POST', `/api/v1/power-executions/${started.body.id}/steps`, secretary, {
    actor: '村民委员会',
    date: '2026-03-04',
  });
  expect(first.body).toMatchObject({ steps: [{ workingDays: 2, withinLimit: 'yes', byExpectedActor: true }] });
  expect(
    (await call('POST', `/api/v1/power-executions/${started.body.id}/steps`, secretary, { actor: '村民会议', date: 'tomorrow' })).status,
  ).toBe(400);
  expect((await call('GET', `/api/v1/power-executions/${started.body.id}`)).status).toBe(401);
  expect((await call('GET', `/api/v1/power-executions/${started.body.id}`, inspector)).status).toBe(200);
});
