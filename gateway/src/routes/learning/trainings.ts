/** The cadre training archive (干部培训档案) and the cadre portrait (干部画像) over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, PageFields, pageOf, pageQuery } from '../common';
import type { LearningRouteOptions } from './clients';
import { codecs, Hours, hoursOf, MemberId, quarterHoursOf, ReasonText, wordOf, words } from './schemas';
import { OverrideBody, toOverrideBody } from './study';

export const TrainingBody = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    title: Type.String(),
    topic: Type.String(),
    courseId: Type.String({ description: 'The course here; empty for a training recorded by hand' }),
    courseCode: Type.String(),
    organiserKind: Type.String(),
    organiserName: Type.String(),
    mode: Type.String(),
    fullTime: Type.Boolean(),
    startDate: Type.String(),
    endDate: Type.String(),
    hours: Hours('Earned'),
    certificateNumber: Type.String(),
    status: Type.String(),
    override: Type.Optional(OverrideBody),
    orgPath: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Training' },
);

const RecordBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    topic: Type.String({ minLength: 1, maxLength: 100, description: '培训主题' }),
    courseCode: Type.Optional(Type.String({ maxLength: 40, description: '课程编号, when the course has one' })),
    organiserKind: words('organiserKind', '组织部 organizationDepartment, 党校 partySchool, department, other'),
    organiserName: Type.String({ minLength: 1, maxLength: 100 }),
    mode: words('trainingMode', 'online or offline'),
    fullTime: Type.Optional(Type.Boolean({ description: '脱产' })),
    startDate: calendarDate('First day'),
    endDate: calendarDate('Last day; a training crossing a year is split by its days in each'),
    hours: Hours('Class hours it earned', 0.25),
    certificateNumber: Type.Optional(Type.String({ maxLength: 60 })),
    overrideReason: Type.Optional(ReasonText('Record despite a duplicate-training refusal (needs the override right)')),
  },
  { additionalProperties: false },
);

export function toTrainingBody(t: pb.Training): Static<typeof TrainingBody> {
  const override = toOverrideBody(t.override);
  return {
    id: t.id,
    memberId: t.memberId,
    title: t.title,
    topic: t.topic,
    courseId: t.courseId,
    courseCode: t.courseCode,
    organiserKind: wordOf(codecs.organiserKind, t.organiserKind),
    organiserName: t.organiserName,
    mode: wordOf(codecs.trainingMode, t.mode),
    fullTime: t.fullTime,
    startDate: t.startDate,
    endDate: t.endDate,
    hours: hoursOf(t.quarterHours),
    certificateNumber: t.certificateNumber,
    status: wordOf(codecs.trainingStatus, t.status),
    ...(override ? { override } : {}),
    orgPath: t.orgPath,
    createdBy: t.createdBy,
    createdAt: t.createdAt ?? '',
  };
}

const Params = Type.Object({ memberId: MemberId() }, { additionalProperties: false });

const PortraitBody = Type.Object({
  memberId: Type.String(),
  cadreLevel: Type.String(),
  posts: Type.Array(Type.String()),
  organizationId: Type.String(),
  orgPath: Type.String(),
  stage: Type.String(),
  organizationHistory: Type.Array(
    Type.Object({
      organizationId: Type.String(),
      orgPath: Type.String(),
      name: Type.String(),
      fromDate: Type.String(),
      toDate: Type.String({ description: 'Empty while current' }),
    }),
  ),
  stageHistory: Type.Array(Type.Object({ stage: Type.String(), date: Type.String() })),
  hours: Type.Array(
    Type.Object({
      year: Type.Integer(),
      online: Hours('Online'),
      offline: Hours('Offline'),
      total: Hours('All'),
      met: Type.Boolean(),
      onTrack: Type.Boolean(),
    }),
  ),
  trainings: Type.Array(TrainingBody),
  examResults: Type.Array(
    Type.Object({
      examId: Type.String(),
      title: Type.String(),
      attempt: Type.Integer(),
      score: Type.Integer(),
      totalScore: Type.Integer(),
      passed: Type.Boolean(),
      gradedAt: Type.String(),
    }),
  ),
  meetings: Type.Array(
    Type.Object({
      year: Type.Integer(),
      type: Type.String(),
      held: Type.Integer({ description: 'Meetings of their organisation while they belonged to it' }),
    }),
  ),
  messagesHandled: Type.Array(Type.Object({ year: Type.Integer(), replied: Type.Integer(), closed: Type.Integer() })),
  discipline: Type.Array(
    Type.Object({
      caseId: Type.String(),
      number: Type.String({ description: '案件编号' }),
      category: Type.String(),
      decidedAt: Type.String(),
      treatment: Type.String(),
      partySanction: Type.String(),
      governmentSanction: Type.String(),
      influence: Type.Array(
        Type.Object({
          sanction: Type.String(),
          kind: Type.String({ description: 'party or government' }),
          name: Type.String(),
          fromDate: Type.String(),
          untilDate: Type.String({ description: 'The first day after it; empty when it does not end' }),
          effect: Type.String(),
          inForce: Type.Boolean(),
        }),
      ),
    }),
    { description: 'Decided discipline cases naming the cadre (supervision service), with their influence periods (影响期)' },
  ),
  inInfluencePeriod: Type.Boolean({ description: 'An influence period lasts today' }),
});

export const trainingRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.get(
    '/cadres/:memberId/trainings',
    {
      schema: {
        tags: ['trainings'],
        summary: 'Every training of a cadre, newest first: enrolments here and trainings recorded by hand',
        params: Params,
        querystring: Type.Object(pageQuery(200), { additionalProperties: false }),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(TrainingBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const r = await call(request, learning.trainings, 'listTrainings', {
        memberId: request.params.memberId,
        page: { page: request.query.page ?? 1, size: request.query.size ?? 50 },
      });
      return { ...pageOf(r.page), items: r.trainings.map(toTrainingBody) };
    },
  );

  app.post(
    '/cadres/:memberId/trainings',
    {
      schema: {
        tags: ['trainings'],
        summary: 'Record a training attended elsewhere; refused when it would be duplicate training',
        params: Params,
        body: RecordBody,
        response: { 201: TrainingBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { training } = await call(request, learning.trainings, 'recordTraining', {
        memberId: request.params.memberId,
        overrideReason: b.overrideReason ?? '',
        draft: pb.TrainingDraft.create({
          title: b.title,
          topic: b.topic,
          courseCode: b.courseCode ?? '',
          organiserKind: codecs.organiserKind.toProto(b.organiserKind),
          organiserName: b.organiserName,
          mode: codecs.trainingMode.toProto(b.mode),
          fullTime: b.fullTime ?? false,
          startDate: b.startDate,
          endDate: b.endDate,
          quarterHours: quarterHoursOf(b.hours),
          certificateNumber: b.certificateNumber ?? '',
        }),
      });
      return reply.status(201).send(toTrainingBody(training!));
    },
  );

  app.get(
    '/cadres/:memberId/portrait',
    {
      schema: {
        tags: ['portraits'],
        summary:
          "A cadre's portrait: trainings, class hours, exams, organisations, meetings, messages handled, discipline record (each read is recorded)",
        params: Params,
        response: { 200: PortraitBody, ...errorResponses },
      },
    },
    async (request) => {
      const { portrait: p } = await call(request, learning.portraits, 'getPortrait', { memberId: request.params.memberId });
      if (!p) throw new Error('service answered without a portrait');
      return {
        memberId: p.memberId,
        cadreLevel: wordOf(codecs.cadreLevel, p.cadreLevel),
        posts: p.posts.map((x) => wordOf(codecs.post, x)),
        organizationId: p.organizationId,
        orgPath: p.orgPath,
        stage: p.stage,
        organizationHistory: p.organizationHistory,
        stageHistory: p.stageHistory,
        hours: p.hours.map((h) => ({
          year: h.year,
          online: hoursOf(h.onlineQuarterHours),
          offline: hoursOf(h.offlineQuarterHours),
          total: hoursOf(h.totalQuarterHours),
          met: h.met,
          onTrack: h.onTrack,
        })),
        trainings: p.trainings.map(toTrainingBody),
        examResults: p.examResults,
        meetings: p.meetings,
        messagesHandled: p.messagesHandled,
        discipline: p.discipline,
        inInfluencePeriod: p.inInfluencePeriod,
      };
    },
  );
};
