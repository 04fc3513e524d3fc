import * as pb from '@repo/proto/learning/v1';
import { addMember, as, startLearning, waitFor, type RunningLearning } from '../support';

jest.setTimeout(60_000);
let running: RunningLearning;
beforeAll(async () => {
  running = await startLearning();
});
afterAll(async () => running?.stop());

test('smoke', async () => {
  const admin = await as('admin-1', ['orgAdmin'], '/p1/');
  await addMember(running, 'm-1', '/p1/b1/');
  const learners = running.client(pb.LearnerServiceService);
  await waitFor(async () => (await learners.call('getLearner', { memberId: 'm-1' }, admin)).learner, { what: 'learner' });
  await learners.call('updateLearner', pb.UpdateLearnerRequest.create({ memberId: 'm-1', userId: 'u-1', updateMask: ['userId'] }), admin);
  const courses = running.client(pb.CourseServiceService);
  const { course } = await courses.call(
    'createCourse',
    pb.CreateCourseRequest.create({
      draft: {
        title: '学习党章',
        topic: '党章',
        category: 'COURSE_CATEGORY_THEORY' as pb.CourseCategory,
        requirement: 'COURSE_REQUIREMENT_REQUIRED' as pb.CourseRequirement,
        audience: { kind: 'AUDIENCE_KIND_ALL_MEMBERS' as pb.AudienceKind },
        organiserKind: 'ORGANISER_KIND_ORGANIZATION_DEPARTMENT' as pb.OrganiserKind,
        organiserName: '组织部',
        units: [{ title: '第一章', kind: 'UNIT_KIND_ARTICLE' as pb.UnitKind, minutes: 40 }],
      },
    }),
    admin,
  );
  await courses.call('transitionCourse', { id: course!.id, action: 'COURSE_ACTION_PUBLISH' as pb.CourseAction, note: '' }, admin);
  const me = await as('u-1', ['member'], '/p1/b1/');
  const study = running.client(pb.StudyServiceService);
  const { enrolment } = await study.call('enrol', pb.EnrolRequest.create({ courseId: course!.id }), me);
  expect(enrolment?.memberId).toBe('m-1');
  const { session } = await study.call('startSession', { courseId: course!.id, unitId: course!.units[0]!.id }, me);
  const done = await study.call('reportProgress', pb.ReportProgressRequest.create({ sessionId: session!.id, readToPermille: 1000 }), me);
  expect(done.unitCompleted).toBe(true);
  const ledger = running.client(pb.LedgerServiceService);
  const { ledger: mine } = await ledger.call('getLedger', { memberId: '', year: new Date().getFullYear() }, me);
  expect(mine?.totalQuarterHours).toBe(4);
  const report = await waitFor(
    async () => {
      const r = await ledger.call('getHoursReport', pb.GetHoursReportRequest.create({ year: new Date().getFullYear() }), admin);
      return r.learners === 1 ? r : undefined;
    },
    { what: 'report' },
  );
  expect(report.behind).toHaveLength(1);
});
