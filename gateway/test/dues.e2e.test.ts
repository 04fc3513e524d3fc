/**
 * Party dues 党费 through REST against the real member service on the local stack: quotes,
 * monthly bills as background runs polled through their status resource (asked twice: one run), payments idempotent by reference, overpayment,
 * the arrears report, the arrears warning job (one event per episode on JetStream), and data
 * scope between two branches.
 */
import { randomUUID } from 'node:crypto';
import { bearer, stackUrls, waitFor } from '@repo/testbed';
import { connect } from 'nats';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(180_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

const admin = bearer({ userId: 'dues-admin', orgPath: '/', roles: ['superAdmin'] }, tokenSecret);
const months = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'];

/** POSTs a billing run and polls its status resource until it is finished: the finished run. */
async function bill(organizationId: string, month: string): Promise<Json> {
  const started = await call('POST', '/api/v1/dues/bills', admin, { organizationId, month });
  if (started.status !== 202 && started.status !== 200)
    throw new Error(`billing ${month}: ${started.status} ${JSON.stringify(started.body)}`);
  return waitFor(
    async () => {
      const run = await call('GET', started.body.status, admin);
      return run.status === 200 && run.body.state === 'finished' ? run.body : undefined;
    },
    { timeoutMs: 60_000, what: `the billing run of ${month}` },
  );
}

interface Tree {
  committee: Json;
  branchA: Json;
  branchB: Json;
  secretaryA: Record<string, string>;
  /** Member ids by fixture name. */
  ids: Record<'a1' | 'a2' | 'a3' | 'a4' | 'b1' | 'b2' | 'b3' | 'b4', string>;
}
let tree: Tree;

type NewMember = Parameters<Platform['member']['members']['create']>[0];
let serial = 0;

async function member(
  name: string,
  org: Json,
  stage: NewMember['stage'],
  duesCategory: NewMember['duesCategory'],
  duesIncomeFen: number,
): Promise<string> {
  serial += 1;
  const created = await platform.member.members.create({
    name,
    gender: serial % 2 ? 'male' : 'female',
    ethnicity: '汉族',
    birthDate: '1985-05-01',
    // Unique per run; the store checks uniqueness, the REST layer the checksum.
    nationalId: `11010119850501${String(serial).padStart(3, '0')}X`,
    education: 'bachelor',
    organizationId: org.id,
    orgPath: org.path,
    stage,
    keyDates: {},
    duesCategory,
    duesIncomeFen,
    history: [],
    probationExtensions: 0,
    createdBy: 'dues-admin',
  } as NewMember);
  return created.id;
}

async function organization(name: string, kind: string, parentId?: string): Promise<Json> {
  const response = await call('POST', '/api/v1/organizations', admin, { name, kind, ...(parentId ? { parentId } : {}) });
  expect(response.status).toBe(201);
  return response.body;
}

/** How many events of `type` the member stream of this test's namespace holds. */
async function eventsInStream(type: string): Promise<number> {
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const subject = `${platform.namespace}.${type}`;
    const info = await jsm.streams.info(`${platform.namespace.toUpperCase()}_MEMBER`, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

const pay = (headers: Record<string, string>, memberId: string, month: string, amountFen: number, reference: string) =>
  call('POST', '/api/v1/dues/payments', headers, { memberId, month, amountFen, reference });

beforeAll(async () => {
  // A generous deadline: the local stack is shared and may be busy; timing goals live in bench/.
  platform = await startPlatform({ RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', GRPC_DEADLINE_MS: '30000' });
  const committee = await organization('中共江川省财政厅机关委员会', 'committee');
  const branchA = await organization('第一党支部', 'branch', committee.id);
  const branchB = await organization('第二党支部', 'branch', committee.id);
  const ids: Tree['ids'] = {
    // Branch A: 4500 yuan in service (1%), 6000 yuan retired (1%), an applicant, a student.
    a1: await member('张伟', branchA, 'full', 'inService', 450_000),
    a2: await member('李娜', branchA, 'probationary', 'retired', 600_000),
    a3: await member('王强', branchA, 'applicant', 'inService', 800_000),
    a4: await member('刘洋', branchA, 'full', 'student', 0),
    // Branch B: annual salary 144000 yuan (12000 a month, 2%), an activist, a candidate, exempt.
    b1: await member('陈静', branchB, 'full', 'annualSalary', 14_400_000),
    b2: await member('杨磊', branchB, 'activist', 'inService', 300_000),
    b3: await member('赵敏', branchB, 'candidate', 'inService', 300_000),
    b4: await member('黄丽', branchB, 'full', 'exempt', 0),
  };
  const secretaryA = bearer({ userId: 'secretary-a', orgPath: branchA.path, roles: ['secretary'] }, tokenSecret);
  tree = { committee, branchA, branchB, secretaryA, ids };
});

afterAll(async () => {
  await platform?.stop();
});

describe('quote (public)', () => {
  test.each([
    ['inService', 300_000, 1_500, 50],
    ['inService', 300_001, 3_000, 100],
    ['inService', 500_000, 5_000, 100],
    ['inService', 500_001, 7_500, 150],
    ['inService', 1_000_000, 15_000, 150],
    ['inService', 1_000_001, 20_000, 200],
    ['retired', 500_000, 2_500, 50],
    ['retired', 500_001, 5_000, 100],
    ['annualSalary', 14_400_000, 24_000, 200],
    ['student', undefined, 20, 0],
    ['unemployed', undefined, 20, 0],
    ['minimumLiving', 0, 20, 0],
    ['exempt', undefined, 0, 0],
  ])('%s with %p fen a month pays %i fen', async (category, income, monthlyFen, rateBasisPoints) => {
    const query = income === undefined ? `category=${category}` : `income=${income}&category=${category}`;
    const response = await call('GET', `/api/v1/dues/quote?${query}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ category, monthlyFen, rateBasisPoints });
  });

  test('the annual salary basis is the monthly average', async () => {
    const response = await call('GET', '/api/v1/dues/quote?income=14400000&category=annualSalary');
    expect(response.body).toMatchObject({ basisFen: 1_200_000, bracket: 'inService > 10000 yuan' });
  });

  test('bad input is 400 naming the field', async () => {
    const badCategory = await call('GET', '/api/v1/dues/quote?income=100000&category=soldier');
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.error.details).toHaveProperty(['query.category']);
    for (const income of ['-1', '12.5', 'abc']) {
      const badIncome = await call('GET', `/api/v1/dues/quote?income=${income}&category=inService`);
      expect(badIncome.status).toBe(400);
      expect(badIncome.body.error.details).toHaveProperty(['query.income']);
    }
    // Beyond the domain's plausible monthly income: the service refuses it, named for REST.
    const tooMuch = await call('GET', '/api/v1/dues/quote?income=150000000&category=inService');
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toHaveProperty(['query.income']);
    const missing = await call('GET', '/api/v1/dues/quote?category=retired');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toHaveProperty(['query.income']);
    const unknown = await call('GET', '/api/v1/dues/quote?category=student&foo=1');
    expect(unknown.status).toBe(400);
  });
});

describe('bills', () => {
  test('a subtree is billed once per month as a background run; applicants, activists and candidates are not billed', async () => {
    const first = await call('POST', '/api/v1/dues/bills', admin, { organizationId: tree.committee.id, month: '2023-01' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      organizationId: tree.committee.id,
      month: '2023-01',
      started: true,
      status: `/api/v1/dues/billing-runs/${first.body.id}`,
    });
    expect(first.headers.get('location')).toBe(first.body.status);
    expect(['queued', 'running', 'finished']).toContain(first.body.state);
    const finished = await waitFor(
      async () => {
        const run = await call('GET', first.body.status, admin);
        return run.body.state === 'finished' ? run : undefined;
      },
      { timeoutMs: 60_000, what: 'the run to finish' },
    );
    expect(finished.status).toBe(200);
    // 4500 + 6000 + 20 + 24000 + 0; the 3 others are not dues-paying.
    expect(finished.body).toMatchObject({
      id: first.body.id,
      state: 'finished',
      membersRead: 8,
      created: 5,
      existing: 0,
      skipped: 0,
      totalFen: 34_520,
      attempts: 1,
      error: '',
    });
    // Asked again: the same run, finished, nobody billed twice.
    const again = await call('POST', '/api/v1/dues/bills', admin, { organizationId: tree.committee.id, month: '2023-01' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, started: false, state: 'finished', created: 5 });

    const listed = await call('GET', `/api/v1/dues/bills?organizationId=${tree.committee.id}&month=2023-01&size=100`, admin);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(5);
    const billed = new Set(listed.body.items.map((b: Json) => b.memberId));
    expect(billed).toEqual(new Set([tree.ids.a1, tree.ids.a2, tree.ids.a4, tree.ids.b1, tree.ids.b4]));
    const byMember = Object.fromEntries(listed.body.items.map((b: Json) => [b.memberId, b]));
    expect(byMember[tree.ids.a1]).toMatchObject({
      amountFen: 4_500,
      paidFen: 0,
      owedFen: 4_500,
      settled: false,
      category: 'inService',
      basisFen: 450_000,
      memberName: '张伟',
    });
    expect(byMember[tree.ids.b1]).toMatchObject({ amountFen: 24_000, basisFen: 1_200_000, category: 'annualSalary' });
    expect(byMember[tree.ids.b4]).toMatchObject({ amountFen: 0, settled: true });

    // A branch alone, then the rest of the half year.
    expect(await bill(tree.branchA.id, '2023-02')).toMatchObject({ created: 3, existing: 0, totalFen: 10_520 });
    for (const month of months.slice(1)) {
      const run = await bill(tree.committee.id, month);
      expect(run.created + run.existing).toBe(5);
    }
    const all = await call('GET', `/api/v1/dues/bills?organizationId=${tree.committee.id}&size=1`, admin);
    expect(all.body.total).toBe(30);
  });

  test('the month must be YYYY-MM and not in the future; the body is strict', async () => {
    const future = await call('POST', '/api/v1/dues/bills', admin, { organizationId: tree.committee.id, month: '2099-01' });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toHaveProperty(['month']);
    const malformed = await call('POST', '/api/v1/dues/bills', admin, { organizationId: tree.committee.id, month: '2023-13' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toHaveProperty(['body.month']);
    const extra = await call('POST', '/api/v1/dues/bills', admin, { organizationId: tree.committee.id, month: '2023-01', dryRun: true });
    expect(extra.status).toBe(400);
    const unknownOrg = await call('POST', '/api/v1/dues/bills', admin, { organizationId: randomUUID(), month: '2023-01' });
    expect(unknownOrg.status).toBe(404);
    const unknownRun = await call('GET', `/api/v1/dues/billing-runs/${randomUUID()}`, admin);
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body.error.code).toBe('DUES_BILLING_RUN_NOT_FOUND');
  });
});

describe('payments', () => {
  test('the same reference twice records once', async () => {
    const first = await pay(admin, tree.ids.a1, '2023-01', 4_500, 'ICBC-20230131-0001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      recorded: true,
      bill: { paidFen: 4_500, owedFen: 0, settled: true, paymentRefs: ['ICBC-20230131-0001'] },
    });
    const again = await pay(admin, tree.ids.a1, '2023-01', 4_500, 'ICBC-20230131-0001');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ recorded: false, bill: { paidFen: 4_500, paymentRefs: ['ICBC-20230131-0001'] } });
    const listed = await call('GET', `/api/v1/dues/bills?memberId=${tree.ids.a1}&month=2023-01`, admin);
    expect(listed.body.items[0]).toMatchObject({ paidFen: 4_500, paymentRefs: ['ICBC-20230131-0001'] });
  });

  test('the same reference sent concurrently still records once', async () => {
    const responses = await Promise.all([1, 2, 3].map(() => pay(admin, tree.ids.a1, '2023-02', 4_500, 'ICBC-20230228-0002')));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const listed = await call('GET', `/api/v1/dues/bills?memberId=${tree.ids.a1}&month=2023-02`, admin);
    expect(listed.body.items[0]).toMatchObject({ paidFen: 4_500, paymentRefs: ['ICBC-20230228-0002'] });
  });

  test('paying more than is owed is refused; nothing changes', async () => {
    const part = await pay(admin, tree.ids.a2, '2023-04', 1_000, 'CCB-0401');
    expect(part.status).toBe(201);
    const over = await pay(admin, tree.ids.a2, '2023-04', 5_001, 'CCB-0402');
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('DUES_OVERPAYMENT');
    const listed = await call('GET', `/api/v1/dues/bills?memberId=${tree.ids.a2}&month=2023-04&unpaidOnly=true`, admin);
    expect(listed.body.items[0]).toMatchObject({ paidFen: 1_000, owedFen: 5_000, paymentRefs: ['CCB-0401'] });
  });

  test('bad payments: no bill, bad amount, unknown member', async () => {
    const noBill = await pay(admin, tree.ids.a1, '2022-12', 100, 'X-1');
    expect(noBill.status).toBe(404);
    expect(noBill.body.error.code).toBe('DUES_BILL_NOT_FOUND');
    const notBilled = await pay(admin, tree.ids.a3, '2023-01', 100, 'X-2');
    expect(notBilled.body.error.code).toBe('DUES_BILL_NOT_FOUND');
    const zero = await pay(admin, tree.ids.a1, '2023-03', 0, 'X-3');
    expect(zero.status).toBe(400);
    expect(zero.body.error.details).toHaveProperty(['body.amountFen']);
    const fraction = await pay(admin, tree.ids.a1, '2023-03', 10.5, 'X-4');
    expect(fraction.status).toBe(400);
    const nobody = await pay(admin, randomUUID(), '2023-03', 100, 'X-5');
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('MEMBER_NOT_FOUND');
  });
});

describe('arrears', () => {
  beforeAll(async () => {
    // a1 pays the rest of the half year; a2 pays March; a4 and b1 pay nothing.
    for (const month of months.slice(2)) expect((await pay(admin, tree.ids.a1, month, 4_500, `ICBC-${month}`)).status).toBe(201);
    expect((await pay(admin, tree.ids.a2, '2023-03', 6_000, 'CCB-0301')).status).toBe(201);
  });

  test('per member: unpaid months, the longest run, what is owed; longest runs first', async () => {
    const report = await call('GET', `/api/v1/dues/arrears?organizationId=${tree.committee.id}&asOf=2023-06`, admin);
    expect(report.status).toBe(200);
    // a2 owes 01, 02, 04 (less 1000), 05, 06 of 6000 fen; a4 six months of 20; b1 six of 24000.
    expect(report.body).toMatchObject({ total: 3, totalOwedFen: 29_000 + 120 + 144_000 });
    // Six in a row first (by name, 陈 before 刘), then a2's three.
    expect(report.body.items.map((l: Json) => l.memberId)).toEqual([tree.ids.b1, tree.ids.a4, tree.ids.a2]);
    const byMember = Object.fromEntries(report.body.items.map((l: Json) => [l.memberId, l]));
    expect(byMember[tree.ids.a2]).toMatchObject({
      unpaidMonths: 5,
      consecutiveMonths: 3,
      owedFen: 29_000,
      oldestUnpaidMonth: '2023-01',
      memberName: '李娜',
      organizationId: tree.branchA.id,
    });
    expect(byMember[tree.ids.a4]).toMatchObject({ unpaidMonths: 6, consecutiveMonths: 6, owedFen: 120 });
    expect(byMember[tree.ids.b1]).toMatchObject({
      unpaidMonths: 6,
      consecutiveMonths: 6,
      owedFen: 144_000,
      organizationId: tree.branchB.id,
    });

    const serious = await call('GET', `/api/v1/dues/arrears?organizationId=${tree.committee.id}&asOf=2023-06&minMonths=6`, admin);
    expect(serious.body).toMatchObject({ total: 2, totalOwedFen: 144_120 });
    const earlier = await call('GET', `/api/v1/dues/arrears?organizationId=${tree.branchA.id}&asOf=2023-03`, admin);
    const a2Then = earlier.body.items.find((l: Json) => l.memberId === tree.ids.a2);
    expect(a2Then).toMatchObject({ unpaidMonths: 2, consecutiveMonths: 2, owedFen: 12_000 });
    const bad = await call('GET', `/api/v1/dues/arrears?organizationId=${tree.committee.id}&asOf=2023-6`, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty(['query.asOf']);
  });

  test('the arrears job raises member.dues.arrearsWarning once per member per episode', async () => {
    const type = 'member.dues.arrearsWarning';
    const bills = platform.member.connection.collection('duesBills');
    const warned = async () => bills.countDocuments({ arrearsWarnedAt: { $ne: '' } });
    // Ticks until the markers are there (a scheduled tick may have run it already).
    await waitFor(
      async () => {
        await platform.member.jobs.tick();
        return (await warned()) === 12;
      },
      { what: 'arrears markers on the six bills of a4 and of b1' },
    );
    const marked = await bills.find({ arrearsWarnedAt: { $ne: '' } }, { projection: { memberId: 1 } }).toArray();
    expect(new Set(marked.map((b) => b.memberId))).toEqual(new Set([tree.ids.a4, tree.ids.b1]));
    await waitFor(async () => (await eventsInStream(type)) === 2, { what: 'two warnings on the stream' });

    await platform.member.jobs.tick();
    await platform.member.jobs.tick();
    // Give the relay the time it would take to publish a (wrong) second warning.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await eventsInStream(type)).toBe(2);
    expect(await warned()).toBe(12);
  });

  test('bills and payments reach the stream through the outbox', async () => {
    await waitFor(async () => (await eventsInStream('member.dues.billed')) === 30, { what: '30 billed events' });
    // a1: 6 months; a2: April part payment and March.
    await waitFor(async () => (await eventsInStream('member.dues.paid')) === 8, { what: '8 paid events' });
  });
});

describe('scope', () => {
  test('a secretary of branch A sees only branch A, and may not generate bills', async () => {
    const { secretaryA, branchA, branchB, ids } = tree;
    const otherBills = await call('GET', `/api/v1/dues/bills?organizationId=${branchB.id}`, secretaryA);
    expect(otherBills.status).toBe(404);
    const otherArrears = await call('GET', `/api/v1/dues/arrears?organizationId=${branchB.id}&asOf=2023-06`, secretaryA);
    expect(otherArrears.status).toBe(404);
    const otherPayment = await pay(secretaryA, ids.b1, '2023-06', 100, 'A-PAYS-B');
    expect(otherPayment.status).toBe(404);
    const generate = await call('POST', '/api/v1/dues/bills', secretaryA, { organizationId: branchA.id, month: '2023-07' });
    expect(generate.status).toBe(403);

    const own = await call('GET', '/api/v1/dues/bills?size=100', secretaryA);
    expect(own.status).toBe(200);
    expect(own.body.total).toBe(18);
    expect(own.body.items.every((b: Json) => b.organizationId === branchA.id)).toBe(true);
    // Without naming the organisation, another branch's member is simply not there.
    const byMember = await call('GET', `/api/v1/dues/bills?memberId=${ids.b1}`, secretaryA);
    expect(byMember.body.total).toBe(0);
    const ownArrears = await call('GET', '/api/v1/dues/arrears?asOf=2023-06', secretaryA);
    expect(ownArrears.body.items.map((l: Json) => l.memberId).sort()).toEqual([ids.a2, ids.a4].sort());
    const ownPayment = await pay(secretaryA, ids.a4, '2023-01', 20, 'A-CASH-0001');
    expect(ownPayment.status).toBe(201);

    const anonymous = await call('GET', '/api/v1/dues/bills');
    expect(anonymous.status).toBe(401);
  });
});

describe('organisation moves', () => {
  test('bills follow their branch when it moves to another committee', async () => {
    const other = await organization('中共江川省交通厅机关委员会', 'committee');
    const moved = await call('POST', `/api/v1/organizations/${tree.branchB.id}/move`, admin, { newParentId: other.id });
    expect(moved.status).toBe(200);
    const newPath: string = moved.body.organization.path;
    expect(newPath.startsWith(other.path)).toBe(true);
    const listed = await call('GET', `/api/v1/dues/bills?organizationId=${other.id}&size=100`, admin);
    expect(listed.body.total).toBe(12);
    expect(listed.body.items.every((b: Json) => b.orgPath === newPath)).toBe(true);
    const left = await call('GET', `/api/v1/dues/bills?organizationId=${tree.committee.id}&size=1`, admin);
    expect(left.body.total).toBe(18);
    const arrears = await call('GET', `/api/v1/dues/arrears?organizationId=${other.id}&asOf=2023-06`, admin);
    expect(arrears.body.items.map((l: Json) => l.memberId)).toEqual([tree.ids.b1]);
  });
});
