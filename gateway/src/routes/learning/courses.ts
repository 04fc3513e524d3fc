/** Courses of units over REST: drafts, publishing and withdrawing, the catalogue. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, expectedRevision, int32, PageFields, pageOf, pageQuery, updateMask } from '../common';
import type { LearningRouteOptions } from './clients';
import { AudienceBody, AudienceInput, audienceBodyOf, codecs, Hours, hoursOf, RecordId, toProtoAudience, wordOf, words } from './schemas';

const UnitInput = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: "Keep a saved unit's id when editing a draft; new units get one" })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    kind: words('unitKind', 'article 图文 and document 文件 (read to the end), video 视频 (watched), offlineSession 集中培训 (attended)'),
    minutes: Type.Optional(
      int32({
        minimum: 1,
        maximum: 1_440,
        description: 'Articles and documents: the study length in minutes, which the conversion table turns into class hours',
      }),
    ),
    videoSeconds: Type.Optional(int32({ minimum: 1, maximum: 86_400, description: "Videos: the video's length in seconds" })),
    testExamId: Type.Optional(
      Type.String({ maxLength: 64, description: 'A unit test: the unit completes once it is passed too, and earns its bonus' }),
    ),
    days: Type.Optional(
      Type.Array(
        Type.Object(
          { date: calendarDate('A day of the session'), part: words('dayPart', 'fullDay (8 学时) or halfDay (4 学时)') },
          { additionalProperties: false },
        ),
        {
          maxItems: 60,
          description: 'Offline sessions: each day',
        },
      ),
    ),
    place: Type.Optional(Type.String({ maxLength: 200, description: 'Offline sessions: where' })),
  },
  { additionalProperties: false },
);

const courseFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  code: Type.String({ maxLength: 40, description: '课程编号: courses sharing one are the same course (an online and an offline run)' }),
  summary: Type.String({ maxLength: 5_000 }),
  category: words('category', '理论学习 theory, 党性教育 partySpirit, 业务知识 professional, 廉洁教育 integrity, 政策法规 policy, other'),
  requirement: words('requirement', '必修 required or 选修 elective for its audience'),
  audience: AudienceInput,
  topic: Type.String({
    minLength: 1,
    maxLength: 100,
    description: '培训主题: trainings of one topic within the configured period are duplicate training',
  }),
  organiserKind: words('organiserKind', '组织部 organizationDepartment, 党校 partySchool, department, other'),
  organiserName: Type.String({ minLength: 1, maxLength: 100 }),
  fullTime: Type.Boolean({
    description: '脱产: a full-time class, whose dates may not overlap another full-time class of the same learner',
  }),
  capacity: int32({ minimum: 0, maximum: 100_000, description: 'Seats of a class; 0 for no limit' }),
  units: Type.Array(UnitInput, { minItems: 1, maxItems: 200 }),
};

const CreateBody = Type.Object(
  {
    ...courseFields,
    code: Type.Optional(courseFields.code),
    summary: Type.Optional(courseFields.summary),
    fullTime: Type.Optional(courseFields.fullTime),
    capacity: Type.Optional(courseFields.capacity),
  },
  { additionalProperties: false },
);
type CreateBody = Static<typeof CreateBody>;

const UpdateBody = Type.Object(
  { ...Object.fromEntries(Object.entries(courseFields).map(([k, v]) => [k, Type.Optional(v)])), expectedRevision: expectedRevision() },
  { additionalProperties: false, minProperties: 1 },
);

export const CourseBody = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    code: Type.String(),
    summary: Type.String(),
    category: Type.String(),
    requirement: Type.String(),
    audience: AudienceBody,
    topic: Type.String(),
    organiserKind: Type.String(),
    organiserName: Type.String(),
    fullTime: Type.Boolean(),
    capacity: Type.Integer(),
    seatsTaken: Type.Integer(),
    units: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        kind: Type.String(),
        minutes: Type.Integer(),
        videoSeconds: Type.Integer(),
        testExamId: Type.String(),
        days: Type.Array(Type.Object({ date: Type.String(), part: Type.String() })),
        place: Type.String(),
        hours: Hours('What it earns by the conversion table in force today'),
      }),
    ),
    hours: Hours('The units together'),
    startDate: Type.String({ description: 'First day of its offline sessions; empty online' }),
    endDate: Type.String(),
    status: Type.String(),
    orgPath: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revision: Type.Integer(),
    history: Type.Array(
      Type.Object({
        action: Type.String(),
        from: Type.String(),
        to: Type.String(),
        actor: Type.String(),
        at: Type.String(),
        note: Type.String(),
      }),
    ),
  },
  { $id: 'Course' },
);

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    status: Type.Optional(words('courseStatus', 'Editorial status')),
    category: Type.Optional(courseFields.category),
    requirement: Type.Optional(courseFields.requirement),
    forMe: Type.Optional(Type.Boolean({ description: 'Only published courses whose audience includes the caller' })),
  },
  { additionalProperties: false },
);

const Params = Type.Object({ id: RecordId('Course id') }, { additionalProperties: false });
const StepBody = Type.Union([
  Type.Object(
    { note: Type.Optional(Type.String({ maxLength: 500, description: 'Required to withdraw' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

function toDraft(body: Partial<CreateBody>): pb.CourseDraft {
  return pb.CourseDraft.create({
    title: body.title ?? '',
    code: body.code ?? '',
    summary: body.summary ?? '',
    category: codecs.category.toProto(body.category),
    requirement: codecs.requirement.toProto(body.requirement),
    audience: toProtoAudience(body.audience),
    topic: body.topic ?? '',
    organiserKind: codecs.organiserKind.toProto(body.organiserKind),
    organiserName: body.organiserName ?? '',
    fullTime: body.fullTime ?? false,
    capacity: body.capacity ?? 0,
    units: (body.units ?? []).map((u) =>
      pb.Unit.create({
        id: u.id ?? '',
        title: u.title,
        kind: codecs.unitKind.toProto(u.kind),
        minutes: u.minutes ?? 0,
        videoSeconds: u.videoSeconds ?? 0,
        testExamId: u.testExamId ?? '',
        days: (u.days ?? []).map((d) => ({ date: d.date, part: codecs.dayPart.toProto(d.part) })),
        place: u.place ?? '',
      }),
    ),
  });
}

export function toCourseBody(c: pb.Course | undefined): Static<typeof CourseBody> {
  if (!c) throw new Error('service answered without a course');
  return {
    id: c.id,
    title: c.title,
    code: c.code,
    summary: c.summary,
    category: wordOf(codecs.category, c.category),
    requirement: wordOf(codecs.requirement, c.requirement),
    audience: audienceBodyOf(c.audience),
    topic: c.topic,
    organiserKind: wordOf(codecs.organiserKind, c.organiserKind),
    organiserName: c.organiserName,
    fullTime: c.fullTime,
    capacity: c.capacity,
    seatsTaken: c.seatsTaken,
    units: c.units.map((u) => ({
      id: u.id,
      title: u.title,
      kind: wordOf(codecs.unitKind, u.kind),
      minutes: u.minutes,
      videoSeconds: u.videoSeconds,
      testExamId: u.testExamId,
      days: u.days.map((d) => ({ date: d.date, part: wordOf(codecs.dayPart, d.part) })),
      place: u.place,
      hours: hoursOf(u.quarterHours),
    })),
    hours: hoursOf(c.quarterHours),
    startDate: c.startDate,
    endDate: c.endDate,
    status: wordOf(codecs.courseStatus, c.status),
    orgPath: c.orgPath,
    createdBy: c.createdBy,
    createdAt: c.createdAt ?? '',
    updatedAt: c.updatedAt ?? '',
    revision: c.revision,
    history: c.history.map((s) => ({
      action: wordOf(codecs.courseAction, s.action),
      from: wordOf(codecs.courseStatus, s.fromStatus),
      to: wordOf(codecs.courseStatus, s.toStatus),
      actor: s.actor,
      at: s.at ?? '',
      note: s.note,
    })),
  };
}

export const courseRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.post(
    '/courses',
    { schema: { tags: ['courses'], summary: 'Create a draft course', body: CreateBody, response: { 201: CourseBody, ...errorResponses } } },
    async (request, reply) => {
      const { course } = await call(request, learning.courses, 'createCourse', { draft: toDraft(request.body) });
      return reply.status(201).header('location', `/api/v1/courses/${course?.id}`).send(toCourseBody(course));
    },
  );

  app.get(
    '/courses',
    {
      schema: {
        tags: ['courses'],
        summary: 'Courses: staff see their scope in every status, learners the published ones offered to them',
        querystring: ListQuery,
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(CourseBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, learning.courses, 'listCourses', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        status: codecs.courseStatus.toProto(q.status),
        category: codecs.category.toProto(q.category),
        requirement: codecs.requirement.toProto(q.requirement),
        forMe: q.forMe ?? false,
      });
      return { ...pageOf(response.page), items: response.courses.map(toCourseBody) };
    },
  );

  app.get(
    '/courses/:id',
    {
      schema: {
        tags: ['courses'],
        summary: 'One course with its units and their class hours',
        params: Params,
        response: { 200: CourseBody, ...errorResponses },
      },
    },
    async (request) => toCourseBody((await call(request, learning.courses, 'getCourse', { id: request.params.id })).course),
  );

  app.patch(
    '/courses/:id',
    {
      schema: {
        tags: ['courses'],
        summary: 'Change fields of a draft; fields left out keep their values',
        params: Params,
        body: UpdateBody,
        response: { 200: CourseBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as Partial<CreateBody> & { expectedRevision?: number };
      const { course } = await call(request, learning.courses, 'updateCourse', {
        id: request.params.id,
        draft: toDraft(body),
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toCourseBody(course);
    },
  );

  for (const action of codecs.courseAction.values) {
    app.post(
      `/courses/:id/${action}`,
      {
        schema: {
          tags: ['courses'],
          summary: `Editorial step: ${action}`,
          params: Params,
          body: StepBody,
          response: { 200: CourseBody, ...errorResponses },
        },
      },
      async (request) => {
        const { course } = await call(request, learning.courses, 'transitionCourse', {
          id: request.params.id,
          action: codecs.courseAction.toProto(action),
          note: request.body?.note ?? '',
        });
        return toCourseBody(course);
      },
    );
  }
};
