/** Discipline cases and their notices (月报, 典型问题通报) over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/supervision/v1';
import { Type, type Static } from '@sinclair/typebox';
import {
  calendarDate,
  call,
  errorResponses,
  expectedRevision,
  Id,
  IdParam,
  int32,
  oneOf,
  PageFields,
  pageOf,
  pageQuery,
  publicSecurity,
} from '../common';
import type { SupervisionRouteOptions } from './clients';

const {
  violationCategoryCodec: categories,
  officialLevelCodec: levels,
  treatmentCodec: treatments,
  partySanctionCodec: partySanctions,
  governmentSanctionCodec: governmentSanctions,
  caseStatusCodec: caseStatuses,
  noticeKindCodec: noticeKinds,
  noticeStatusCodec: noticeStatuses,
  noticeActionCodec: noticeActions,
} = pb;

const categoryText =
  'CCDI categories: 形式主义官僚主义 decisionImplementation, servingThePeople, dutyPerformance, studyWritingMeetingsInspections; 享乐主义奢靡之风 giftsAndMoney, banqueting, allowancesAndBenefits, weddingsAndFunerals, publicFundedTravel, officialCars, officeBuildings, otherHedonism';
const levelText = 'provincialMinisterial 省部级, prefectureBureau 地厅级, countyDivision 县处级, townshipAndBelow 乡科级及以下';
const month = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}$', description: `${description} (YYYY-MM)`, examples: ['2025-03'] });

const InfluenceBody = Type.Object({
  sanction: Type.String(),
  kind: Type.String({ description: 'party or government' }),
  name: Type.String(),
  from: Type.String(),
  until: Type.String({ description: 'The first day after the period; empty when it never ends' }),
  effect: Type.String(),
});

const DecisionBody = Type.Object(
  {
    treatment: Type.Optional(
      oneOf(
        treatments.values,
        'Handling that is no sanction: criticismEducation 批评教育, admonishment 诫勉, organizationalHandling 组织处理',
      ),
    ),
    partySanction: Type.Optional(
      oneOf(
        partySanctions.values,
        'warning 警告, seriousWarning 严重警告, removalFromPartyPost 撤销党内职务, probation 留党察看, expulsion 开除党籍',
      ),
    ),
    probationYears: Type.Optional(int32({ minimum: 1, maximum: 2, description: '留党察看: 1 or 2 years' })),
    governmentSanction: Type.Optional(
      oneOf(
        governmentSanctions.values,
        '政务处分: governmentWarning 警告, demerit 记过, majorDemerit 记大过, demotion 降级, dismissal 撤职, discharge 开除',
      ),
    ),
  },
  { additionalProperties: false },
);

const CaseBody = Type.Object(
  {
    id: Type.String(),
    number: Type.String({ description: '案件编号' }),
    organizationId: Type.String(),
    orgPath: Type.String(),
    category: Type.String({ description: categoryText }),
    summary: Type.String(),
    foundAt: Type.String(),
    decidedAt: Type.String({ description: 'Empty until decided' }),
    status: Type.String({ description: 'open or decided' }),
    persons: Type.Array(
      Type.Object({
        name: Type.String(),
        memberId: Type.String(),
        post: Type.String(),
        level: Type.String({ description: levelText }),
        decision: Type.Optional(DecisionBody),
        influence: Type.Array(InfluenceBody, { description: 'Influence periods (影响期) the decision carries' }),
      }),
    ),
    createdBy: Type.String(),
    createdAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'DisciplineCase' },
);

const CreateCaseBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 60, description: '案件编号, unique, e.g. 江纪案〔2025〕12号' }),
    organizationId: Id('The organisation where it happened, within your scope'),
    category: oneOf(categories.values, categoryText),
    summary: Type.String({ minLength: 1, maxLength: 2_000, description: 'What happened, as a notice would say it (问题摘要)' }),
    foundAt: calendarDate('When it was found'),
    persons: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 40 }),
          memberId: Type.Optional(Id('Their member record, when they are a party member here')),
          post: Type.Optional(Type.String({ maxLength: 100, description: '职务, e.g. 某县交通运输局局长' })),
          level: oneOf(levels.values, levelText),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const DecideBody = Type.Object(
  {
    decidedAt: calendarDate('The decision date; influence periods start on it'),
    decisions: Type.Array(DecisionBody, { minItems: 1, maxItems: 50, description: 'One per person, in the case’s order' }),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false },
);

const CaseListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('This organisation and below; your whole scope when left out')),
    status: Type.Optional(oneOf(caseStatuses.values, 'open or decided')),
    category: Type.Optional(oneOf(categories.values, categoryText)),
    memberId: Type.Optional(Id('Cases naming this member')),
    decidedIn: Type.Optional(month('Decided in this month')),
  },
  { additionalProperties: false },
);

const ReportCountsBody = Type.Object({
  problems: Type.Integer({ description: '查处问题数（起）' }),
  people: Type.Integer({ description: '批评教育帮助和处理人数' }),
  sanctioned: Type.Integer({ description: '其中党纪政务处分人数' }),
});

const NoticeBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'monthly (月报) or typicalCases (典型问题通报)' }),
    status: Type.String({ description: 'draft -> reviewed -> published' }),
    organizationId: Type.String(),
    orgPath: Type.String(),
    title: Type.String(),
    month: Type.String(),
    rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), month: ReportCountsBody, yearToDate: ReportCountsBody })),
    caseIds: Type.Array(Type.String()),
    text: Type.String({ description: 'The notice as published (Markdown)' }),
    createdBy: Type.String(),
    createdAt: Type.String(),
    publishedAt: Type.String(),
    history: Type.Array(Type.Object({ action: Type.String(), actor: Type.String(), at: Type.String(), note: Type.String() })),
    revision: Type.Integer(),
  },
  { $id: 'Notice' },
);

const CreateNoticeBody = Type.Object(
  {
    kind: oneOf(noticeKinds.values, 'monthly: the table of a month from the decided cases; typicalCases: chosen decided cases'),
    organizationId: Id('Whose notice: that organisation and below'),
    month: Type.Optional(month('The month of a monthly notice')),
    caseIds: Type.Optional(
      Type.Array(Id('A decided case'), { minItems: 1, maxItems: 20, description: 'The cases of a typical-cases notice' }),
    ),
    title: Type.Optional(Type.String({ maxLength: 200, description: 'A typical-cases notice’s title; made for you when left out' })),
  },
  { additionalProperties: false },
);

const NoticeListQuery = Type.Object(
  {
    ...pageQuery(),
    kind: Type.Optional(oneOf(noticeKinds.values, 'monthly or typicalCases')),
    status: Type.Optional(oneOf(noticeStatuses.values, 'draft, reviewed or published; the public sees published ones only')),
    organizationId: Type.Optional(Id('This organisation and below')),
  },
  { additionalProperties: false },
);

const NoteBody = Type.Union([
  Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null(),
]);

const decisionOf = (d: pb.PersonDecision | undefined): Static<typeof DecisionBody> | undefined =>
  d
    ? {
        ...(treatments.fromProto(d.treatment) ? { treatment: treatments.fromProto(d.treatment)! } : {}),
        ...(partySanctions.fromProto(d.partySanction) ? { partySanction: partySanctions.fromProto(d.partySanction)! } : {}),
        ...(d.probationYears ? { probationYears: d.probationYears } : {}),
        ...(governmentSanctions.fromProto(d.governmentSanction)
          ? { governmentSanction: governmentSanctions.fromProto(d.governmentSanction)! }
          : {}),
      }
    : undefined;

function toCaseBody(c: pb.DisciplineCase | undefined): Static<typeof CaseBody> {
  if (!c) throw new Error('service answered without a case');
  return {
    ...c,
    category: categories.fromProto(c.category) ?? '',
    status: caseStatuses.fromProto(c.status) ?? '',
    createdAt: c.createdAt ?? '',
    persons: c.persons.map((p) => {
      const decision = decisionOf(p.decision);
      return {
        name: p.name,
        memberId: p.memberId,
        post: p.post,
        level: levels.fromProto(p.level) ?? '',
        ...(decision ? { decision } : {}),
        influence: p.influence,
      };
    }),
  };
}

function toNoticeBody(n: pb.Notice | undefined): Static<typeof NoticeBody> {
  if (!n) throw new Error('service answered without a notice');
  return {
    ...n,
    kind: noticeKinds.fromProto(n.kind) ?? '',
    status: noticeStatuses.fromProto(n.status) ?? '',
    rows: n.rows.map((r) => ({
      key: r.key,
      label: r.label,
      month: r.month ?? { problems: 0, people: 0, sanctioned: 0 },
      yearToDate: r.yearToDate ?? { problems: 0, people: 0, sanctioned: 0 },
    })),
    createdAt: n.createdAt ?? '',
    publishedAt: n.publishedAt ?? '',
    history: n.history.map((s) => ({ action: noticeActions.fromProto(s.action) ?? '', actor: s.actor, at: s.at ?? '', note: s.note })),
  };
}

const toProtoDecision = (d: Static<typeof DecisionBody>) =>
  pb.PersonDecision.create({
    treatment: treatments.toProto(d.treatment),
    partySanction: partySanctions.toProto(d.partySanction),
    probationYears: d.probationYears ?? 0,
    governmentSanction: governmentSanctions.toProto(d.governmentSanction),
  });

export const disciplineRoutes: FastifyPluginAsyncTypebox<SupervisionRouteOptions> = async (app, { supervision }) => {
  const client = supervision.discipline;

  app.post(
    '/cases',
    {
      schema: {
        tags: ['discipline'],
        summary: 'Record a discipline case (一起问题) and the people it concerns; inspectors',
        body: CreateCaseBody,
        response: { 201: CaseBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { case: created } = await call(request, client, 'createCase', {
        number: b.number,
        organizationId: b.organizationId,
        category: categories.toProto(b.category),
        summary: b.summary,
        foundAt: b.foundAt,
        persons: b.persons.map((p) =>
          pb.NewCasePerson.create({ name: p.name, memberId: p.memberId ?? '', post: p.post ?? '', level: levels.toProto(p.level) }),
        ),
      });
      return reply.status(201).header('location', `/api/v1/cases/${created?.id}`).send(toCaseBody(created));
    },
  );

  app.get(
    '/cases',
    {
      schema: {
        tags: ['discipline'],
        summary: 'Cases within your scope, newest found first',
        querystring: CaseListQuery,
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(CaseBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, client, 'listCases', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        organizationId: q.organizationId ?? '',
        status: caseStatuses.toProto(q.status),
        category: categories.toProto(q.category),
        memberId: q.memberId ?? '',
        decidedIn: q.decidedIn ?? '',
      });
      return { ...pageOf(answer.page), items: answer.cases.map(toCaseBody) };
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        tags: ['discipline'],
        summary: 'One case with its decisions and influence periods',
        params: IdParam,
        response: { 200: CaseBody, ...errorResponses },
      },
    },
    async (request) => toCaseBody((await call(request, client, 'getCase', { id: request.params.id })).case),
  );

  app.post(
    '/cases/:id/decision',
    {
      schema: {
        tags: ['discipline'],
        summary: 'Record what each person got; the influence periods follow from the sanctions. Final',
        params: IdParam,
        body: DecideBody,
        response: { 200: CaseBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { case: decided } = await call(request, client, 'decideCase', {
        id: request.params.id,
        decidedAt: b.decidedAt,
        decisions: b.decisions.map(toProtoDecision),
        expectedRevision: b.expectedRevision ?? 0,
      });
      return toCaseBody(decided);
    },
  );

  app.get(
    '/influence-periods',
    {
      schema: {
        tags: ['discipline'],
        summary: 'The influence periods (影响期) of a member’s sanctions that cover a date',
        querystring: Type.Object(
          { memberId: Id('The member'), on: Type.Optional(calendarDate('The date; today when left out')) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            periods: Type.Array(Type.Object({ caseId: Type.String(), caseNumber: Type.String(), period: InfluenceBody })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const answer = await call(request, client, 'listInfluencePeriods', { memberId: request.query.memberId, on: request.query.on ?? '' });
      return { periods: answer.periods.map((p) => ({ caseId: p.caseId, caseNumber: p.caseNumber, period: p.period! })) };
    },
  );

  app.post(
    '/notices',
    {
      schema: {
        tags: ['notices'],
        summary: 'Draft a monthly or typical-cases notice from the decided cases',
        body: CreateNoticeBody,
        response: { 201: NoticeBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { notice } = await call(request, client, 'createNotice', {
        kind: noticeKinds.toProto(b.kind),
        organizationId: b.organizationId,
        month: b.month ?? '',
        caseIds: b.caseIds ?? [],
        title: b.title ?? '',
      });
      return reply.status(201).header('location', `/api/v1/notices/${notice?.id}`).send(toNoticeBody(notice));
    },
  );

  app.get(
    '/notices',
    {
      schema: {
        tags: ['notices'],
        summary: 'Notices, newest first: published ones for everyone, drafts too for their writers',
        security: publicSecurity,
        querystring: NoticeListQuery,
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(NoticeBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, client, 'listNotices', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        kind: noticeKinds.toProto(q.kind),
        status: noticeStatuses.toProto(q.status),
        organizationId: q.organizationId ?? '',
      });
      return { ...pageOf(answer.page), items: answer.notices.map(toNoticeBody) };
    },
  );

  app.get(
    '/notices/:id',
    {
      schema: {
        tags: ['notices'],
        summary: 'One notice (a published one is public)',
        security: publicSecurity,
        params: IdParam,
        response: { 200: NoticeBody, ...errorResponses },
      },
    },
    async (request) => toNoticeBody((await call(request, client, 'getNotice', { id: request.params.id })).notice),
  );

  for (const action of noticeActions.values) {
    const summaries: Record<string, string> = {
      refresh: 'Make the draft again from the cases as they are now',
      review: 'Review a draft (not one you drafted)',
      publish: 'Publish a reviewed notice: it becomes public and final',
    };
    app.post(
      `/notices/:id/${action}`,
      {
        schema: {
          tags: ['notices'],
          summary: summaries[action] ?? action,
          params: IdParam,
          body: NoteBody,
          response: { 200: NoticeBody, ...errorResponses },
        },
      },
      async (request) => {
        const { notice } = await call(request, client, 'transitionNotice', {
          id: request.params.id,
          action: noticeActions.toProto(action),
          note: request.body?.note ?? '',
        });
        return toNoticeBody(notice);
      },
    );
  }
};
