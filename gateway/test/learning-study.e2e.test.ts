/**
 * Courses, studying and the class-hour ledger through REST, against the real learning service,
 * document store and NATS: class hours by the conversion table, completion by doing, the ledger
 * and its reports, scope, bad input, and the events each write publishes.
 */
import {
  courseBody,
  nodes,
  publishedCourse,
  staff,
  startLearningPlatform,
  tree,
  waitFor,
  type Json,
  type LearningPlatform,
} from './learning-support';

jest.setTimeout(120_000);

let lp: LearningPlatform;
beforeAll(async () => {
  lp = await startLearningPlatform();
});
afterAll(async () => lp?.stop());

const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function enrolAndStart(token: Record<string, string>, course: Json, unitIndex = 0) {
  const enrolled = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, token);
  expect(enrolled.status).toBe(201);
  const session = await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[unitIndex].id}/sessions`, token);
  expect(session.status).toBe(201);
  return { enrolment: enrolled.body, session: session.body };
}

describe('courses and their class hours', () => {
  test('units earn class hours by the conversion table: ≥30 min 1, 15-30 min 0.5, under 15 min 0.25, a full day 8, a half day 4', async () => {
    const created = await lp.call(
      'POST',
      '/api/v1/courses',
      staff.cityA,
      courseBody({
        units: [
          { title: '四十分钟图文', kind: 'article', minutes: 40 },
          { title: '二十分钟文件', kind: 'document', minutes: 20 },
          { title: '十分钟视频', kind: 'video', videoSeconds: 600 },
          {
            title: '集中培训',
            kind: 'offlineSession',
            place: '市委党校',
            days: [
              { date: '2099-03-02', part: 'fullDay' },
              { date: '2099-03-03', part: 'halfDay' },
            ],
          },
        ],
        fullTime: true,
        capacity: 40,
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.units.map((u: Json) => u.hours)).toEqual([1, 0.5, 0.25, 12]);
    expect(created.body).toMatchObject({
      hours: 13.75,
      status: 'draft',
      orgPath: tree.cityA,
      startDate: '2099-03-02',
      endDate: '2099-03-03',
      capacity: 40,
      seatsTaken: 0,
    });
    const [event] = (
      await waitFor(
        async () => {
          const events = await lp.events('learning.course.created');
          return events.some((e) => e.subjectId === created.body.id) && events;
        },
        { what: 'the created event' },
      )
    ).filter((e) => e.subjectId === created.body.id);
    expect(event).toMatchObject({ actor: 'org-ca', orgPath: tree.cityA, data: { units: 4 } });
  });

  test('drafts change; published ones do not; a withdrawal needs a reason; the editorial steps are events', async () => {
    const created = (await lp.call('POST', '/api/v1/courses', staff.cityA, courseBody())).body;
    const patched = await lp.call('PATCH', `/api/v1/courses/${created.id}`, staff.cityA, { title: '修改后的课程', expectedRevision: 1 });
    expect(patched.body).toMatchObject({ title: '修改后的课程', revision: 2, topic: created.topic });
    const stale = await lp.call('PATCH', `/api/v1/courses/${created.id}`, staff.cityA, { title: '旧', expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_REVISION');
    // A secretary writes drafts but does not publish.
    const bySecretary = await lp.call('POST', `/api/v1/courses/${created.id}/publish`, staff.secretaryA1);
    expect(bySecretary.status).toBe(403);
    expect(bySecretary.body.error.details.action).toBe('course.publish');
    expect((await lp.call('POST', `/api/v1/courses/${created.id}/publish`, staff.cityA)).body.status).toBe('published');
    const locked = await lp.call('PATCH', `/api/v1/courses/${created.id}`, staff.cityA, { title: '发布后修改' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('COURSE_NOT_DRAFT');
    const noReason = await lp.call('POST', `/api/v1/courses/${created.id}/withdraw`, staff.cityA, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.note).toBeDefined();
    const withdrawn = await lp.call('POST', `/api/v1/courses/${created.id}/withdraw`, staff.cityA, { note: '内容已更新' });
    expect(withdrawn.body.history.map((s: Json) => s.action)).toEqual(['publish', 'withdraw']);
    const again = await lp.call('POST', `/api/v1/courses/${created.id}/publish`, staff.cityA);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'COURSE_WORKFLOW_STEP', details: { requiredStatus: 'draft', status: 'withdrawn' } });
    await waitFor(
      async () => (await lp.events('learning.course.withdrawn')).some((e) => e.subjectId === created.id && e.data.note === '内容已更新'),
      { what: 'the withdrawn event' },
    );
  });

  test("scope: a learner sees published courses of their node and above; another branch's course answers 404", async () => {
    const a1 = await lp.member(tree.branchA1);
    const provinceCourse = await publishedCourse(lp, staff.province);
    const a2Course = await publishedCourse(lp, staff.cityA);
    // Moved to branch A2 by its own secretary's city: placed at city A, so A1 sees it too. A course of branch A2 itself:
    const branchA2Admin = { ...staff.cityA };
    expect(branchA2Admin).toBeDefined();
    const a2Only = (await lp.call('POST', '/api/v1/courses', staff.secretaryA1, courseBody())).body;
    expect(a2Only.orgPath).toBe(tree.branchA1);
    const cityBCourse = await publishedCourse(lp, staff.cityB);
    expect((await lp.call('GET', `/api/v1/courses/${provinceCourse.id}`, a1.token)).status).toBe(200);
    expect((await lp.call('GET', `/api/v1/courses/${a2Course.id}`, a1.token)).status).toBe(200);
    expect((await lp.call('GET', `/api/v1/courses/${cityBCourse.id}`, a1.token)).status).toBe(404);
    // A draft is the author's scope's business only.
    expect((await lp.call('GET', `/api/v1/courses/${a2Only.id}`, a1.token)).status).toBe(404);
    expect((await lp.call('GET', `/api/v1/courses/${a2Only.id}`, staff.cityA)).status).toBe(200);
    expect((await lp.call('GET', `/api/v1/courses/${a2Only.id}`, staff.cityB)).status).toBe(404);
    const mine = await lp.call('GET', '/api/v1/courses?forMe=true&size=100', a1.token);
    const ids = mine.body.items.map((c: Json) => c.id);
    expect(ids).toEqual(expect.arrayContaining([provinceCourse.id, a2Course.id]));
    expect(ids).not.toContain(cityBCourse.id);
    const enrolOther = await lp.call('POST', `/api/v1/courses/${cityBCourse.id}/enrolments`, a1.token);
    expect(enrolOther.status).toBe(404);
    // The audience decides who may enrol.
    const forCadres = await publishedCourse(lp, staff.province, { audience: { kind: 'cadres', cadreLevels: ['countyDivision'] } });
    const refused = await lp.call('POST', `/api/v1/courses/${forCadres.id}/enrolments`, a1.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('COURSE_AUDIENCE');
  });
});

describe('completion by doing it', () => {
  test('reading to the end completes a unit once; its class hour is credited once, with one event', async () => {
    const a1 = await lp.member(tree.branchA1);
    const course = await publishedCourse(lp, staff.cityA, {
      units: [
        { title: '读完', kind: 'article', minutes: 45 },
        { title: '第二篇', kind: 'article', minutes: 10 },
      ],
    });
    const { enrolment, session } = await enrolAndStart(a1.token, course);
    expect(enrolment).toMatchObject({ status: 'enrolled', memberId: a1.memberId, courseId: course.id });
    const half = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, { readToPermille: 500 });
    expect(half.body).toMatchObject({ unitCompleted: false, unit: { readToPermille: 500, completedAt: '' } });
    const end = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, { readToPermille: 1000 });
    expect(end.body).toMatchObject({ unitCompleted: true, courseCompleted: false, unit: { hours: 1 } });
    const again = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, { readToPermille: 1000 });
    expect(again.body.unitCompleted).toBe(false);
    const ledger = (await lp.call('GET', `/api/v1/me/ledger?year=${year}`, a1.token)).body;
    expect(ledger).toMatchObject({ memberId: a1.memberId, online: 1, offline: 0, total: 1 });
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.rules.map((r: Json) => r.code)).toEqual(['memberAnnual']);
    const completed = await waitFor(
      async () => {
        const events = (await lp.events('learning.unit.completed')).filter((e) => e.data.memberId === a1.memberId);
        return events.length ? events : undefined;
      },
      { what: 'the completion event' },
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ subjectId: enrolment.id, data: { unitId: course.units[0].id, quarterHours: 4 } });
    // The second unit completes the course.
    const second = await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[1].id}/sessions`, a1.token);
    const last = await lp.call('POST', `/api/v1/learning-sessions/${second.body.id}/progress`, a1.token, { readToPermille: 1000 });
    expect(last.body).toMatchObject({ unitCompleted: true, courseCompleted: true, unit: { hours: 0.25 } });
    const done = (await lp.call('GET', `/api/v1/enrolments/${enrolment.id}`, a1.token)).body;
    expect(done).toMatchObject({ status: 'completed', hours: 1.25 });
    await waitFor(async () => (await lp.events('learning.enrolment.completed')).some((e) => e.subjectId === enrolment.id), {
      what: 'the course completion event',
    });
  });

  test('a unit of a course the member is not enrolled in is refused, and nothing is written', async () => {
    const a1 = await lp.member(tree.branchA1);
    const course = await publishedCourse(lp, staff.cityA);
    const refused = await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[0].id}/sessions`, a1.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'ENROLMENT_REQUIRED', details: { courseId: course.id, memberIds: a1.memberId } });
    expect((await lp.call('GET', `/api/v1/me/ledger?year=${year}`, a1.token)).body.total).toBe(0);
    expect((await lp.call('GET', '/api/v1/me/enrolments', a1.token)).body.total).toBe(0);
  });

  test('a video counts by the stretches the server accepts: no faster than 2×, one unit at a time, 90 % of it', async () => {
    const a1 = await lp.member(tree.branchA1);
    const course = await publishedCourse(lp, staff.cityA, {
      units: [
        { title: '短片', kind: 'video', videoSeconds: 8 },
        { title: '另一篇', kind: 'article', minutes: 5 },
      ],
    });
    const { session } = await enrolAndStart(a1.token, course);
    expect(session).toMatchObject({ kind: 'video', videoSeconds: 8 });
    // Right after the start, a claim of the whole video is more than 2× real time allows.
    const tooFast = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 0, toSecond: 8 }],
    });
    expect(tooFast.status).toBe(409);
    expect(tooFast.body.error).toMatchObject({ code: 'LEARNING_PLAYBACK_TOO_FAST', details: { maxSpeed: '2' } });
    const pastEnd = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 0, toSecond: 30 }],
    });
    expect(pastEnd.status).toBe(400);
    expect(pastEnd.body.error.details['intervals[0].toSecond']).toBeDefined();
    const first = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 0, toSecond: 3 }],
    });
    expect(first.body).toMatchObject({ unitCompleted: false, unit: { coveragePermille: 375 } });
    await sleep(2_500);
    const second = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 2, toSecond: 7.5 }],
    });
    expect(second.body).toMatchObject({ unitCompleted: true, unit: { coveragePermille: 937, hours: 0.25 } });
    // Starting another unit ends this session: its reports are refused.
    const other = await lp.call('POST', `/api/v1/courses/${course.id}/units/${course.units[1].id}/sessions`, a1.token);
    expect(other.status).toBe(201);
    const ended = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 7, toSecond: 8 }],
    });
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('LEARNING_SESSION_ENDED');
    expect((await lp.call('GET', `/api/v1/me/ledger?year=${year}`, a1.token)).body.online).toBe(0.25);
  });

  test('offline sessions: attendance the organiser records credits each day (8 a full day, 4 a half day); everyone named must be enrolled', async () => {
    const yesterday = dayBefore(today);
    const [a1, a2, stranger] = [await lp.member(tree.branchA1), await lp.member(tree.branchA1), await lp.member(tree.branchA1)];
    const course = await publishedCourse(lp, staff.cityA, {
      units: [
        {
          title: '集中轮训',
          kind: 'offlineSession',
          place: '市委党校',
          days: [
            { date: yesterday, part: 'fullDay' },
            { date: today, part: 'halfDay' },
          ],
        },
      ],
      capacity: 2,
    });
    expect((await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, staff.cityA, { memberId: a1.memberId })).status).toBe(201);
    expect((await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, a2.token)).status).toBe(201);
    const full = await lp.call('POST', `/api/v1/courses/${course.id}/enrolments`, stranger.token);
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('COURSE_FULL');
    const unit = course.units[0].id;
    const withStranger = await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityA, {
      date: yesterday,
      memberIds: [a1.memberId, stranger.memberId],
    });
    expect(withStranger.status).toBe(409);
    expect(withStranger.body.error).toMatchObject({ code: 'ENROLMENT_REQUIRED', details: { memberIds: stranger.memberId } });
    expect((await lp.call('GET', `/api/v1/learners/${a1.memberId}/ledger`, staff.cityA)).body.total).toBe(0);
    const notADay = await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityA, {
      date: '2099-01-01',
      memberIds: [a1.memberId],
    });
    expect(notADay.status).toBe(400);
    expect(notADay.body.error.details.date).toBeDefined();
    const bySecretaryOutside = await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityB, {
      date: yesterday,
      memberIds: [a1.memberId],
    });
    expect(bySecretaryOutside.status).toBe(404);
    expect(
      (
        await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityA, {
          date: yesterday,
          memberIds: [a1.memberId, a2.memberId],
        })
      ).body,
    ).toEqual({ recorded: 2, alreadyRecorded: 0 });
    expect(
      (
        await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityA, {
          date: yesterday,
          memberIds: [a1.memberId],
        })
      ).body,
    ).toEqual({ recorded: 0, alreadyRecorded: 1 });
    expect(
      (
        await lp.call('POST', `/api/v1/courses/${course.id}/units/${unit}/attendance`, staff.cityA, {
          date: today,
          memberIds: [a1.memberId],
        })
      ).body.recorded,
    ).toBe(1);
    const ledger = (await lp.call('GET', `/api/v1/learners/${a1.memberId}/ledger`, staff.cityA)).body;
    expect(ledger).toMatchObject({ offline: 12, online: 0, offlineSessions: 1 });
    const enrolment = (await lp.call('GET', `/api/v1/enrolments/${course.id}:${a1.memberId}`, staff.cityA)).body;
    expect(enrolment).toMatchObject({ status: 'completed', units: [{ daysAttended: [yesterday, today], hours: 12 }] });
    expect((await lp.call('GET', `/api/v1/learners/${a2.memberId}/ledger`, staff.cityA)).body.offline).toBe(8);
    const attended = await waitFor(
      async () => {
        const events = (await lp.events('learning.attendance.recorded')).filter((e) => e.data.memberId === a1.memberId);
        return events.length === 2 && events;
      },
      { what: 'two attendance events' },
    );
    expect(attended.map((e) => e.data.date).sort()).toEqual([yesterday, today].sort());
  });
});

describe('the ledger against the requirements, and the reports', () => {
  test("a subtree's report: learners, the share on track, per requirement, who is behind; scoped to the caller", async () => {
    const secretary = await lp.member(tree.branchA2, { posts: ['branchSecretary'] });
    const plain = await lp.member(tree.branchA2);
    const report = await waitFor(
      async () => {
        const r = await lp.call(
          'GET',
          `/api/v1/learning/reports/hours?organizationId=${nodes.branchA2}&year=${year}&size=500`,
          staff.cityA,
        );
        return (
          r.body.behind?.some((b: Json) => b.memberId === secretary.memberId) &&
          r.body.behind.some((b: Json) => b.memberId === plain.memberId) &&
          r
        );
      },
      { what: 'both learners in the report' },
    );
    expect(report.body).toMatchObject({ year, orgPath: tree.branchA2 });
    const secretaryRow = report.body.behind.find((b: Json) => b.memberId === secretary.memberId);
    expect(secretaryRow.behindRules).toEqual(expect.arrayContaining(['memberAnnual', 'branchCadreAnnual']));
    const memberRule = report.body.rules.find((r: Json) => r.code === 'memberAnnual');
    expect(memberRule.applicable).toBeGreaterThanOrEqual(2);
    expect(report.body.shareOnTrack).toBeCloseTo(report.body.onTrack / report.body.learners, 3);
    // Another city's staff: the node is not theirs.
    const other = await lp.call('GET', `/api/v1/learning/reports/hours?organizationId=${nodes.branchA2}&year=${year}`, staff.cityB);
    expect(other.status).toBe(404);
    const cityB = await lp.call('GET', `/api/v1/learning/reports/hours?year=${year}&size=500`, staff.cityB);
    expect(cityB.body.behind.some((b: Json) => b.memberId === plain.memberId)).toBe(false);
    // A member reads their own ledger, not another's.
    expect((await lp.call('GET', `/api/v1/learners/${secretary.memberId}/ledger`, plain.token)).status).toBe(403);
    expect((await lp.call('GET', `/api/v1/learners/${plain.memberId}/ledger`, staff.cityB)).status).toBe(404);
  });

  test('once a quarter ended, everyone behind is announced once for it (learning.hours.behind); nobody on track is', async () => {
    const behind = await lp.member(tree.branchB1);
    const onTrack = await lp.member(tree.branchB1);
    const recorded = await lp.call('POST', `/api/v1/cadres/${onTrack.memberId}/trainings`, staff.cityB, {
      title: '党员冬训',
      topic: `冬训-${onTrack.memberId}`,
      organiserKind: 'partySchool',
      organiserName: '市委党校',
      mode: 'offline',
      startDate: today,
      endDate: today,
      hours: 32,
    });
    expect(recorded.status).toBe(201);
    // The fourth quarter of this year, assessed when it has ended (the job does it on its first tick then).
    const learning = lp.platform.apps.learning as Json;
    const afterYear = new Date(`${year + 1}-01-02T02:00:00Z`);
    const result = await learning.ledger.assessEndedQuarter(afterYear);
    expect(result.quarter).toBe(`${year}-Q4`);
    const events = await waitFor(
      async () => {
        const all = (await lp.events('learning.hours.behind')).filter((e) => e.subjectId === behind.memberId);
        return all.length ? all : undefined;
      },
      { what: 'the behind event' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      orgPath: tree.branchB1,
      data: { quarter: `${year}-Q4`, rules: [expect.objectContaining({ code: 'memberAnnual', requiredQuarterHours: 128 })] },
    });
    expect((await lp.events('learning.hours.behind')).some((e) => e.subjectId === onTrack.memberId)).toBe(false);
    // The quarter is done: running again announces nobody twice.
    expect(await learning.ledger.assessEndedQuarter(afterYear)).toBeUndefined();
    expect((await lp.events('learning.hours.behind')).filter((e) => e.subjectId === behind.memberId)).toHaveLength(1);
  });
});

describe('bad input is refused naming the field, and nothing is written', () => {
  test.each([
    ['a missing title', (({ title: _t, ...rest }) => rest)(courseBody()), 'body.title'],
    ['a category not in the list', courseBody({ category: 'cooking' }), 'body.category'],
    ['no units', courseBody({ units: [] }), 'body.units'],
    ['a study length of 0 minutes', courseBody({ units: [{ title: 'x', kind: 'article', minutes: 0 }] }), 'body.units.0.minutes'],
    ['an offline session without days', courseBody({ units: [{ title: 'x', kind: 'offlineSession', place: '党校' }] }), 'units[0].days'],
    ['an unknown field', courseBody({ colour: 'red' }), 'body.colour'],
  ])('%s', async (_what, body, field) => {
    const before = (await lp.call('GET', '/api/v1/courses?size=1', staff.cityA)).body.total;
    const response = await lp.call('POST', '/api/v1/courses', staff.cityA, body);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.details)).toContain(field);
    expect((await lp.call('GET', '/api/v1/courses?size=1', staff.cityA)).body.total).toBe(before);
  });

  test('progress, attendance and learners refuse what is malformed', async () => {
    const a1 = await lp.member(tree.branchA1);
    const course = await publishedCourse(lp, staff.cityA);
    const { session } = await enrolAndStart(a1.token, course);
    const tooFar = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, { readToPermille: 1001 });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.details['body.readToPermille']).toBeDefined();
    const empty = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {});
    expect(empty.status).toBe(400);
    const intervalsOnArticle = await lp.call('POST', `/api/v1/learning-sessions/${session.id}/progress`, a1.token, {
      intervals: [{ fromSecond: 0, toSecond: 1 }],
    });
    expect(intervalsOnArticle.status).toBe(400);
    expect(intervalsOnArticle.body.error.details.intervals).toBeDefined();
    const badLevel = await lp.call('PATCH', `/api/v1/learners/${a1.memberId}`, staff.cityA, { cadreLevel: 'emperor' });
    expect(badLevel.status).toBe(400);
    expect(Object.keys(badLevel.body.error.details)[0]).toMatch(/^body\.cadreLevel/);
    const other = await lp.member(tree.branchA1);
    const taken = await lp.call('PATCH', `/api/v1/learners/${other.memberId}`, staff.cityA, { userId: a1.userId });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('LEARNER_USER_TAKEN');
    expect((await lp.call('PATCH', `/api/v1/learners/${a1.memberId}`, staff.secretaryA1, { posts: ['branchSecretary'] })).status).toBe(403);
    expect((await lp.call('PATCH', `/api/v1/learners/${a1.memberId}`, staff.cityB, { posts: ['branchSecretary'] })).status).toBe(404);
    expect((await lp.call('GET', `/api/v1/learners/${a1.memberId}`, staff.cityA)).body.posts).toEqual([]);
  });
});

describe('the conversion table is data with an effective date', () => {
  test('a new table applies from its day on; one reaching back, or from anyone but a superAdmin, is refused', async () => {
    const course = (
      await lp.call('POST', '/api/v1/courses', staff.cityA, courseBody({ units: [{ title: '四十分钟', kind: 'article', minutes: 40 }] }))
    ).body;
    expect(course.units[0].hours).toBe(1);
    const table = {
      version: 'jc-2027',
      effectiveFrom: today,
      onlineBands: [
        { minMinutes: 45, hours: 1 },
        { minMinutes: 0, hours: 0.5 },
      ],
      unitTestBonus: 0.5,
      offlineFullDay: 8,
      offlineHalfDay: 4,
      basis: '江川省干部网络学院学时认定办法（测试）',
    };
    const byOrgAdmin = await lp.call('POST', '/api/v1/learning/conversion-tables', staff.province, table);
    expect(byOrgAdmin.status).toBe(403);
    const notQuarter = await lp.call('POST', '/api/v1/learning/conversion-tables', staff.superAdmin, { ...table, unitTestBonus: 0.3 });
    expect(notQuarter.status).toBe(400);
    expect(notQuarter.body.error.details['body.unitTestBonus']).toBeDefined();
    const back = await lp.call('POST', '/api/v1/learning/conversion-tables', staff.superAdmin, {
      ...table,
      effectiveFrom: dayBefore(today),
    });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('LEARNING_RULES_RETROACTIVE');
    expect((await lp.call('POST', '/api/v1/learning/conversion-tables', staff.superAdmin, table)).status).toBe(201);
    const tables = (await lp.call('GET', '/api/v1/learning/conversion-tables', staff.cityA)).body.items;
    expect(tables.map((t: Json) => t.version)).toEqual(['default', 'jc-2027']);
    await waitFor(async () => (await lp.call('GET', `/api/v1/courses/${course.id}`, staff.cityA)).body.units[0].hours === 0.5, {
      timeoutMs: 20_000,
      what: 'the new table to apply',
    });
    await waitFor(async () => (await lp.events('learning.rules.conversionTableAdded')).some((e) => e.subjectId === 'jc-2027'), {
      what: 'the rules event',
    });
  });
});
