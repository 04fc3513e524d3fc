/**
 * Discipline cases and notices on the real store: scope and refusals, decisions with their
 * influence periods and events, the fixture month's table reproduced through the service, the
 * notice workflow, and typical-case notices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import { cleanupNamespace, ensureStack, streamEvents, uniqueNamespace, waitFor } from '@repo/testbed';
import { as, EventFeed, refusal, startSupervision, type RunningSupervision } from '../support';

jest.setTimeout(90_000);

const namespace = uniqueNamespace('discipline');
let running: RunningSupervision;
let feed: EventFeed;
let discipline: RpcClient<typeof pb.DisciplineServiceService>;

const provinceInspector = { userId: 'inspector-p', roles: ['inspector'], orgPath: '/p/' };
const secondInspector = { userId: 'inspector-q', roles: ['inspector'], orgPath: '/p/' };
const countyInspector = { userId: 'inspector-c2', roles: ['inspector'], orgPath: '/p/c2/' };
const orgAdmin = { userId: 'admin-p', roles: ['orgAdmin'], orgPath: '/p/' };

const {
  violationCategoryCodec: categories,
  officialLevelCodec: levels,
  treatmentCodec: treatments,
  partySanctionCodec: party,
  governmentSanctionCodec: government,
} = pb;

beforeAll(async () => {
  await ensureStack(['ferretdb', 'nats']);
  running = await startSupervision(namespace);
  feed = await EventFeed.open(namespace);
  discipline = new RpcClient(pb.DisciplineServiceService, running.address);
  for (const [id, path, name, kind] of [
    ['p', '/p/', '江川省', 'committee'],
    ['c1', '/p/c1/', '江川省清河县', 'committee'],
    ['c2', '/p/c2/', '江川省白沙县', 'committee'],
  ]) {
    await feed.publish({
      type: 'member.organization.created',
      actor: 'admin',
      orgPath: path!,
      subjectId: id!,
      data: { name, kind, parentId: '' },
    });
  }
  await waitFor(
    async () =>
      (await discipline
        .call('listCases', pb.ListCasesRequest.create({ organizationId: 'c2' }), await as(provinceInspector))
        .catch(() => undefined)) ?? false,
    {
      what: 'the organisations to be known',
    },
  );
});

afterAll(async () => {
  discipline?.close();
  await feed?.close();
  await running?.stop();
  await cleanupNamespace(namespace);
});

let serial = 0;
function newCase(fields: Partial<pb.CreateCaseRequest> = {}): pb.CreateCaseRequest {
  serial += 1;
  return pb.CreateCaseRequest.create({
    number: `江纪案〔2025〕${serial}号-${namespace}`,
    organizationId: 'c1',
    category: categories.toProto('banqueting'),
    summary: '违规接受管理服务对象宴请',
    foundAt: '2025-03-01',
    persons: [pb.NewCasePerson.create({ name: '张某', memberId: '', post: '县交通运输局局长', level: levels.toProto('countyDivision') })],
    ...fields,
  });
}

const decision = (d: { treatment?: string; partySanction?: string; probationYears?: number; governmentSanction?: string }) =>
  pb.PersonDecision.create({
    treatment: treatments.toProto(d.treatment),
    partySanction: party.toProto(d.partySanction),
    probationYears: d.probationYears ?? 0,
    governmentSanction: government.toProto(d.governmentSanction),
  });

test('a case is recorded in scope; a duplicate number, an unknown organisation and bad fields are refused', async () => {
  const request = newCase();
  const { case: created } = await discipline.call('createCase', request, await as(provinceInspector));
  expect(created).toMatchObject({ number: request.number, orgPath: '/p/c1/', status: 'CASE_STATUS_OPEN', revision: 1 });
  await expect(discipline.call('createCase', { ...request }, await as(provinceInspector))).rejects.toMatchObject({
    code: status.ALREADY_EXISTS,
    details: expect.stringContaining(request.number),
  });
  await expect(discipline.call('createCase', newCase({ organizationId: 'nowhere' }), await as(provinceInspector))).rejects.toMatchObject({
    code: status.NOT_FOUND,
  });
  // Another county's organisation is outside this inspector's scope: as if it did not exist.
  await expect(discipline.call('createCase', newCase(), await as(countyInspector))).rejects.toMatchObject({ code: status.NOT_FOUND });
  await expect(
    discipline.call('createCase', newCase({ foundAt: '2025-02-30', persons: [] }), await as(provinceInspector)),
  ).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringMatching(/foundAt.*persons|persons.*foundAt/),
  });
  await expect(discipline.call('createCase', newCase(), await as(orgAdmin))).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
  await expect(discipline.call('getCase', { id: created!.id }, await as(countyInspector))).rejects.toMatchObject({
    code: status.NOT_FOUND,
  });
  await expect(discipline.call('getCase', { id: created!.id }, await as({}))).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  // Nothing half-written: the refused ones left no case.
  const listed = await discipline.call('listCases', pb.ListCasesRequest.create({ organizationId: 'c1' }), await as(provinceInspector));
  expect(listed.cases.filter((c) => c.number === request.number)).toHaveLength(1);
});

test('a decision gives each person theirs with its influence periods, once, and is published as an event', async () => {
  const { case: created } = await discipline.call(
    'createCase',
    newCase({
      persons: [
        pb.NewCasePerson.create({ name: '李某', memberId: 'member-li', post: '局长', level: levels.toProto('countyDivision') }),
        pb.NewCasePerson.create({ name: '王某', memberId: '', post: '科员', level: levels.toProto('townshipAndBelow') }),
      ],
    }),
    await as(provinceInspector),
  );
  await expect(
    discipline.call(
      'decideCase',
      { id: created!.id, decidedAt: '2025-03-20', decisions: [decision({ partySanction: 'probation' })], expectedRevision: 0 },
      await as(provinceInspector),
    ),
  ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('decisions') });
  expect(
    await refusal(
      discipline.call(
        'decideCase',
        { id: created!.id, decidedAt: '2025-03-20', decisions: [], expectedRevision: 7 },
        await as(provinceInspector),
      ),
    ),
  ).toMatchObject({
    grpcStatus: status.ABORTED,
    code: 'STALE_REVISION',
  });
  const { case: decided } = await discipline.call(
    'decideCase',
    {
      id: created!.id,
      decidedAt: '2025-03-20',
      decisions: [
        decision({ partySanction: 'seriousWarning', governmentSanction: 'demerit' }),
        decision({ treatment: 'criticismEducation' }),
      ],
      expectedRevision: 1,
    },
    await as(provinceInspector),
  );
  expect(decided!.status).toBe('CASE_STATUS_DECIDED');
  expect(decided!.persons[0]!.influence.map((p) => [p.name, p.until])).toEqual([
    ['严重警告', '2026-09-20'],
    ['政务记过', '2026-03-20'],
  ]);
  const again = discipline.call(
    'decideCase',
    {
      id: created!.id,
      decidedAt: '2025-03-21',
      decisions: [decision({ treatment: 'admonishment' }), decision({ treatment: 'admonishment' })],
      expectedRevision: 0,
    },
    await as(provinceInspector),
  );
  expect(await refusal(again)).toMatchObject({ grpcStatus: status.FAILED_PRECONDITION, code: 'CASE_ALREADY_DECIDED' });
  const { periods } = await discipline.call(
    'listInfluencePeriods',
    { memberId: 'member-li', on: '2026-06-01' },
    await as(provinceInspector),
  );
  expect(periods.map((p) => p.period!.name)).toEqual(['严重警告']);
  const event = await waitFor(
    async () => (await streamEvents(namespace, 'supervision.case.decided')).find((e) => e.subjectId === created!.id),
    { what: 'the decided event' },
  );
  expect(event.data).toMatchObject({
    decidedAt: '2025-03-20',
    persons: [{ memberId: 'member-li', level: 'countyDivision' }, { level: 'townshipAndBelow' }],
  });
  // The event names nobody: the people are their member ids and levels.
  expect(JSON.stringify(event.data)).not.toContain('李某');
});

interface FixtureCase {
  ref: string;
  category: string;
  foundAt: string;
  decidedAt?: string;
  persons: {
    level: string;
    decision?: { treatment?: string; partySanction?: string; probationYears?: number; governmentSanction?: string };
  }[];
}

test('the fixture month’s table is reproduced exactly by a monthly notice, which goes draft → reviewed → published', async () => {
  const fixtures = join(__dirname, '../fixtures');
  const fixture = JSON.parse(readFileSync(join(fixtures, 'month-2025-03.cases.json'), 'utf8')) as { cases: FixtureCase[] };
  // A province of its own, so the cases of the other tests do not count.
  await feed.publish({
    type: 'member.organization.created',
    actor: 'admin',
    orgPath: '/jc/',
    subjectId: 'jc',
    data: { name: '江川省', kind: 'committee' },
  });
  await feed.publish({
    type: 'member.organization.created',
    actor: 'admin',
    orgPath: '/jc/qh/',
    subjectId: 'jc-qh',
    data: { name: '江川省清河县', kind: 'committee' },
  });
  const inspector = { userId: 'inspector-jc', roles: ['inspector'], orgPath: '/jc/' };
  await waitFor(
    async () =>
      (await discipline
        .call('listCases', pb.ListCasesRequest.create({ organizationId: 'jc-qh' }), await as(inspector))
        .catch(() => undefined)) ?? false,
    { what: 'the province' },
  );
  for (const [i, c] of fixture.cases.entries()) {
    const { case: created } = await discipline.call(
      'createCase',
      newCase({
        organizationId: i % 2 ? 'jc' : 'jc-qh',
        category: categories.toProto(c.category),
        foundAt: c.foundAt,
        persons: c.persons.map((p, j) =>
          pb.NewCasePerson.create({ name: `${c.ref}${j}`, memberId: '', post: '干部', level: levels.toProto(p.level) }),
        ),
      }),
      await as(inspector),
    );
    if (c.decidedAt) {
      await discipline.call(
        'decideCase',
        { id: created!.id, decidedAt: c.decidedAt, decisions: c.persons.map((p) => decision(p.decision!)), expectedRevision: 0 },
        await as(inspector),
      );
    }
  }
  const { notice } = await discipline.call(
    'createNotice',
    pb.CreateNoticeRequest.create({ kind: pb.noticeKindCodec.toProto('monthly'), organizationId: 'jc', month: '2025-03' }),
    await as(inspector),
  );
  expect(notice!.text).toBe(readFileSync(join(fixtures, 'month-2025-03.expected.md'), 'utf8'));
  expect(notice!.status).toBe('NOTICE_STATUS_DRAFT');

  // A draft is not public; its drafter cannot review it; another inspector can; then it is published.
  await expect(discipline.call('getNotice', { id: notice!.id }, await as({}))).rejects.toMatchObject({ code: status.NOT_FOUND });
  const transition = async (action: string, caller: typeof inspector) =>
    discipline.call('transitionNotice', { id: notice!.id, action: pb.noticeActionCodec.toProto(action), note: '' }, await as(caller));
  expect(await refusal(transition('review', inspector))).toMatchObject({
    grpcStatus: status.PERMISSION_DENIED,
    code: 'NOTICE_SELF_REVIEW',
  });
  expect(await refusal(transition('publish', inspector))).toMatchObject({ code: 'NOTICE_WORKFLOW_STEP', details: { needs: 'reviewed' } });
  await transition('review', { ...secondInspector, orgPath: '/jc/' });
  const { notice: published } = await transition('publish', inspector);
  expect(published!.status).toBe('NOTICE_STATUS_PUBLISHED');
  expect(published!.history.map((s) => s.action)).toEqual(['NOTICE_ACTION_REVIEW', 'NOTICE_ACTION_PUBLISH']);
  await expect(transition('refresh', inspector)).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
  const read = await discipline.call('getNotice', { id: notice!.id }, await as({}));
  expect(read.notice!.text).toBe(notice!.text);
  const listed = await discipline.call('listNotices', pb.ListNoticesRequest.create({ organizationId: 'jc' }), await as({}));
  expect(listed.notices.map((n) => n.id)).toEqual([notice!.id]);
  // A month not yet over cannot be reported, nor a malformed one.
  await expect(
    discipline.call(
      'createNotice',
      pb.CreateNoticeRequest.create({ kind: pb.noticeKindCodec.toProto('monthly'), organizationId: 'jc', month: '2999-01' }),
      await as(inspector),
    ),
  ).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringContaining('month'),
  });
});

test('a typical-cases notice names the chosen decided cases, in the order they were decided', async () => {
  const make = async (category: string, decidedAt?: string) => {
    const { case: created } = await discipline.call(
      'createCase',
      newCase({ category: categories.toProto(category), summary: category === 'officialCars' ? '公车私用' : '违规收受购物卡' }),
      await as(provinceInspector),
    );
    if (decidedAt)
      await discipline.call(
        'decideCase',
        { id: created!.id, decidedAt, decisions: [decision({ partySanction: 'warning' })], expectedRevision: 0 },
        await as(provinceInspector),
      );
    return created!.id;
  };
  const later = await make('officialCars', '2025-04-02');
  const earlier = await make('giftsAndMoney', '2025-03-28');
  const open = await make('banqueting');
  const create = async (caseIds: string[]) =>
    discipline.call(
      'createNotice',
      pb.CreateNoticeRequest.create({ kind: pb.noticeKindCodec.toProto('typicalCases'), organizationId: 'p', caseIds }),
      await as(provinceInspector),
    );
  const { notice } = await create([later, earlier]);
  expect(notice!.title).toBe('江川省关于二起违反中央八项规定精神典型问题的通报');
  expect(notice!.caseIds).toEqual([earlier, later]);
  expect(notice!.text).toContain('1. 江川省清河县县交通运输局局长张某违规收受购物卡问题。2025年3月28日，张某受到党内警告处分。');
  expect(notice!.text).toContain('2. 江川省清河县县交通运输局局长张某公车私用问题。2025年4月2日，张某受到党内警告处分。');
  await expect(create([later, open])).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringContaining('caseIds[1]'),
  });
  await expect(create([])).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('caseIds') });
});
