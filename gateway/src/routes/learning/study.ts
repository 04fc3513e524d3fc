/** Studying over REST: enrolment, playing and reading units, attendance of offline sessions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, int32, PageFields, pageOf, pageQuery } from '../common';
import type { LearningRouteOptions } from './clients';
import { codecs, Hours, hoursOf, MemberId, ReasonText, RecordId, wordOf, words } from './schemas';

export const OverrideBody = Type.Object({
  rule: Type.String(),
  trainingId: Type.String(),
  reason: Type.String(),
  by: Type.String(),
  at: Type.String(),
});

const ProgressBody = Type.Object({
  unitId: Type.String(),
  completedAt: Type.String({ description: 'Empty until completed' }),
  coveragePermille: Type.Integer({ description: 'Videos: share covered by accepted intervals' }),
  readToPermille: Type.Integer({ description: 'Articles and documents: how far read' }),
  daysAttended: Type.Array(Type.String()),
  testPassed: Type.Boolean(),
  hours: Hours('Credited for this unit'),
});

export const EnrolmentBody = Type.Object(
  {
    id: Type.String(),
    courseId: Type.String(),
    memberId: Type.String(),
    status: Type.String(),
    orgPath: Type.String(),
    enrolledAt: Type.String(),
    enrolledBy: Type.String(),
    completedAt: Type.String(),
    units: Type.Array(ProgressBody),
    override: Type.Optional(OverrideBody),
    hours: Hours('Credited through its units so far'),
    revision: Type.Integer(),
  },
  { $id: 'Enrolment' },
);

const SessionBody = Type.Object({
  id: Type.String(),
  courseId: Type.String(),
  unitId: Type.String(),
  kind: Type.String(),
  startedAt: Type.String(),
  videoSeconds: Type.Integer(),
});

export function toOverrideBody(o: pb.DuplicateOverride | undefined) {
  return o
    ? { rule: wordOf(codecs.duplicateRule, o.rule), trainingId: o.trainingId, reason: o.reason, by: o.by, at: o.at ?? '' }
    : undefined;
}

function toProgressBody(p: pb.UnitProgress | undefined): Static<typeof ProgressBody> {
  if (!p) throw new Error('service answered without progress');
  return {
    unitId: p.unitId,
    completedAt: p.completedAt,
    coveragePermille: p.coveragePermille,
    readToPermille: p.readToPermille,
    daysAttended: p.daysAttended,
    testPassed: p.testPassed,
    hours: hoursOf(p.quarterHours),
  };
}

function toEnrolmentBody(e: pb.Enrolment | undefined): Static<typeof EnrolmentBody> {
  if (!e) throw new Error('service answered without an enrolment');
  const override = toOverrideBody(e.override);
  return {
    id: e.id,
    courseId: e.courseId,
    memberId: e.memberId,
    status: wordOf(codecs.enrolmentStatus, e.status),
    orgPath: e.orgPath,
    enrolledAt: e.enrolledAt ?? '',
    enrolledBy: e.enrolledBy,
    completedAt: e.completedAt ?? '',
    units: e.units.map(toProgressBody),
    ...(override ? { override } : {}),
    hours: hoursOf(e.quarterHours),
    revision: e.revision,
  };
}

const CourseParams = Type.Object({ id: RecordId('Course id') }, { additionalProperties: false });
const UnitParams = Type.Object({ id: RecordId('Course id'), unitId: RecordId('Unit id') }, { additionalProperties: false });
const IdParams = Type.Object({ id: RecordId('Id') }, { additionalProperties: false });

const EnrolBody = Type.Union([
  Type.Object(
    {
      memberId: Type.Optional(MemberId('Whom to enrol; leave out to enrol yourself')),
      overrideReason: Type.Optional(
        ReasonText('Enrol despite a duplicate-training refusal (needs the override right); recorded and published'),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const EnrolmentsQuery = Type.Object(
  { ...pageQuery(200), status: Type.Optional(words('enrolmentStatus', 'Enrolment status')) },
  { additionalProperties: false },
);
const EnrolmentList = Type.Object({ ...PageFields, items: Type.Array(EnrolmentBody) });

const ReportBody = Type.Object(
  {
    intervals: Type.Optional(
      Type.Array(
        Type.Object({ fromSecond: Type.Number({ minimum: 0 }), toSecond: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
        {
          maxItems: 200,
          description: 'Videos: the stretches played since the last report, in seconds of the video',
        },
      ),
    ),
    readToPermille: Type.Optional(
      int32({ minimum: 1, maximum: 1_000, description: 'Articles and documents: how far the reader got (1000 is the end)' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const AttendanceBody = Type.Object(
  {
    date: calendarDate('The day of the session'),
    memberIds: Type.Array(MemberId(), { minItems: 1, maxItems: 2_000, description: 'Members present that day; each must be enrolled' }),
  },
  { additionalProperties: false },
);

export const studyRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.post(
    '/courses/:id/enrolments',
    {
      schema: {
        tags: ['study'],
        summary: 'Enrol yourself or, as staff, someone else; refused before the seat is taken when it would be duplicate training',
        params: CourseParams,
        body: EnrolBody,
        response: { 201: EnrolmentBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { enrolment } = await call(request, learning.study, 'enrol', {
        courseId: request.params.id,
        memberId: request.body?.memberId ?? '',
        overrideReason: request.body?.overrideReason ?? '',
      });
      return reply.status(201).header('location', `/api/v1/enrolments/${enrolment?.id}`).send(toEnrolmentBody(enrolment));
    },
  );

  app.get(
    '/courses/:id/enrolments',
    {
      schema: {
        tags: ['study'],
        summary: "A course's enrolments (staff)",
        params: CourseParams,
        querystring: EnrolmentsQuery,
        response: { 200: EnrolmentList, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, learning.study, 'listEnrolments', {
        courseId: request.params.id,
        mine: false,
        status: codecs.enrolmentStatus.toProto(q.status),
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.enrolments.map(toEnrolmentBody) };
    },
  );

  app.get(
    '/me/enrolments',
    {
      schema: {
        tags: ['study'],
        summary: 'Your own enrolments',
        querystring: EnrolmentsQuery,
        response: { 200: EnrolmentList, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, learning.study, 'listEnrolments', {
        courseId: '',
        mine: true,
        status: codecs.enrolmentStatus.toProto(q.status),
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.enrolments.map(toEnrolmentBody) };
    },
  );

  app.get(
    '/enrolments/:id',
    {
      schema: {
        tags: ['study'],
        summary: 'One enrolment with the progress of each unit',
        params: IdParams,
        response: { 200: EnrolmentBody, ...errorResponses },
      },
    },
    async (request) => toEnrolmentBody((await call(request, learning.study, 'getEnrolment', { id: request.params.id })).enrolment),
  );

  app.post(
    '/enrolments/:id/cancel',
    {
      schema: {
        tags: ['study'],
        summary: 'Cancel an enrolment not completed; the seat is given back',
        params: IdParams,
        body: Type.Union([Type.Object({ reason: Type.Optional(ReasonText('Why')) }, { additionalProperties: false }), Type.Null()]),
        response: { 200: EnrolmentBody, ...errorResponses },
      },
    },
    async (request) =>
      toEnrolmentBody(
        (await call(request, learning.study, 'cancelEnrolment', { id: request.params.id, reason: request.body?.reason ?? '' })).enrolment,
      ),
  );

  app.post(
    '/courses/:id/units/:unitId/sessions',
    {
      schema: {
        tags: ['study'],
        summary: 'Start playing or reading a unit (whatever else you had open stops)',
        params: UnitParams,
        response: { 201: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { session } = await call(request, learning.study, 'startSession', {
        courseId: request.params.id,
        unitId: request.params.unitId,
      });
      if (!session) throw new Error('service answered without a session');
      return reply.status(201).send({
        id: session.id,
        courseId: session.courseId,
        unitId: session.unitId,
        kind: wordOf(codecs.unitKind, session.kind),
        startedAt: session.startedAt ?? '',
        videoSeconds: session.videoSeconds,
      });
    },
  );

  app.post(
    '/learning-sessions/:id/progress',
    {
      schema: {
        tags: ['study'],
        summary: 'Report progress: the video stretches played (checked against the server clock, at most 2×) or how far you read',
        params: IdParams,
        body: ReportBody,
        response: {
          200: Type.Object({ unit: ProgressBody, unitCompleted: Type.Boolean(), courseCompleted: Type.Boolean() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const response = await call(
        request,
        learning.study,
        'reportProgress',
        pb.ReportProgressRequest.create({
          sessionId: request.params.id,
          intervals: request.body.intervals ?? [],
          readToPermille: request.body.readToPermille ?? 0,
        }),
      );
      return { unit: toProgressBody(response.unit), unitCompleted: response.unitCompleted, courseCompleted: response.courseCompleted };
    },
  );

  app.post(
    '/courses/:id/units/:unitId/attendance',
    {
      schema: {
        tags: ['study'],
        summary: "Record who attended a day of an offline session; each credits that day's class hours",
        params: UnitParams,
        body: AttendanceBody,
        response: { 200: Type.Object({ recorded: Type.Integer(), alreadyRecorded: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) =>
      call(request, learning.study, 'recordAttendance', {
        courseId: request.params.id,
        unitId: request.params.unitId,
        date: request.body.date,
        memberIds: request.body.memberIds,
      }),
  );
};
