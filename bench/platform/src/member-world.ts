/**
 * The member service's side of the operations benchmarks: a small province (a committee, its
 * branches, members with dues bills, a member and a secretary account per branch, signed in for
 * real), and the two days of the load scripts, each step made two ways: through the gateway
 * (REST, as the portals call it) and directly over gRPC (the same use case, a signed caller
 * assertion, no gateway). The rollout and the fault suite use the gateway side only.
 *
 * Writes are ones a day really has and that can be repeated without limit: a secretary records
 * a meeting (201, counted in `meetings` afterwards) and a payment of 1 fen against a bill (201,
 * counted by its reference in `duesBills`; a bill is large enough for every payment of a run).
 */
import { MongoClient } from 'mongodb';
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import { bearer, credentialsFor, syntheticId } from '@repo/testbed';
import { httpStep, type Step } from './load';
import { until } from './replicas';

/** A step made two ways (see the file's comment); `direct` is absent where there is no gRPC twin. */
export interface DualStep {
  name: string;
  weight: number;
  gateway: Step['send'];
  direct: Step['send'];
}

interface Account {
  userName: string;
  password: string;
  userId: string;
  roles: string[];
  orgPath: string;
  /** Bearer header of the access token the sign-in answered. */
  headers: Record<string, string>;
}

interface Branch {
  id: string;
  path: string;
  members: string[];
  member: Account;
  secretary: Account;
}

export interface MemberWorld {
  committee: { id: string; path: string };
  branches: Branch[];
  /** The month the bills were generated for (the previous one). */
  month: string;
  /** This quarter, e.g. 2026-Q4. */
  quarter: string;
}

const password = 'Bench-Pa55word-2026';
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** YYYY-MM-DD of `days` before today (UTC). */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

async function json(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

async function expectStatus(
  what: string,
  answer: Promise<{ status: number; body: Record<string, unknown> }>,
  status: number,
): Promise<Record<string, unknown>> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`seeding the member world: ${what} answered ${got}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

let serial = 0;
/**
 * A new member's profile in a branch (its name unique in the process); birth dates one day apart
 * keep every synthetic identity number unique.
 */
export function memberProfile(organizationId: string) {
  serial++;
  const birthDate = new Date(Date.UTC(1960, 0, 1) + serial * 86_400_000).toISOString().slice(0, 10);
  const gender = serial % 2 ? 'female' : 'male';
  return {
    name: `压测党员${serial}`,
    gender,
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, gender, { sequence: '37' }),
    education: 'bachelor',
    phone: '13800138000',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2012-01-05',
      activistDate: '2012-06-01',
      candidateDate: '2013-07-01',
      probationaryDate: '2014-07-01',
      fullDate: '2015-07-01',
    },
    duesCategory: 'inService',
    // 8,000 yuan a month: a bill of tens of yuan, thousands of 1-fen payments.
    duesIncomeFen: 800_000,
  };
}

/**
 * Builds the world through the gateway as an administrator would (the token of a superAdmin
 * signed with the platform's secret), then signs the accounts in with their passwords.
 */
export async function seedMemberWorld(
  base: string,
  tokenSecret: string,
  { branches = 3, membersPerBranch = 8 } = {},
): Promise<MemberWorld> {
  const admin = bearer({ userId: 'bench-admin', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
  const stamp = Date.now().toString(36);
  const committee = await expectStatus(
    'a committee',
    json(base, 'POST', '/api/v1/organizations', admin, { name: '中共江川省压测工作委员会', kind: 'committee' }),
    201,
  );
  const made: Branch[] = [];
  for (let b = 0; b < branches; b++) {
    const branch = await expectStatus(
      'a branch',
      json(base, 'POST', '/api/v1/organizations', admin, { parentId: committee.id, name: `压测第${b + 1}党支部`, kind: 'branch' }),
      201,
    );
    const members: string[] = [];
    for (let m = 0; m < membersPerBranch; m++)
      members.push(
        (await expectStatus('a member', json(base, 'POST', '/api/v1/members', admin, memberProfile(branch.id as string)), 201))
          .id as string,
      );
    const account = async (role: 'member' | 'secretary'): Promise<Account> => {
      const userName = `bench-${role}-${b + 1}-${stamp}`;
      await expectStatus(
        `a ${role} account`,
        json(base, 'POST', '/api/v1/users', admin, {
          userName,
          displayName: `压测${role === 'member' ? '党员' : '书记'}${b + 1}`,
          password,
          roles: [role],
          organizationId: branch.id,
          ...(role === 'member' ? { memberId: members[0] } : {}),
        }),
        201,
      );
      const signedIn = await expectStatus('a sign-in', json(base, 'POST', '/api/v1/auth/login', {}, { userName, password }), 200);
      const user = signedIn.user as { id: string; roles: string[]; orgPath: string };
      return {
        userName,
        password,
        userId: user.id,
        roles: user.roles,
        orgPath: user.orgPath,
        headers: { authorization: `Bearer ${signedIn.accessToken as string}` },
      };
    };
    made.push({
      id: branch.id as string,
      path: branch.path as string,
      members,
      member: await account('member'),
      secretary: await account('secretary'),
    });
  }
  const now = new Date();
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = previous.toISOString().slice(0, 7);
  const billed = await json(base, 'POST', '/api/v1/dues/bills', admin, { organizationId: committee.id, month });
  if (billed.status !== 200 && billed.status !== 202) throw new Error(`seeding the member world: the bills answered ${billed.status}`);
  // Billing runs as a job: its status resource says when the bills are there (payments need them).
  await until(
    'the billing run finished',
    async () => {
      const run = await json(base, 'GET', billed.body.status as string, admin);
      if (run.body.state === 'failed') throw new Error(`seeding the member world: the billing run failed: ${JSON.stringify(run.body)}`);
      return run.body.state === 'finished';
    },
    60_000,
    500,
  );
  // A meeting per branch, so the lists and the compliance have something to show from the start.
  for (const branch of made) await expectStatus('a meeting', json(base, 'POST', '/api/v1/meetings', admin, meetingBody(branch)), 201);
  const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
  return { committee: { id: committee.id as string, path: committee.path as string }, branches: made, month, quarter };
}

// A branch without party groups holds these (a groupMeeting is a group's).
const meetingTypes = ['committeeMeeting', 'generalMeeting', 'partyLecture'] as const;
const meetingTypeProto: Record<(typeof meetingTypes)[number], pb.MeetingType> = {
  committeeMeeting: pb.MeetingType.MEETING_TYPE_COMMITTEE_MEETING,
  generalMeeting: pb.MeetingType.MEETING_TYPE_GENERAL_MEETING,
  partyLecture: pb.MeetingType.MEETING_TYPE_PARTY_LECTURE,
};
let meetingSerial = 0;
function meetingBody(branch: Branch) {
  meetingSerial++;
  const [present, ...rest] = branch.members;
  return {
    organizationId: branch.id,
    type: meetingTypes[meetingSerial % meetingTypes.length]!,
    date: daysAgo(meetingSerial % 60),
    topic: `学习贯彻党章（第${meetingSerial}次）`,
    minutes: '会议传达学习了上级精神，支部书记作了讲话，党员结合实际谈了体会。',
    attendance: { present: [present!, ...rest.slice(0, 3)], excused: rest.slice(3, 4), absent: [] },
  };
}
let paymentSerial = 0;
const paymentReference = () => `bench-${process.pid}-${Date.now().toString(36)}-${++paymentSerial}`;

/** The member service's gRPC clients the direct leg calls. */
export function memberRpc(address: string, deadlineMs = 5_000) {
  return {
    auth: new RpcClient(pb.AuthServiceService, address, deadlineMs),
    organizations: new RpcClient(pb.OrganizationServiceService, address, deadlineMs),
    members: new RpcClient(pb.MemberServiceService, address, deadlineMs),
    dues: new RpcClient(pb.DuesServiceService, address, deadlineMs),
    meetings: new RpcClient(pb.MeetingServiceService, address, deadlineMs),
    close() {
      for (const client of [this.auth, this.organizations, this.members, this.dues, this.meetings]) client.close();
    },
  };
}
export type MemberRpc = ReturnType<typeof memberRpc>;

/** A direct gRPC call as a step: 200 (201 for `created`) when it answers, the gateway's status of its error otherwise. */
export async function rpcStep(
  work: () => Promise<unknown>,
  statusOf: (code: number) => number,
  { created = false, wrote }: { created?: boolean; wrote?: (answer: unknown) => string | undefined } = {},
): Promise<{ status: number; wrote?: string }> {
  try {
    const answer = await work();
    const id = wrote?.(answer);
    return { status: created ? 201 : 200, ...(id ? { wrote: id } : {}) };
  } catch (err) {
    const code = (err as { code?: number }).code;
    return { status: typeof code === 'number' ? statusOf(code) : 599 };
  }
}

const page = (size: number) => ({ page: 1, size });

/** A member's day: sign in now and then, my own record, my branch, its meetings, a dues quote. */
export function memberDay(base: string, world: MemberWorld, rpc: MemberRpc | undefined, statusOf: (code: number) => number): DualStep[] {
  const who = () => pick(world.branches);
  const as = (a: Account) => ({ userId: a.userId, roles: a.roles, orgPath: a.orgPath });
  const direct = (work: (b: Branch) => Promise<unknown>) => async () => {
    if (!rpc) throw new Error('no gRPC client for the direct leg');
    const branch = who();
    return rpcStep(() => work(branch), statusOf);
  };
  return [
    {
      name: 'sign in',
      weight: 5,
      gateway: (signal) => {
        const { member } = who();
        return httpStep(base, 'POST', '/api/v1/auth/login', { body: { userName: member.userName, password: member.password }, signal });
      },
      direct: direct(async ({ member }) =>
        rpc!.auth.call(
          'login',
          pb.LoginRequest.fromPartial({ userName: member.userName, password: member.password, clientIp: '127.0.0.1' }),
          await credentialsFor(),
        ),
      ),
    },
    {
      name: 'my record',
      weight: 20,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/members/${branch.members[0]}`, { headers: branch.member.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.members.call('getMember', pb.GetMemberRequest.fromPartial({ id: branch.members[0] }), await credentialsFor(as(branch.member))),
      ),
    },
    {
      name: 'my branch',
      weight: 20,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/organizations/${branch.id}`, { headers: branch.member.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.organizations.call(
          'getOrganization',
          pb.GetOrganizationRequest.fromPartial({ id: branch.id }),
          await credentialsFor(as(branch.member)),
        ),
      ),
    },
    {
      name: 'branch meetings',
      weight: 35,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/meetings?organizationId=${branch.id}&size=10`, { headers: branch.member.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.meetings.call(
          'listMeetings',
          pb.ListMeetingsRequest.fromPartial({ organizationId: branch.id, page: page(10) }),
          await credentialsFor(as(branch.member)),
        ),
      ),
    },
    {
      name: 'dues quote',
      weight: 20,
      gateway: (signal) => httpStep(base, 'GET', '/api/v1/dues/quote?income=800000&category=inService', { signal }),
      direct: direct(async () =>
        rpc!.dues.call(
          'quoteDues',
          pb.QuoteDuesRequest.fromPartial({ incomeFen: '800000', category: pb.DuesCategory.DUES_CATEGORY_IN_SERVICE }),
          await credentialsFor(),
        ),
      ),
    },
  ];
}

/** A secretary's day: the branch's members, one of them, meetings recorded, compliance, bills and payments. */
export function secretaryDay(base: string, world: MemberWorld, rpc: MemberRpc | undefined, statusOf: (code: number) => number): DualStep[] {
  const who = () => pick(world.branches);
  const as = (a: Account) => ({ userId: a.userId, roles: a.roles, orgPath: a.orgPath });
  const direct =
    (work: (b: Branch) => Promise<unknown>, options: Parameters<typeof rpcStep>[2] = {}) =>
    async () => {
      if (!rpc) throw new Error('no gRPC client for the direct leg');
      const branch = who();
      return rpcStep(() => work(branch), statusOf, options);
    };
  return [
    {
      name: 'branch members',
      weight: 25,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/members?organizationId=${branch.id}&size=20`, { headers: branch.secretary.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.members.call(
          'listMembers',
          pb.ListMembersRequest.fromPartial({ organizationId: branch.id, page: page(20) }),
          await credentialsFor(as(branch.secretary)),
        ),
      ),
    },
    {
      name: 'a member',
      weight: 25,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/members/${pick(branch.members)}`, { headers: branch.secretary.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.members.call(
          'getMember',
          pb.GetMemberRequest.fromPartial({ id: pick(branch.members) }),
          await credentialsFor(as(branch.secretary)),
        ),
      ),
    },
    {
      name: 'record a meeting',
      weight: 10,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'POST', '/api/v1/meetings', {
          headers: branch.secretary.headers,
          body: meetingBody(branch),
          signal,
          idOf: true,
        });
      },
      direct: direct(
        async (branch) => {
          const body = meetingBody(branch);
          return rpc!.meetings.call(
            'recordMeeting',
            pb.RecordMeetingRequest.fromPartial({ ...body, type: meetingTypeProto[body.type] }),
            await credentialsFor(as(branch.secretary)),
          );
        },
        { created: true, wrote: (answer) => (answer as pb.RecordMeetingResponse).meeting?.id },
      ),
    },
    {
      name: 'compliance',
      weight: 15,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/meetings/compliance?quarter=${world.quarter}`, { headers: branch.secretary.headers, signal });
      },
      direct: direct(async (branch) =>
        rpc!.meetings.call(
          'meetingCompliance',
          pb.MeetingComplianceRequest.fromPartial({ quarter: world.quarter, page: page(20) }),
          await credentialsFor(as(branch.secretary)),
        ),
      ),
    },
    {
      name: 'branch bills',
      weight: 15,
      gateway: (signal) => {
        const branch = who();
        return httpStep(base, 'GET', `/api/v1/dues/bills?organizationId=${branch.id}&month=${world.month}&size=20`, {
          headers: branch.secretary.headers,
          signal,
        });
      },
      direct: direct(async (branch) =>
        rpc!.dues.call(
          'listBills',
          pb.ListBillsRequest.fromPartial({ organizationId: branch.id, month: world.month, page: page(20) }),
          await credentialsFor(as(branch.secretary)),
        ),
      ),
    },
    {
      name: 'record a payment',
      weight: 10,
      gateway: async (signal) => {
        const branch = who();
        const reference = paymentReference();
        const answer = await httpStep(base, 'POST', '/api/v1/dues/payments', {
          headers: branch.secretary.headers,
          body: { memberId: pick(branch.members), month: world.month, amountFen: 1, reference },
          signal,
        });
        return answer.status === 201 ? { ...answer, wrote: reference } : answer;
      },
      direct: direct(
        async (branch) => {
          const reference = paymentReference();
          await rpc!.dues.call(
            'recordPayment',
            pb.RecordPaymentRequest.fromPartial({ memberId: pick(branch.members), month: world.month, amountFen: '1', reference }),
            await credentialsFor(as(branch.secretary)),
          );
          return reference;
        },
        { created: true, wrote: (reference) => reference as string },
      ),
    },
  ];
}

/** The gateway side of a day's steps, for the rollout and the fault suite. */
export const gatewaySide = (steps: DualStep[], prefix = ''): Step[] =>
  steps.map((s) => ({ name: `${prefix}${s.name}`, weight: s.weight, send: s.gateway }));

/**
 * The member world's writes in the store: meetings by id in `meetings`, payments by reference in
 * `duesBills` (a bill keeps its payments in an array), each with those missing and, for payments,
 * those recorded more than once.
 */
export async function countMemberWrites(
  mongoUrl: string,
  database: string,
  { meetings, payments }: { meetings: string[]; payments: string[] },
): Promise<{
  meetings: { accepted: number; present: number; missing: number };
  payments: { accepted: number; present: number; missing: number; duplicated: number };
}> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  try {
    const db = client.db(database);
    const meetingIds = [...new Set(meetings)];
    let presentMeetings = 0;
    for (let i = 0; i < meetingIds.length; i += 200)
      presentMeetings += await db.collection('meetings').countDocuments({ _id: { $in: meetingIds.slice(i, i + 200) } } as never);
    const wanted = new Set(payments);
    const seen = new Map<string, number>();
    for await (const bill of db.collection('duesBills').find({}, { projection: { payments: 1 } })) {
      for (const payment of (bill.payments ?? []) as { reference: string }[])
        if (wanted.has(payment.reference)) seen.set(payment.reference, (seen.get(payment.reference) ?? 0) + 1);
    }
    return {
      meetings: { accepted: meetingIds.length, present: presentMeetings, missing: meetingIds.length - presentMeetings },
      payments: {
        accepted: wanted.size,
        present: seen.size,
        missing: wanted.size - seen.size,
        duplicated: [...seen.values()].filter((n) => n > 1).length,
      },
    };
  } finally {
    await client.close();
  }
}

/** Waits until the member service answers through the gateway (after its seed). */
export async function memberReady(base: string, world: MemberWorld): Promise<void> {
  const branch = world.branches[0]!;
  await until(
    'the member world readable',
    async () => (await fetch(`${base}/api/v1/members?organizationId=${branch.id}&size=1`, { headers: branch.secretary.headers })).ok,
    30_000,
    500,
  );
}
