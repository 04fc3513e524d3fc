/**
 * Organisation relation transfers through REST against the real member service on the local
 * stack: the whole path to the member sitting in the target branch, the dues check, the order
 * of steps, the letter's expiry by the scheduled job (once, with two runners), the completion
 * a crash interrupted, scope on either side, subtree moves, and bad input.
 */
import { createLogger } from '@repo/logging';
import { buildApp, type MemberApp } from '@repo/member/app';
import { loadConfig } from '@repo/member/config';
import { bearer, stackEnv, stackUrls, waitFor } from '@repo/testbed';
import { connect } from 'nats';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const dayMs = 86_400_000;
let platform: Platform;
let serial = 0;

const root = bearer({ userId: 'root-1', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

interface Org {
  id: string;
  path: string;
}

async function org(name: string, kind: string, parentId?: string): Promise<Org> {
  const created = await call('POST', '/api/v1/organizations', root, {
    name: `${name}${++serial}`,
    kind,
    ...(parentId ? { parentId } : {}),
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, path: created.body.path };
}

const secretaryOf = (node: Org, userId = `sec-${node.id.slice(0, 8)}`) =>
  bearer({ userId, roles: ['secretary'], orgPath: node.path }, tokenSecret);

/** A fixture member written straight through the member service's repository. */
async function member(at: Org): Promise<string> {
  serial += 1;
  const created = await platform.member.members.create({
    name: `张${serial}`,
    gender: 'male',
    ethnicity: '汉族',
    birthDate: '1990-01-01',
    nationalId: `110101199001${String(serial).padStart(6, '0')}`,
    education: 'bachelor',
    organizationId: at.id,
    orgPath: at.path,
    stage: 'full',
    keyDates: {
      applicationDate: '2010-01-01',
      activistDate: '2010-06-01',
      candidateDate: '2011-01-01',
      probationaryDate: '2011-06-01',
      fullDate: '2012-06-01',
    },
    duesCategory: 'inService',
    duesIncomeFen: 500_000,
    history: [],
    probationExtensions: 0,
    createdBy: 'test',
  });
  return created.id;
}

const bills = () => platform.member.connection.collection('duesBills');
const transfersCollection = () => platform.member.connection.collection('transfers');

/** How many events of `type` the member stream holds (published once each, or de-duplicated). */
async function eventsInStream(namespace: string, type: string): Promise<number> {
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const subject = `${namespace}.${type}`;
    const info = await jsm.streams.info(`${namespace.toUpperCase()}_MEMBER`, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

// The tree: committee C with branches A, B and general branch G; committee D with branch E.
let committeeC: Org;
let branchA: Org;
let branchB: Org;
let generalG: Org;
let committeeD: Org;
let branchE: Org;

beforeAll(async () => {
  // The jobs run only when a test ticks them (a timer tick in progress would absorb a test's tick).
  platform = await startPlatform({ AUTH_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000', JOB_INTERVAL_MS: '3600000' });
  committeeC = await org('中共江川市委', 'committee');
  branchA = await org('机关第一党支部', 'branch', committeeC.id);
  branchB = await org('机关第二党支部', 'branch', committeeC.id);
  generalG = await org('机关党总支', 'generalBranch', committeeC.id);
  committeeD = await org('中共江北县委', 'committee');
  branchE = await org('城关党支部', 'branch', committeeD.id);
});

afterAll(async () => {
  await platform?.stop();
});

async function initiate(memberId: string, to: Org, as = secretaryOf(branchA)) {
  return call('POST', '/api/v1/transfers', as, { memberId, toOrganizationId: to.id, reason: '工作调动' });
}

describe('the whole transfer', () => {
  test('initiated -> approvedByOrigin -> received -> completed, across the tree; the member ends in the target branch', async () => {
    const memberId = await member(branchA);
    const origin = secretaryOf(branchA);
    const target = secretaryOf(branchE);

    const started = Date.now();
    const created = await initiate(memberId, branchE, origin);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/transfers/${created.body.id}`);
    expect(created.body).toMatchObject({
      memberId,
      memberName: expect.stringMatching(/^张/),
      fromOrganizationId: branchA.id,
      fromOrgPath: branchA.path,
      toOrganizationId: branchE.id,
      toOrgPath: branchE.path,
      status: 'initiated',
      reason: '工作调动',
      revision: 1,
      history: [{ action: 'initiate', fromStatus: null, toStatus: 'initiated', actor: expect.any(String), reason: '工作调动' }],
    });
    // The letter runs for TRANSFER_LETTER_DAYS (90 by default).
    const validity = Date.parse(created.body.expiresAt) - Date.parse(created.body.initiatedAt);
    expect(validity).toBe(90 * dayMs);
    expect(Date.parse(created.body.initiatedAt)).toBeGreaterThanOrEqual(started - 1_000);
    const id = created.body.id;

    // Both sides see it, in their lists too.
    expect((await call('GET', `/api/v1/transfers/${id}`, target)).status).toBe(200);
    const outgoing = await call('GET', '/api/v1/transfers?status=initiated', origin);
    expect(outgoing.body.items.map((t: Json) => t.id)).toContain(id);
    const incoming = await call('GET', `/api/v1/transfers?organizationId=${branchE.id}`, target);
    expect(incoming.body.items.map((t: Json) => t.id)).toEqual([id]);
    expect(incoming.body).toMatchObject({ total: 1, page: 1, size: 20 });

    const approved = await call('POST', `/api/v1/transfers/${id}/approve`, origin);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approvedByOrigin', revision: 2 });

    const received = await call('POST', `/api/v1/transfers/${id}/receive`, target, { reason: '已接收' });
    expect(received.status).toBe(200);
    expect(received.body.status).toBe('completed');
    expect(received.body.history.map((s: Json) => [s.action, s.fromStatus, s.toStatus])).toEqual([
      ['initiate', null, 'initiated'],
      ['approve', 'initiated', 'approvedByOrigin'],
      ['receive', 'approvedByOrigin', 'received'],
      ['complete', 'received', 'completed'],
    ]);

    const moved = await platform.member.members.get(memberId);
    expect(moved).toMatchObject({ organizationId: branchE.id, orgPath: branchE.path });
    // The member is now the target's: the origin secretary reads the transfer still, as its origin.
    expect((await call('GET', `/api/v1/transfers/${id}`, origin)).body.status).toBe('completed');

    // Every step's event reached the stream (outbox relay).
    for (const type of ['initiated', 'approved', 'received', 'completed']) {
      await waitFor(async () => (await eventsInStream(platform.namespace, `member.transfer.${type}`)) >= 1, {
        what: `member.transfer.${type}`,
      });
    }
    await waitFor(async () => (await eventsInStream(platform.namespace, 'member.member.transferred')) >= 1, {
      what: 'member.member.transferred',
    });

    // Done is done: no step after completion, and a new transfer may start from the new branch.
    const again = await call('POST', `/api/v1/transfers/${id}/receive`, target);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TRANSFER_STATE');
    expect((await initiate(memberId, branchB, target)).status).toBe(201);
  });

  test('rejecting needs a reason, either side may, and a rejected transfer frees the member for a new one', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    const noReason = await call('POST', `/api/v1/transfers/${id}/reject`, secretaryOf(branchB), {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toHaveProperty(['body.reason']);
    const rejected = await call('POST', `/api/v1/transfers/${id}/reject`, secretaryOf(branchB), { reason: '接收单位不符' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.history.at(-1)).toMatchObject({ action: 'reject', reason: '接收单位不符' });
    await waitFor(async () => (await eventsInStream(platform.namespace, 'member.transfer.rejected')) >= 1, {
      what: 'member.transfer.rejected',
    });
    expect((await initiate(memberId, branchB)).status).toBe(201);
  });
});

describe('rules', () => {
  test('the origin cannot approve while dues are in arrears; paying up lets it through', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    // A bill of the dues feature, written where it keeps them; an old month is before "now" in every time zone.
    await bills().insertOne({ memberId, month: '2024-01', amountFen: 5_000, paidFen: 2_000 });
    const refused = await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TRANSFER_DUES_ARREARS');
    expect((await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchA))).body).toMatchObject({ status: 'initiated', revision: 1 });

    await bills().updateOne({ memberId, month: '2024-01' }, { $set: { paidFen: 5_000 } });
    const approved = await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA));
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approvedByOrigin');
  });

  test('steps out of order are refused with TRANSFER_STATE and change nothing', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    const early = await call('POST', `/api/v1/transfers/${id}/receive`, secretaryOf(branchB));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('TRANSFER_STATE');
    expect((await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA))).status).toBe(200);
    const twice = await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA));
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('TRANSFER_STATE');
    expect((await platform.member.members.get(memberId)).organizationId).toBe(branchA.id);
  });

  test('one open transfer per member; the target must be a branch other than the origin', async () => {
    const memberId = await member(branchA);
    expect((await initiate(memberId, branchB)).status).toBe(201);
    const second = await initiate(memberId, branchE);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('TRANSFER_ALREADY_OPEN');

    const other = await member(branchA);
    // Two at once: the unique open key lets exactly one through.
    const racing = await Promise.all([initiate(other, branchB), initiate(other, branchE)]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);

    const notBranch = await initiate(await member(branchA), generalG);
    expect(notBranch.status).toBe(409);
    expect(notBranch.body.error).toMatchObject({ code: 'TRANSFER_TARGET_KIND', details: { field: 'toOrganizationId' } });
    const same = await initiate(await member(branchA), branchA);
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('TRANSFER_SAME_ORGANIZATION');
    const nowhere = await initiate(await member(branchA), { id: '00000000-0000-4000-8000-000000000000', path: '/x/' });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe('ORG_NOT_FOUND');
  });
});

describe('scope', () => {
  test('a secretary of another branch neither sees nor approves it; each side does only its own step', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    const stranger = secretaryOf(branchE);

    const read = await call('GET', `/api/v1/transfers/${id}`, stranger);
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe('TRANSFER_NOT_FOUND');
    const approve = await call('POST', `/api/v1/transfers/${id}/approve`, stranger);
    expect(approve.status).toBe(404);
    const reject = await call('POST', `/api/v1/transfers/${id}/reject`, stranger, { reason: '不是我们的' });
    expect(reject.status).toBe(404);
    const listed = await call('GET', '/api/v1/transfers', stranger);
    expect(listed.body.items.map((t: Json) => t.id)).not.toContain(id);
    // Nor may they start a transfer of a member they cannot see.
    const foreign = await initiate(memberId, branchE, stranger);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('MEMBER_NOT_FOUND');

    // The target sees it but approving is the origin's step; receiving is the target's.
    const targetApproves = await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchB));
    expect(targetApproves.status).toBe(403);
    expect(targetApproves.body.error.code).toBe('TRANSFER_ORIGIN_ONLY');
    expect((await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA))).status).toBe(200);
    const originReceives = await call('POST', `/api/v1/transfers/${id}/receive`, secretaryOf(branchA));
    expect(originReceives.status).toBe(403);
    expect(originReceives.body.error.code).toBe('TRANSFER_TARGET_ONLY');

    // The committee above both sides sees it; an inspector reads but does not act.
    expect((await call('GET', `/api/v1/transfers/${id}`, secretaryOf(committeeC))).status).toBe(200);
    const inspector = bearer({ userId: 'insp-1', roles: ['inspector'], orgPath: committeeC.path }, tokenSecret);
    expect((await call('GET', `/api/v1/transfers/${id}`, inspector)).status).toBe(200);
    expect((await call('POST', `/api/v1/transfers/${id}/receive`, inspector)).status).toBe(403);
    // Listing another node than one's own scope answers not found.
    expect((await call('GET', `/api/v1/transfers?organizationId=${branchA.id}`, stranger)).status).toBe(404);
  });

  test('paths follow a subtree move', async () => {
    const committeeF = await org('中共江南县委', 'committee');
    const branchH = await org('城南党支部', 'branch', committeeF.id);
    const id = (await initiate(await member(branchA), branchH)).body.id;
    const moved = await call('POST', `/api/v1/organizations/${committeeF.id}/move`, root, { newParentId: committeeD.id });
    expect(moved.status).toBe(200);
    const after = await call('GET', `/api/v1/transfers/${id}`, root);
    expect(after.body.toOrgPath).toBe(`${committeeD.path}${committeeF.id}/${branchH.id}/`);
    expect(after.body.fromOrgPath).toBe(branchA.path);
    // The new path is what scope uses: the committee above now sees it.
    expect((await call('GET', `/api/v1/transfers/${id}`, secretaryOf(committeeD))).status).toBe(200);
  });
});

describe('the letter expires', () => {
  const later = () => new Date(Date.now() + 91 * dayMs);

  test('the job marks a transfer whose letter ran out expired; every later step is refused TRANSFER_EXPIRED', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    await platform.member.jobs.tick(later());

    const expired = await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchA));
    expect(expired.body.status).toBe('expired');
    expect(expired.body.history.at(-1)).toMatchObject({ action: 'expire', fromStatus: 'initiated', toStatus: 'expired', actor: 'system' });
    for (const [action, as] of [
      ['approve', branchA],
      ['receive', branchB],
      ['reject', branchB],
    ] as const) {
      const refused = await call('POST', `/api/v1/transfers/${id}/${action}`, secretaryOf(as), { reason: '过期' });
      expect({ action, status: refused.status, code: refused.body.error?.code }).toEqual({ action, status: 409, code: 'TRANSFER_EXPIRED' });
    }
    // The member may start again with a new letter.
    expect((await initiate(memberId, branchB)).status).toBe(201);
  });

  test('two job runners ticking at once expire a transfer once, with one event', async () => {
    const id = (await initiate(await member(branchA), branchB)).body.id;
    // A second replica of the member service on the same database and stream.
    const config = loadConfig({
      ...stackEnv(platform.namespace),
      MEMBER_GRPC_ADDR: '127.0.0.1:0',
      AUTH_TOKEN_SECRET: tokenSecret,
      JOB_INTERVAL_MS: '3600000',
    });
    const replica: MemberApp = await buildApp(config, createLogger('member-replica', 'silent'));
    await replica.start();
    // Its first tick (at start, real time) is over before the two runners race.
    await replica.jobs.tick();
    try {
      const at = later();
      await Promise.all([platform.member.jobs.tick(at), replica.jobs.tick(at), platform.member.jobs.tick(at)]);
      await replica.jobs.tick(new Date(at.getTime() + 1_000));

      const transfer = (await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchA))).body;
      expect(transfer.status).toBe('expired');
      expect(transfer.history.filter((s: Json) => s.action === 'expire')).toHaveLength(1);
      // One event per expired transfer in the stream: nothing expired twice.
      const expiredCount = await transfersCollection().countDocuments({ status: 'expired' });
      await waitFor(async () => (await eventsInStream(platform.namespace, 'member.transfer.expired')) === expiredCount || undefined, {
        what: `${expiredCount} expired events`,
        // An event left by the replica's relay waits for the other's sweep (10 s or more).
        timeoutMs: 60_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await eventsInStream(platform.namespace, 'member.transfer.expired')).toBe(expiredCount);
    } finally {
      await replica.stop();
    }
  });

  test('a transfer left at received by a crash is completed by the job, moving the member once', async () => {
    const memberId = await member(branchA);
    const id = (await initiate(memberId, branchB)).body.id;
    expect((await call('POST', `/api/v1/transfers/${id}/approve`, secretaryOf(branchA))).status).toBe(200);
    // The relay removes sent events from the document; on FerretDB a write from outside the
    // service's locks could be lost against it, so let it finish first.
    await waitFor(
      async () => ((await transfersCollection().findOne({ _id: id as never }))?.outbox as unknown[] | undefined)?.length === 0,
      { what: 'the approval event relayed' },
    );
    // What a crash between the two writes of receive leaves behind.
    const receivedAt = new Date().toISOString();
    await transfersCollection().updateOne({ _id: id as never }, {
      $set: { status: 'received', updatedAt: receivedAt },
      $inc: { revision: 1 },
      $push: { history: { action: 'receive', from: 'approvedByOrigin', to: 'received', actor: 'sec-b', at: receivedAt, reason: '' } },
    } as never);
    // Within the grace period the job leaves it to the handler that is still running.
    await platform.member.jobs.tick(new Date());
    expect((await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchB))).body.status).toBe('received');

    await platform.member.jobs.tick(new Date(Date.now() + 5 * 60_000));
    const done = (await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchB))).body;
    expect(done.status).toBe('completed');
    expect(done.history.at(-1)).toMatchObject({ action: 'complete', actor: 'system' });
    expect(await platform.member.members.get(memberId)).toMatchObject({ organizationId: branchB.id, orgPath: branchB.path });
    await platform.member.jobs.tick(new Date(Date.now() + 10 * 60_000));
    expect((await call('GET', `/api/v1/transfers/${id}`, secretaryOf(branchB))).body.revision).toBe(done.revision);
  });
});

describe('bad input', () => {
  test('400 naming the field, and nothing is written', async () => {
    const origin = secretaryOf(branchA);
    const memberId = await member(branchA);
    const before = await transfersCollection().countDocuments({});

    const cases: [unknown, string][] = [
      [{ toOrganizationId: branchB.id, reason: '工作调动' }, 'body.memberId'],
      [{ memberId, reason: '工作调动' }, 'body.toOrganizationId'],
      [{ memberId: 'not-a-uuid', toOrganizationId: branchB.id, reason: '工作调动' }, 'body.memberId'],
      [{ memberId, toOrganizationId: branchB.id }, 'body.reason'],
      [{ memberId, toOrganizationId: branchB.id, reason: '' }, 'body.reason'],
      [{ memberId, toOrganizationId: branchB.id, reason: 'x'.repeat(501) }, 'body.reason'],
      [{ memberId, toOrganizationId: branchB.id, reason: '工作调动', validityDays: 400 }, 'body.validityDays'],
    ];
    for (const [payload, field] of cases) {
      const response = await call('POST', '/api/v1/transfers', origin, payload);
      expect({ field, status: response.status, code: response.body.error?.code }).toEqual({
        field,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(response.body.error.details).toHaveProperty([field]);
    }
    expect(await transfersCollection().countDocuments({})).toBe(before);

    const badStatus = await call('GET', '/api/v1/transfers?status=pending', origin);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.details).toHaveProperty(['query.status']);
    const badSize = await call('GET', '/api/v1/transfers?size=1000', origin);
    expect(badSize.status).toBe(400);
    expect(badSize.body.error.details).toHaveProperty(['query.size']);
    const badId = await call('GET', '/api/v1/transfers/nope', origin);
    expect(badId.status).toBe(400);
    expect(badId.body.error.details).toHaveProperty(['params.id']);
    const extra = await call('POST', `/api/v1/transfers/${'00000000-0000-4000-8000-000000000000'}/approve`, origin, { note: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toHaveProperty(['body.note']);
  });

  test('anonymous callers are refused, and members may not act on transfers', async () => {
    expect((await call('GET', '/api/v1/transfers')).status).toBe(401);
    const plainMember = bearer({ userId: 'm-1', roles: ['member'], orgPath: branchA.path }, tokenSecret);
    const refused = await initiate(await member(branchA), branchB, plainMember);
    expect(refused.status).toBe(403);
  });
});
