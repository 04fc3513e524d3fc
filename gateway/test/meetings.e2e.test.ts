/**
 * Organisation life 三会一课 through REST against the real member service and local stack:
 * recording meetings, bad input, node kinds, quarterly compliance, the behind-schedule job and
 * data scope.
 */
import type { EventEnvelope } from '@repo/bus';
import { bearer, stackUrls, waitFor } from '@repo/testbed';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(180_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
type Organization = Awaited<ReturnType<Platform['member']['organizations']['create']>>;
const admin = bearer({ userId: 'root-admin', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

let committee: Organization;
let branchA: Organization;
let branchB: Organization;
let groupA: Organization;
const a: string[] = [];
const b: string[] = [];
let secretaryA: Record<string, string>;
let memberA: Record<string, string>;

let serial = 0;
async function memberAt(org: Organization): Promise<string> {
  serial += 1;
  const member = await platform.member.members.create({
    name: `党员${serial}`,
    gender: 'female',
    ethnicity: '汉族',
    birthDate: '1985-03-01',
    nationalId: `1101011985030${String(serial).padStart(4, '0')}X`.slice(0, 18),
    education: 'bachelor',
    organizationId: org.id,
    orgPath: org.path,
    stage: 'full',
    keyDates: {},
    duesCategory: 'inService',
    duesIncomeFen: 0,
    history: [],
    probationExtensions: 0,
    createdBy: 'test',
  });
  return member.id;
}

const attendance = (present: string[], excused: string[] = [], absent: string[] = []) => ({ present, excused, absent });

function record(org: Organization, type: string, date: string, who: ReturnType<typeof attendance>, token: Record<string, string> = admin) {
  return call('POST', '/api/v1/meetings', token, {
    organizationId: org.id,
    type,
    date,
    topic: `${type} ${date} 学习贯彻党章`,
    minutes: `${date} 会议记录：……`,
    attendance: who,
  });
}

beforeAll(async () => {
  // The test runs the jobs itself, with a chosen "now".
  platform = await startPlatform({ JOB_INTERVAL_MS: '3600000' });
  const orgs = platform.member.organizations;
  committee = await orgs.create({ name: '中共江川省委组织部机关委员会', kind: 'committee', code: '', parent: null }, 'test');
  branchA = await orgs.create({ name: '机关第一党支部', kind: 'branch', code: '', parent: committee }, 'test');
  branchB = await orgs.create({ name: '机关第二党支部', kind: 'branch', code: '', parent: committee }, 'test');
  groupA = await orgs.create({ name: '第一党小组', kind: 'group', code: '', parent: branchA }, 'test');
  for (let i = 0; i < 3; i++) a.push(await memberAt(branchA));
  for (let i = 0; i < 2; i++) b.push(await memberAt(branchB));
  secretaryA = bearer({ userId: 'secretary-a', roles: ['secretary'], orgPath: branchA.path }, tokenSecret);
  memberA = bearer({ userId: 'member-a', roles: ['member'], orgPath: branchA.path }, tokenSecret);
});

afterAll(async () => {
  await platform?.stop();
});

describe('recording meetings', () => {
  test("each type is recorded where it is held; a group meeting is attended by members of the group's branch", async () => {
    const general = await record(branchA, 'generalMeeting', '2026-05-30', attendance([a[0]!, a[1]!], [a[2]!]));
    expect(general.status).toBe(201);
    expect(general.headers.get('location')).toBe(`/api/v1/meetings/${general.body.id}`);
    expect(general.body).toMatchObject({
      organizationId: branchA.id,
      orgPath: branchA.path,
      type: 'generalMeeting',
      date: '2026-05-30',
      attendance: { present: [a[0], a[1]], excused: [a[2]], absent: [] },
      recordedBy: 'root-admin',
    });
    expect(general.body.minutes).toMatch(/会议记录/);

    // Branch A holds everything 2026-Q2 asks of it, the secretary recording most of it.
    for (const month of ['04', '05', '06']) {
      expect(
        (await record(branchA, 'committeeMeeting', `2026-${month}-10`, attendance([a[0]!, a[1]!], [], [a[2]!]), secretaryA)).status,
      ).toBe(201);
      const group = await record(groupA, 'groupMeeting', `2026-${month}-20`, attendance([a[0]!, a[1]!, a[2]!]), secretaryA);
      expect(group.status).toBe(201);
      expect(group.body).toMatchObject({ organizationId: groupA.id, orgPath: groupA.path });
    }
    expect((await record(branchA, 'partyLecture', '2026-06-28', attendance([a[0]!, a[1]!, a[2]!]), secretaryA)).status).toBe(201);

    // Branch B falls behind: no committee meeting in May or June, no party lecture.
    expect((await record(branchB, 'generalMeeting', '2026-05-15', attendance([b[0]!, b[1]!]))).status).toBe(201);
    expect((await record(branchB, 'committeeMeeting', '2026-04-08', attendance([b[0]!], [b[1]!]))).status).toBe(201);

    const one = await call('GET', `/api/v1/meetings/${general.body.id}`, admin);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(general.body);
  });

  test('lists filter by node (and below), type and dates, newest first, without minutes', async () => {
    const all = await call('GET', `/api/v1/meetings?organizationId=${branchA.id}&size=100`, admin);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(8);
    const dates = all.body.items.map((m: Json) => m.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(all.body.items.every((m: Json) => m.minutes === '')).toBe(true);

    const groups = await call('GET', `/api/v1/meetings?organizationId=${groupA.id}`, admin);
    expect(groups.body.total).toBe(3);
    const committees = await call(
      'GET',
      `/api/v1/meetings?organizationId=${committee.id}&type=committeeMeeting&from=2026-04-01&to=2026-05-31`,
      admin,
    );
    expect(committees.body.items.map((m: Json) => [m.organizationId, m.date])).toEqual([
      [branchA.id, '2026-05-10'],
      [branchA.id, '2026-04-10'],
      [branchB.id, '2026-04-08'],
    ]);
    const backwards = await call('GET', '/api/v1/meetings?from=2026-06-01&to=2026-05-01', admin);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toHaveProperty('to');
  });

  test('bad input is 400 naming the field, and nothing is written', async () => {
    const before = (await call('GET', '/api/v1/meetings', admin)).body.total;
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-15`;

    const future = await record(branchA, 'generalMeeting', nextYear, attendance([a[0]!]));
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe('VALIDATION_FAILED');
    expect(future.body.error.details.date).toMatch(/future/);

    const overlapping = await record(branchA, 'committeeMeeting', '2026-05-11', attendance([a[0]!, a[1]!], [a[1]!]));
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.details['attendance.excused[0]']).toMatch(/also in present/);

    const unknownType = await record(branchA, 'partyCongress', '2026-05-11', attendance([a[0]!]));
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.details['body.type']).toMatch(/must be one of generalMeeting/);

    const notADate = await record(branchA, 'generalMeeting', '2026-02-30', attendance([a[0]!]));
    expect(notADate.status).toBe(400);
    expect(notADate.body.error.details).toHaveProperty('date');

    const nobodyPresent = await record(branchA, 'generalMeeting', '2026-05-11', attendance([]));
    expect(nobodyPresent.status).toBe(400);
    expect(nobodyPresent.body.error.details).toHaveProperty(['body.attendance.present']);

    // Attendees must be members of the branch: a stranger and a member of branch B are named.
    const stranger = randomUUID();
    const outsiders = await record(branchA, 'generalMeeting', '2026-05-11', attendance([a[0]!, stranger], [], [b[0]!]));
    expect(outsiders.status).toBe(400);
    expect(outsiders.body.error.code).toBe('MEETING_ATTENDEE_UNKNOWN');
    expect(outsiders.body.error.message).toContain(stranger);
    expect(outsiders.body.error.message).toContain(b[0]);
    expect(outsiders.body.error.details).toEqual({
      'attendance.present[1]': expect.stringContaining(stranger),
      'attendance.absent[0]': expect.stringContaining(b[0]!),
    });

    expect((await call('GET', '/api/v1/meetings', admin)).body.total).toBe(before);
  });

  test('each type is held by its kind of node: MEETING_ORG_KIND otherwise', async () => {
    const groupMeetingAtBranch = await record(branchA, 'groupMeeting', '2026-05-11', attendance([a[0]!]));
    expect(groupMeetingAtBranch.status).toBe(409);
    expect(groupMeetingAtBranch.body.error.code).toBe('MEETING_ORG_KIND');
    const generalAtGroup = await record(groupA, 'generalMeeting', '2026-05-11', attendance([a[0]!]));
    expect(generalAtGroup.status).toBe(409);
    expect(generalAtGroup.body.error.code).toBe('MEETING_ORG_KIND');
    const lectureAtCommittee = await record(committee, 'partyLecture', '2026-05-11', attendance([a[0]!]));
    expect(lectureAtCommittee.status).toBe(409);
    expect(lectureAtCommittee.body.error).toMatchObject({ code: 'MEETING_ORG_KIND', details: { kind: 'committee' } });
  });
});

describe('compliance', () => {
  test('a branch that met everything in 2026-Q2 and one behind', async () => {
    const response = await call('GET', `/api/v1/meetings/compliance?organizationId=${committee.id}&quarter=2026-Q2`, admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ quarter: '2026-Q2', total: 2 });
    const byId = Object.fromEntries(response.body.items.map((i: Json) => [i.organizationId, i]));
    expect(byId[branchA.id]).toEqual({
      organizationId: branchA.id,
      organizationName: branchA.name,
      compliant: true,
      types: [
        { type: 'generalMeeting', required: 1, held: 1, compliant: true, missingMonths: [] },
        { type: 'committeeMeeting', required: 3, held: 3, compliant: true, missingMonths: [] },
        { type: 'groupMeeting', required: 3, held: 3, compliant: true, missingMonths: [] },
        { type: 'partyLecture', required: 1, held: 1, compliant: true, missingMonths: [] },
      ],
    });
    // Branch B has no party groups, so group meetings do not apply to it.
    expect(byId[branchB.id]).toEqual({
      organizationId: branchB.id,
      organizationName: branchB.name,
      compliant: false,
      types: [
        { type: 'generalMeeting', required: 1, held: 1, compliant: true, missingMonths: [] },
        { type: 'committeeMeeting', required: 3, held: 1, compliant: false, missingMonths: ['2026-05', '2026-06'] },
        { type: 'partyLecture', required: 1, held: 0, compliant: false, missingMonths: [] },
      ],
    });

    const behind = await call('GET', `/api/v1/meetings/compliance?organizationId=${committee.id}&quarter=2026-Q2&behindOnly=true`, admin);
    expect(behind.body.total).toBe(1);
    expect(behind.body.items.map((i: Json) => i.organizationId)).toEqual([branchB.id]);

    const paged = await call('GET', `/api/v1/meetings/compliance?organizationId=${committee.id}&quarter=2026-Q2&size=1&page=2`, admin);
    expect(paged.body).toMatchObject({ total: 2, page: 2, size: 1 });
    expect(paged.body.items).toHaveLength(1);
  });

  test('the quarter defaults to the current one; a malformed quarter is 400', async () => {
    const now = new Date().toISOString().slice(0, 10);
    const current = `${now.slice(0, 4)}-Q${Math.ceil(Number(now.slice(5, 7)) / 3)}`;
    const response = await call('GET', `/api/v1/meetings/compliance?organizationId=${branchA.id}`, admin);
    expect(response.status).toBe(200);
    expect(response.body.quarter).toBe(current);
    const bad = await call('GET', '/api/v1/meetings/compliance?quarter=2026-Q5', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty(['query.quarter']);
  });
});

describe('the meeting-compliance job', () => {
  const stream = () => `${platform.namespace.toUpperCase()}_MEMBER`;
  const subject = () => `${platform.namespace}.member.meeting.behindSchedule`;

  /** Every behindSchedule event on this test's stream. */
  async function behindEvents(): Promise<EventEnvelope[]> {
    const nc = await connect({ servers: stackUrls().natsUrl });
    try {
      const info = await (await nc.jetstreamManager()).streams.info(stream(), { subjects_filter: subject() });
      const count = info.state.subjects?.[subject()] ?? 0;
      if (count === 0) return [];
      const consumer = await nc.jetstream().consumers.get(stream(), { filterSubjects: [subject()] });
      const events: EventEnvelope[] = [];
      for await (const message of await consumer.fetch({ max_messages: count, expires: 5_000 })) {
        events.push(message.json<EventEnvelope>());
        if (events.length === count) break;
      }
      return events;
    } finally {
      await nc.close();
    }
  }

  const q2Events = async () => (await behindEvents()).filter((e) => (e.data as { quarter: string }).quarter === '2026-Q2');
  const q2Warnings = () => platform.member.connection.collection('meetingWarnings').find({ quarter: '2026-Q2' }).toArray();

  test('raises one behindSchedule per branch and quarter behind, once, however often it runs', async () => {
    await platform.member.jobs.tick(); // lets the start-up tick finish
    const july = new Date('2026-07-15T02:00:00Z');
    await platform.member.jobs.tick(july);
    await platform.member.jobs.tick(july);

    const warnings = await q2Warnings();
    expect(warnings.map((w) => w.branchId)).toEqual([branchB.id]);
    expect(warnings[0]).toMatchObject({ _id: `${branchB.id}:2026-Q2`, orgPath: branchB.path, asOf: '2026-07-15' });

    const events = await waitFor(
      async () => {
        const found = await q2Events();
        return found.length > 0 && found;
      },
      { what: 'the behindSchedule event on the stream' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'member.meeting.behindSchedule',
      subjectId: branchB.id,
      orgPath: branchB.path,
      data: {
        organizationId: branchB.id,
        quarter: '2026-Q2',
        behind: [
          { type: 'committeeMeeting', required: 3, held: 1, missingMonths: ['2026-05', '2026-06'] },
          { type: 'partyLecture', required: 1, held: 0, missingMonths: [] },
        ],
      },
    });

    // A later month sweeps 2026-Q2 again (and 2026-Q3's July): still one warning for Q2, and the
    // key refuses a second one outright, as it would for a replica racing this one.
    await platform.member.jobs.tick(new Date('2026-08-03T02:00:00Z'));
    await platform.member.connection.collection('meetingSweeps').deleteMany({});
    await platform.member.jobs.tick(july);
    expect((await q2Warnings()).map((w) => w.branchId)).toEqual([branchB.id]);
    await expect(
      platform.member.connection.collection<{ _id: string }>('meetingWarnings').insertOne({ _id: `${branchB.id}:2026-Q2` }),
    ).rejects.toMatchObject({ code: 11000 });

    // In 2026-Q3 neither branch held July's committee meeting.
    const q3 = await platform.member.connection.collection('meetingWarnings').find({ quarter: '2026-Q3' }).toArray();
    expect(q3.map((w) => w.branchId).sort()).toEqual([branchA.id, branchB.id].sort());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await q2Events()).toHaveLength(1);
  });
});

describe('scope', () => {
  let meetingOfB: string;

  beforeAll(async () => {
    const list = await call('GET', `/api/v1/meetings?organizationId=${branchB.id}`, admin);
    meetingOfB = list.body.items[0].id;
  });

  test('a secretary of branch A sees only branch A, and cannot record for branch B', async () => {
    expect((await call('GET', `/api/v1/meetings/${meetingOfB}`, secretaryA)).status).toBe(404);
    expect((await call('GET', `/api/v1/meetings?organizationId=${branchB.id}`, secretaryA)).status).toBe(404);
    expect((await call('GET', `/api/v1/meetings/compliance?organizationId=${branchB.id}&quarter=2026-Q2`, secretaryA)).status).toBe(404);

    const own = await call('GET', '/api/v1/meetings?size=100', secretaryA);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((m: Json) => m.orgPath.startsWith(branchA.path))).toBe(true);
    const compliance = await call('GET', '/api/v1/meetings/compliance?quarter=2026-Q2', secretaryA);
    expect(compliance.body.items.map((i: Json) => i.organizationId)).toEqual([branchA.id]);

    const forB = await record(branchB, 'committeeMeeting', '2026-05-12', attendance([b[0]!]), secretaryA);
    expect(forB.status).toBe(404);
    expect(forB.body.error.code).toBe('ORG_NOT_FOUND');
  });

  test('a plain member may read but not record', async () => {
    expect((await call('GET', `/api/v1/meetings?organizationId=${branchA.id}`, memberA)).status).toBe(200);
    expect((await call('GET', `/api/v1/meetings/compliance?quarter=2026-Q2`, memberA)).status).toBe(200);
    const write = await record(branchA, 'committeeMeeting', '2026-05-12', attendance([a[0]!]), memberA);
    expect(write.status).toBe(403);
  });

  test('meetings follow their branch when its subtree moves', async () => {
    const other = await platform.member.organizations.create(
      { name: '中共江川省委宣传部机关委员会', kind: 'committee', code: '', parent: null },
      'test',
    );
    const moved = await call('POST', `/api/v1/organizations/${branchB.id}/move`, admin, { newParentId: other.id });
    expect(moved.status).toBe(200);
    const newPath = `${other.path}${branchB.id}/`;
    const meeting = await call('GET', `/api/v1/meetings/${meetingOfB}`, admin);
    expect(meeting.body.orgPath).toBe(newPath);
    const warnings = await platform.member.connection.collection('meetingWarnings').find({ branchId: branchB.id }).toArray();
    expect(warnings.every((w) => w.orgPath === newPath)).toBe(true);
    const underOther = await call('GET', `/api/v1/meetings/compliance?organizationId=${other.id}&quarter=2026-Q2`, admin);
    expect(underOther.body.items).toMatchObject([{ organizationId: branchB.id, compliant: false }]);
  });
});
