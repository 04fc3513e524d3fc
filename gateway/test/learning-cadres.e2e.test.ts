/**
 * Cadre training records and duplicate training, and the cadre portrait, through REST against
 * the real learning service, document store and NATS: a seeded ledger with known duplicates
 * (each refused before a seat is taken, naming the rule and the earlier training; no clean
 * enrolment refused), overrides, trainings recorded by hand, and the portrait built from the
 * member, feedback and supervision services' events.
 */
import { randomUUID } from 'node:crypto';
import { nodes, publishedCourse, staff, startLearningPlatform, tree, waitFor, type Json, type LearningPlatform } from './learning-support';

jest.setTimeout(180_000);

let lp: LearningPlatform;
beforeAll(async () => {
  lp = await startLearningPlatform();
});
afterAll(async () => lp?.stop());

const provinceToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const today = provinceToday();
const year = Number(today.slice(0, 4));
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const offline = (title: string, from: number, to: number) => ({
  title,
  kind: 'offlineSession',
  place: '省委党校',
  days: Array.from({ length: to - from + 1 }, (_, i) => ({ date: plusDays(today, from + i), part: 'fullDay' })),
});

/** A training attended elsewhere, recorded by hand. */
const recordedBody = (overrides: Record<string, unknown>) => ({
  title: '县处级干部进修班',
  topic: `主题-${randomUUID()}`,
  organiserKind: 'partySchool',
  organiserName: '省委党校',
  mode: 'offline',
  fullTime: true,
  startDate: plusDays(today, -70),
  endDate: plusDays(today, -60),
  hours: 40,
  ...overrides,
});

async function completeArticle(token: Record<string, string>, course: Json) {
  expect((await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, token)).status).toBe(201);
  const session = await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[0].id}/sessions`, token);
  const done = await lp.call('POST', `/api/v1/learning-sessions/${session.body.id}/progress`, token, { readToPermille: 1000 });
  expect(done.body.courseCompleted).toBe(true);
}

describe('duplicate training is refused before the seat is taken', () => {
  test('a seeded ledger with known duplicates: every one refused naming its rule and the earlier training, no clean enrolment refused', async () => {
    const code = `JC-${randomUUID().slice(0, 8)}`;
    const recentTopic = `党性教育-${randomUUID().slice(0, 6)}`;
    const oldTopic = `基层治理-${randomUUID().slice(0, 6)}`;
    const topic = () => `专题-${randomUUID().slice(0, 8)}`;
    // The history every seeded cadre has.
    const done = await publishedCourse(lp, staff.province, {
      code,
      topic: topic(),
      units: [{ title: '网络专题', kind: 'article', minutes: 40 }],
    });
    const fullTimeClass = await publishedCourse(lp, staff.province, {
      topic: topic(),
      fullTime: true,
      capacity: 50,
      units: [offline('进修班', 30, 34)],
    });
    // What they are then enrolled in, each known to be a duplicate or clean.
    const cases: { name: string; course: Json; expected: { code: string; rule: string; earlier: (c: Seeded) => string } | 'clean' }[] = [
      {
        name: 'another run of a course completed (same course code)',
        course: await publishedCourse(lp, staff.province, { code, topic: topic(), capacity: 50, units: [offline('线下班', 60, 61)] }),
        expected: { code: 'TRAINING_COURSE_COMPLETED', rule: 'sameCourseCompleted', earlier: (c) => `${done.id}:${c.memberId}` },
      },
      {
        name: 'a topic trained two months ago (recorded by hand)',
        course: await publishedCourse(lp, staff.province, { topic: recentTopic }),
        expected: { code: 'TRAINING_TOPIC_REPEATED', rule: 'sameTopicWithinPeriod', earlier: (c) => c.recentTrainingId },
      },
      {
        name: 'a full-time class overlapping the one they are in',
        course: await publishedCourse(lp, staff.province, {
          topic: topic(),
          fullTime: true,
          capacity: 50,
          units: [offline('轮训班', 33, 36)],
        }),
        expected: { code: 'TRAINING_DATES_OVERLAP', rule: 'fullTimeOverlap', earlier: (c) => `${fullTimeClass.id}:${c.memberId}` },
      },
      { name: 'a new topic online', course: await publishedCourse(lp, staff.province, { topic: topic() }), expected: 'clean' },
      { name: 'a topic trained 14 months ago', course: await publishedCourse(lp, staff.province, { topic: oldTopic }), expected: 'clean' },
      {
        name: 'a full-time class starting the day after the other ends',
        course: await publishedCourse(lp, staff.province, {
          topic: topic(),
          fullTime: true,
          capacity: 50,
          units: [offline('专题班', 35, 36)],
        }),
        expected: 'clean',
      },
    ];

    interface Seeded {
      memberId: string;
      recentTrainingId: string;
    }
    const cadres: Seeded[] = [];
    for (let i = 0; i < 3; i++) {
      const cadre = await lp.member(i === 2 ? tree.branchA2 : tree.branchA1, { cadreLevel: 'countyDivision' });
      const recent = await lp.call('POST', `/api/v1/cadres/${cadre.memberId}/trainings`, staff.cityA, recordedBody({ topic: recentTopic }));
      expect(recent.status).toBe(201);
      const old = recordedBody({ topic: oldTopic, startDate: plusDays(today, -430), endDate: plusDays(today, -425) });
      expect((await lp.call('POST', `/api/v1/cadres/${cadre.memberId}/trainings`, staff.cityA, old)).status).toBe(201);
      await completeArticle(cadre.token, done);
      expect(
        (await lp.call('POST', `/api/v1/courses/${fullTimeClass.id}/enrolments`, staff.cityA, { memberId: cadre.memberId })).status,
      ).toBe(201);
      cadres.push({ memberId: cadre.memberId, recentTrainingId: recent.body.id });
    }

    let refused = 0;
    let enrolled = 0;
    for (const cadre of cadres) {
      for (const { name, course, expected } of cases) {
        const response = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, staff.cityA, { memberId: cadre.memberId });
        if (expected === 'clean') {
          expect([name, response.status]).toEqual([name, 201]);
          enrolled += 1;
          continue;
        }
        expect([name, response.status]).toEqual([name, 409]);
        expect(response.body.error).toMatchObject({
          code: expected.code,
          details: { rule: expected.rule, trainingId: expected.earlier(cadre) },
        });
        expect(response.body.error.message).toMatch(/^refused as duplicate training: .+《.+》/);
        refused += 1;
      }
    }
    expect({ refused, enrolled }).toEqual({ refused: 9, enrolled: 9 });
    // A refusal took no seat: the refused classes hold none, the clean one holds three.
    for (const { course, expected } of cases.filter((c) => c.course.capacity)) {
      const seats = (await lp.call('GET', `/api/v1/courses/${course.id}`, staff.province)).body.seatsTaken;
      expect(seats).toBe(expected === 'clean' ? 3 : 0);
    }
    // Nothing of a refusal was written: the cadre's record holds the seeded history and the clean enrolments.
    const records = await lp.call('GET', `/api/v1/cadres/${cadres[0]!.memberId}/trainings`, staff.cityA);
    expect(records.body.total).toBe(2 + 2 + 3);
  });

  test('an override needs the right and a reason; it is recorded on the enrolment and published', async () => {
    const cadre = await lp.member(tree.branchA1, { cadreLevel: 'townshipSection' });
    const topic = `廉洁教育-${randomUUID().slice(0, 6)}`;
    const earlier = await lp.call('POST', `/api/v1/cadres/${cadre.memberId}/trainings`, staff.cityA, recordedBody({ topic }));
    const course = await publishedCourse(lp, staff.province, { topic, category: 'integrity' });
    const plain = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, cadre.token);
    expect(plain.body.error).toMatchObject({ code: 'TRAINING_TOPIC_REPEATED', details: { trainingId: earlier.body.id } });
    // Neither the cadre nor a branch secretary may override.
    const bySelf = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, cadre.token, { overrideReason: '想再学一遍' });
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.error.details.action).toBe('training.override');
    const bySecretary = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, staff.secretaryA1, {
      memberId: cadre.memberId,
      overrideReason: '支部安排',
    });
    expect(bySecretary.status).toBe(403);
    const overridden = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, staff.cityA, {
      memberId: cadre.memberId,
      overrideReason: '上级党委点名调训，内容已更新',
    });
    expect(overridden.status).toBe(201);
    expect(overridden.body.override).toMatchObject({
      rule: 'sameTopicWithinPeriod',
      trainingId: earlier.body.id,
      reason: '上级党委点名调训，内容已更新',
      by: 'org-ca',
    });
    const event = await waitFor(
      async () => (await lp.events('learning.training.duplicateOverridden')).find((e) => e.subjectId === overridden.body.id),
      { what: 'the override event' },
    );
    expect(event).toMatchObject({
      actor: 'org-ca',
      orgPath: tree.branchA1,
      data: {
        memberId: cadre.memberId,
        rule: 'sameTopicWithinPeriod',
        earlierTrainingId: earlier.body.id,
        reason: '上级党委点名调训，内容已更新',
      },
    });
    const listed = (await lp.call('GET', `/api/v1/cadres/${cadre.memberId}/trainings`, staff.cityA)).body.items;
    expect(listed.find((t: Json) => t.id === overridden.body.id).override.rule).toBe('sameTopicWithinPeriod');
  });
});

describe('training records (干部培训档案)', () => {
  test('recorded by hand: class hours credited (split by day across a year), an event, refused when malformed with nothing written', async () => {
    const cadre = await lp.member(tree.branchA1, { cadreLevel: 'countyDivision' });
    const url = `/api/v1/cadres/${cadre.memberId}/trainings`;
    const crossing = await lp.call(
      'POST',
      url,
      staff.cityA,
      recordedBody({ startDate: `${year - 1}-12-30`, endDate: `${year}-01-02`, hours: 32, certificateNumber: 'DX-2025-0173' }),
    );
    expect(crossing.status).toBe(201);
    expect(crossing.body).toMatchObject({
      status: 'completed',
      hours: 32,
      mode: 'offline',
      certificateNumber: 'DX-2025-0173',
      orgPath: tree.branchA1,
    });
    // Two of its four days in each year.
    const last = (await lp.call('GET', `/api/v1/learners/${cadre.memberId}/ledger?year=${year - 1}`, staff.cityA)).body;
    const now = (await lp.call('GET', `/api/v1/learners/${cadre.memberId}/ledger?year=${year}`, staff.cityA)).body;
    expect([last.offline, now.offline, last.offlineSessions, now.offlineSessions]).toEqual([16, 16, 1, 1]);
    await waitFor(
      async () =>
        (await lp.events('learning.training.recorded')).some((e) => e.subjectId === crossing.body.id && e.data.quarterHours === 128),
      {
        what: 'the recorded event',
      },
    );

    const bad: [Record<string, unknown>, string][] = [
      [{ hours: -4 }, 'body.hours'],
      [{ hours: 1.3 }, 'body.hours'],
      [{ hours: 0 }, 'body.hours'],
      [{ startDate: today, endDate: plusDays(today, -1) }, 'endDate'],
      [{ startDate: today, endDate: plusDays(today, 3) }, 'endDate'],
      [{ organiserKind: 'church' }, 'body.organiserKind'],
      [{ topic: '' }, 'body.topic'],
    ];
    for (const [change, field] of bad) {
      const response = await lp.call('POST', url, staff.cityA, recordedBody(change));
      expect([field, response.status]).toEqual([field, 400]);
      expect(Object.keys(response.body.error.details)).toContain(field);
    }
    expect((await lp.call('GET', url, staff.cityA)).body.total).toBe(1);
    expect((await lp.call('GET', `/api/v1/learners/${cadre.memberId}/ledger?year=${year}`, staff.cityA)).body.offline).toBe(16);
  });

  test('scope: the cadre reads their own record, staff within scope; another city answers 404, a role without the right 403', async () => {
    const cadre = await lp.member(tree.branchA1, { cadreLevel: 'countyDivision' });
    const url = `/api/v1/cadres/${cadre.memberId}/trainings`;
    expect((await lp.call('POST', url, staff.cityA, recordedBody({}))).status).toBe(201);
    expect((await lp.call('GET', url, cadre.token)).body.total).toBe(1);
    expect((await lp.call('GET', url, staff.inspectorA)).body.total).toBe(1);
    expect((await lp.call('GET', url, staff.cityB)).status).toBe(404);
    expect((await lp.call('POST', url, staff.cityB, recordedBody({}))).status).toBe(404);
    expect((await lp.call('GET', url, staff.secretaryA1)).status).toBe(403);
    expect((await lp.call('POST', url, staff.secretaryA1, recordedBody({}))).status).toBe(403);
    expect((await lp.call('GET', url, staff.cityA)).body.total).toBe(1);
  });
});

describe('the cadre portrait (干部画像)', () => {
  test('a read model of events: organisations and stages over time, meetings there, messages handled, the discipline record; class hours and trainings', async () => {
    const cadre = await lp.member(tree.branchA1, {
      cadreLevel: 'countyDivision',
      posts: ['branchSecretary'],
      stage: 'probationary',
      occurredAt: '2024-01-10T02:00:00Z',
    });
    const at = (date: string) => ({ occurredAt: `${date}T02:00:00Z` });
    await lp.publish(
      'member.member.stageChanged',
      cadre.memberId,
      tree.branchA1,
      { from: 'probationary', to: 'full', date: '2025-01-15' },
      at('2025-01-15'),
    );
    await lp.publish(
      'member.member.transferred',
      cadre.memberId,
      tree.branchA2,
      {
        transferId: randomUUID(),
        fromOrganizationId: nodes.branchA1,
        toOrganizationId: nodes.branchA2,
        from: tree.branchA1,
        to: tree.branchA2,
      },
      at('2025-03-01'),
    );
    const meeting = (organizationId: string, orgPath: string, type: string, date: string) =>
      lp.publish('member.meeting.recorded', randomUUID(), orgPath, {
        organizationId,
        type,
        date,
        topic: '学习',
        present: 9,
        excused: 1,
        absent: 0,
      });
    await meeting(nodes.branchA1, tree.branchA1, 'generalMeeting', '2024-05-01');
    await meeting(nodes.branchA1, tree.branchA1, 'partyLecture', '2025-02-01');
    await meeting(nodes.branchA2, tree.branchA2, 'generalMeeting', '2025-04-01');
    // After they left branch A1: not theirs.
    await meeting(nodes.branchA1, tree.branchA1, 'generalMeeting', '2025-04-02');
    const message = (type: string, actor: string, date: string) =>
      lp.publish(type, randomUUID(), tree.branchA2, {}, { actor, ...at(date) });
    await message('feedback.message.replied', cadre.userId, '2025-05-06');
    await message('feedback.message.replied', cadre.userId, '2025-06-06');
    await message('feedback.message.closed', cadre.userId, '2025-06-07');
    await message('feedback.message.replied', randomUUID(), '2025-06-08');
    const decidedAt = plusDays(today, -30);
    const caseId = randomUUID();
    await lp.publish(
      'supervision.case.decided',
      caseId,
      tree.branchA2,
      {
        number: '江纪案〔2026〕17号',
        category: 'improperEatingAndDrinking',
        decidedAt,
        persons: [
          {
            memberId: cadre.memberId,
            level: 'countyDivision',
            decision: { partySanction: 'warning' },
            influence: [
              {
                sanction: 'warning',
                kind: 'party',
                name: '警告',
                from: decidedAt,
                until: plusDays(decidedAt, 365),
                effect: '一年内不得在党内提升职务',
              },
            ],
          },
          { memberId: randomUUID(), level: 'townshipSection', decision: { treatment: 'criticism' }, influence: [] },
        ],
      },
      { actor: 'insp-1' },
    );
    expect(
      (
        await lp.call(
          'POST',
          `/api/v1/cadres/${cadre.memberId}/trainings`,
          staff.province,
          recordedBody({ hours: 24, startDate: today, endDate: today }),
        )
      ).status,
    ).toBe(201);

    const portrait = await waitFor(
      async () => {
        const r = await lp.call('GET', `/api/v1/cadres/${cadre.memberId}/portrait`, staff.cityA);
        const p = r.body;
        return (
          p.organizationHistory?.length === 2 &&
          p.meetings?.length === 3 &&
          p.messagesHandled?.length === 1 &&
          p.discipline?.length === 1 &&
          p
        );
      },
      { what: 'the portrait to hold every event', timeoutMs: 20_000 },
    );
    expect(portrait).toMatchObject({
      memberId: cadre.memberId,
      cadreLevel: 'countyDivision',
      posts: ['branchSecretary'],
      stage: 'full',
      orgPath: tree.branchA2,
    });
    expect(portrait.organizationHistory).toEqual([
      {
        organizationId: nodes.branchA1,
        orgPath: tree.branchA1,
        name: `组织${nodes.branchA1}`,
        fromDate: '2024-01-10',
        toDate: '2025-03-01',
      },
      { organizationId: nodes.branchA2, orgPath: tree.branchA2, name: `组织${nodes.branchA2}`, fromDate: '2025-03-01', toDate: '' },
    ]);
    expect(portrait.stageHistory).toEqual([
      { stage: 'probationary', date: '2024-01-10' },
      { stage: 'full', date: '2025-01-15' },
    ]);
    expect(portrait.meetings).toEqual([
      { year: 2024, type: 'generalMeeting', held: 1 },
      { year: 2025, type: 'generalMeeting', held: 1 },
      { year: 2025, type: 'partyLecture', held: 1 },
    ]);
    expect(portrait.messagesHandled).toEqual([{ year: 2025, replied: 2, closed: 1 }]);
    expect(portrait.discipline).toEqual([
      {
        caseId,
        number: '江纪案〔2026〕17号',
        category: 'improperEatingAndDrinking',
        decidedAt,
        treatment: '',
        partySanction: 'warning',
        governmentSanction: '',
        influence: [
          {
            sanction: 'warning',
            kind: 'party',
            name: '警告',
            fromDate: decidedAt,
            untilDate: plusDays(decidedAt, 365),
            effect: '一年内不得在党内提升职务',
            inForce: true,
          },
        ],
      },
    ]);
    expect(portrait.inInfluencePeriod).toBe(true);
    expect(portrait.trainings).toHaveLength(1);
    expect(portrait.hours.find((h: Json) => h.year === year)).toMatchObject({ offline: 24, total: 24, met: false });
    // Every read is an event, naming who read it.
    await waitFor(
      async () => (await lp.events('learning.portrait.read')).some((e) => e.subjectId === cadre.memberId && e.actor === 'org-ca'),
      { what: 'the read event' },
    );
  });

  test('only roles allowed to see cadres, within scope; a member who is no cadre has no portrait', async () => {
    const cadre = await lp.member(tree.branchA1, { cadreLevel: 'townshipSection' });
    const url = `/api/v1/cadres/${cadre.memberId}/portrait`;
    expect((await lp.call('GET', url, staff.cityA)).status).toBe(200);
    expect((await lp.call('GET', url, staff.inspectorA)).status).toBe(200);
    expect((await lp.call('GET', url, staff.cityB)).status).toBe(404);
    expect((await lp.call('GET', url, staff.secretaryA1)).status).toBe(403);
    expect((await lp.call('GET', url, cadre.token)).status).toBe(403);
    const plain = await lp.member(tree.branchA1);
    const none = await lp.call('GET', `/api/v1/cadres/${plain.memberId}/portrait`, staff.cityA);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('CADRE_NOT_FOUND');
    // Refused reads are no reads.
    const reads = (await lp.events('learning.portrait.read')).filter((e) => e.subjectId === cadre.memberId);
    expect(reads.map((e) => e.actor).sort()).toEqual(['insp-ca', 'org-ca']);
  });
});
