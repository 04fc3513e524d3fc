/** Party members over REST: records, masked identity numbers, pipeline steps, bulk import. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  duesCategoryCodec as duesCategories,
  educationCodec as educations,
  genderCodec as genders,
  importFormatCodec as importFormats,
  memberStageCodec as stages,
  MemberProfile,
  type Member,
} from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from '../../errors';
import {
  calendarDate,
  call,
  errorResponses,
  expectedRevision,
  Id,
  IdParam,
  oneOf,
  PageFields,
  pageOf,
  pageQuery,
  updateMask,
} from '../common';
import type { MemberRouteOptions } from './clients';

const stageText =
  'applicant 入党申请人, activist 入党积极分子, candidate 发展对象, probationary 预备党员, full 正式党员, disqualified 取消资格';
const genderText = 'male 男, female 女';

const KeyDates = Type.Object(
  {
    applicationDate: Type.Optional(calendarDate('Application 申请入党')),
    activistDate: Type.Optional(calendarDate('Became an activist 确定积极分子')),
    candidateDate: Type.Optional(calendarDate('Became a candidate 确定发展对象')),
    probationaryDate: Type.Optional(calendarDate('Admitted on probation 接收预备党员')),
    fullDate: Type.Optional(calendarDate('Full membership 转正')),
  },
  { additionalProperties: false },
);

const profileFields = {
  name: Type.String({ minLength: 1, maxLength: 50 }),
  gender: oneOf(genders.values, genderText),
  ethnicity: Type.String({ minLength: 2, maxLength: 10, description: '民族 in full, e.g. 汉族' }),
  birthDate: calendarDate('Birth date'),
  nationalId: Type.String({ minLength: 18, maxLength: 18, description: '公民身份号码 (18 characters, checksum verified)' }),
  education: oneOf(educations.values, 'Highest education'),
  phone: Type.String({ maxLength: 20, description: 'Mainland mobile number' }),
  organizationId: Id('The branch (党支部) the member belongs to'),
  // A record starts anywhere in the pipeline but outside it.
  stage: oneOf(
    stages.values.filter((s) => s !== 'disqualified'),
    stageText,
  ),
  keyDates: KeyDates,
  duesCategory: oneOf(duesCategories.values, 'Dues category'),
  duesIncomeFen: Type.Integer({
    minimum: 0,
    description: "Monthly income in fen the dues are based on (last year's annual income for annualSalary)",
  }),
};

const CreateBody = Type.Object(
  {
    ...profileFields,
    phone: Type.Optional(profileFields.phone),
    keyDates: Type.Optional(profileFields.keyDates),
    duesCategory: Type.Optional(profileFields.duesCategory),
    duesIncomeFen: Type.Optional(profileFields.duesIncomeFen),
  },
  { additionalProperties: false },
);
type CreateBody = Static<typeof CreateBody>;

const UpdateBody = Type.Object(
  {
    name: Type.Optional(profileFields.name),
    gender: Type.Optional(profileFields.gender),
    ethnicity: Type.Optional(profileFields.ethnicity),
    birthDate: Type.Optional(profileFields.birthDate),
    nationalId: Type.Optional(profileFields.nationalId),
    education: Type.Optional(profileFields.education),
    phone: Type.Optional(Type.Union([profileFields.phone, Type.Null()])),
    keyDates: Type.Optional(profileFields.keyDates),
    duesCategory: Type.Optional(profileFields.duesCategory),
    duesIncomeFen: Type.Optional(profileFields.duesIncomeFen),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);

const StageBody = Type.Object(
  {
    // Every step leads somewhere past the application.
    stage: oneOf(
      stages.values.filter((s) => s !== 'applicant'),
      stageText,
    ),
    date: calendarDate('Date of the decision'),
    decisionRef: Type.String({ minLength: 1, maxLength: 100, description: 'The branch decision (支部大会决议) or approval reference' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    trainingHours: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'activist -> candidate: class hours of training (at least 24)' }),
    ),
    politicalReviewPassed: Type.Optional(Type.Boolean({ description: 'activist -> candidate: political review 政审 passed' })),
    higherApprovalRef: Type.Optional(
      Type.String({ maxLength: 100, description: 'candidate -> probationary: approval by the higher committee' }),
    ),
    extensionMonths: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 12, description: 'probationary -> probationary: extend probation once, by 1 to 12 months' }),
    ),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false },
);

const StepBody = Type.Object({
  stage: oneOf(stages.values, stageText),
  date: Type.String(),
  decisionRef: Type.String(),
  approvedBy: Type.String(),
  note: Type.String(),
  extensionMonths: Type.Integer(),
  higherApprovalRef: Type.String(),
});

export const MemberBody = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    gender: oneOf(genders.values, genderText),
    ethnicity: Type.String(),
    birthDate: Type.String(),
    nationalId: Type.String({ description: 'Masked (110***********0014) unless revealed' }),
    nationalIdMasked: Type.Boolean(),
    education: oneOf(educations.values, 'Highest education'),
    phone: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    stage: oneOf(stages.values, stageText),
    keyDates: Type.Record(Type.String(), Type.String()),
    history: Type.Array(StepBody),
    duesCategory: oneOf(duesCategories.values, 'Dues category'),
    duesIncomeFen: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Member' },
);

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('Members of this node and every node below it')),
    stage: Type.Optional(oneOf(stages.values, stageText)),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Name prefix' })),
    gender: Type.Optional(oneOf(genders.values, genderText)),
  },
  { additionalProperties: false },
);

const GetQuery = Type.Object(
  {
    revealNationalId: Type.Optional(
      Type.Boolean({ description: 'Unmasked national ID and phone (member.readNationalId); every such read is recorded' }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 200, description: 'Why the full number is needed (required with revealNationalId)' })),
  },
  { additionalProperties: false },
);

const ImportQuery = Type.Object(
  {
    importValidOnly: Type.Optional(Type.Boolean({ description: 'Import the valid rows even when some are invalid' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Validate and report only' })),
  },
  { additionalProperties: false },
);

const ImportReport = Type.Object({
  rows: Type.Integer(),
  imported: Type.Integer(),
  invalidRows: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), problem: Type.String() }), {
    description: 'The first 200 errors by line',
  }),
  errorCount: Type.Integer({ description: 'All the errors, listed or not' }),
  warnings: Type.Array(Type.String()),
});

export const importContentTypes = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
/** 100,000 rows of CSV are about 15 MB. */
export const importBodyLimitBytes = 32 * 1024 * 1024;

function toBody(m: Member | undefined): Static<typeof MemberBody> {
  if (!m) throw new Error('service answered without a member');
  const keyDates = Object.fromEntries(Object.entries(m.keyDates ?? {}).filter(([, v]) => v)) as Record<string, string>;
  return {
    ...m,
    gender: genders.fromProto(m.gender) ?? '',
    education: educations.fromProto(m.education) ?? '',
    stage: stages.fromProto(m.stage) ?? '',
    duesCategory: duesCategories.fromProto(m.duesCategory) ?? '',
    keyDates,
    history: m.history.map((s) => ({ ...s, stage: stages.fromProto(s.stage) ?? '' })),
    duesIncomeFen: Number(m.duesIncomeFen),
    createdAt: m.createdAt ?? '',
    updatedAt: m.updatedAt ?? '',
  };
}

function toProfile(body: Partial<CreateBody>): MemberProfile {
  return MemberProfile.create({
    name: body.name ?? '',
    gender: genders.toProto(body.gender),
    ethnicity: body.ethnicity ?? '',
    birthDate: body.birthDate ?? '',
    nationalId: body.nationalId ?? '',
    education: educations.toProto(body.education),
    phone: body.phone ?? '',
    organizationId: body.organizationId ?? '',
    stage: stages.toProto(body.stage),
    keyDates: {
      applicationDate: body.keyDates?.applicationDate ?? '',
      activistDate: body.keyDates?.activistDate ?? '',
      candidateDate: body.keyDates?.candidateDate ?? '',
      probationaryDate: body.keyDates?.probationaryDate ?? '',
      fullDate: body.keyDates?.fullDate ?? '',
    },
    duesCategory: duesCategories.toProto(body.duesCategory),
    duesIncomeFen: String(body.duesIncomeFen ?? 0),
  });
}

export const memberRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.members;

  // Imports arrive as the file itself: CSV text or an Excel workbook.
  for (const type of Object.values(importContentTypes)) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: importBodyLimitBytes }, (_request, body, done) => done(null, body));
  }

  app.post(
    '/members',
    {
      schema: { tags: ['members'], summary: 'Record a member', body: CreateBody, response: { 201: MemberBody, ...errorResponses } },
    },
    async (request, reply) => {
      const { member: created } = await call(request, client, 'createMember', { profile: toProfile(request.body) });
      return reply.status(201).header('location', `/api/v1/members/${created?.id}`).send(toBody(created));
    },
  );

  app.get(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: "Members of the caller's scope or of a subtree, with filters",
        querystring: ListQuery,
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(MemberBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listMembers', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        organizationId: q.organizationId ?? '',
        stage: stages.toProto(q.stage),
        name: q.name ?? '',
        gender: genders.toProto(q.gender),
      });
      return { ...pageOf(response.page), items: response.members.map(toBody) };
    },
  );

  app.get(
    '/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'One member, identity number masked unless revealed',
        params: IdParam,
        querystring: GetQuery,
        response: { 200: MemberBody, ...errorResponses },
      },
    },
    async (request) => {
      const { member: found } = await call(request, client, 'getMember', {
        id: request.params.id,
        revealNationalId: request.query.revealNationalId ?? false,
        revealReason: request.query.reason ?? '',
      });
      return toBody(found);
    },
  );

  app.patch(
    '/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'Change profile fields (organisation by transfer, stage by pipeline step)',
        params: IdParam,
        body: UpdateBody,
        response: { 200: MemberBody, ...errorResponses },
      },
    },
    async (request) => {
      const { expectedRevision: revision, ...fields } = request.body;
      const { member: updated } = await call(request, client, 'updateMember', {
        id: request.params.id,
        profile: toProfile({ ...fields, phone: fields.phone ?? '' } as Partial<CreateBody>),
        updateMask: updateMask(request.body),
        expectedRevision: revision ?? 0,
      });
      return toBody(updated);
    },
  );

  app.post(
    '/members/:id/stage',
    {
      schema: {
        tags: ['members'],
        summary: 'One step of the development pipeline; a step out of order or too early names the rule',
        params: IdParam,
        body: StageBody,
        response: { 200: MemberBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { member: updated } = await call(request, client, 'changeStage', {
        id: request.params.id,
        stage: stages.toProto(b.stage),
        date: b.date,
        decisionRef: b.decisionRef,
        note: b.note ?? '',
        trainingHours: b.trainingHours ?? 0,
        politicalReviewPassed: b.politicalReviewPassed ?? false,
        higherApprovalRef: b.higherApprovalRef ?? '',
        extensionMonths: b.extensionMonths ?? 0,
        expectedRevision: b.expectedRevision ?? 0,
      });
      return toBody(updated);
    },
  );

  app.post(
    '/members/import',
    {
      bodyLimit: importBodyLimitBytes,
      schema: {
        tags: ['members'],
        summary:
          'Import members from a CSV (text/csv) or Excel (.xlsx) file sent as the body; every row is validated, nothing is imported while any row is invalid unless importValidOnly',
        querystring: ImportQuery,
        consumes: Object.values(importContentTypes),
        response: { 200: ImportReport, 201: ImportReport, ...errorResponses, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      const format = type === importContentTypes.csv ? 'csv' : type === importContentTypes.xlsx ? 'xlsx' : undefined;
      if (!format || !Buffer.isBuffer(request.body)) {
        return reply
          .status(415)
          .send({
            error: {
              code: 'MEMBER_IMPORT_FORMAT',
              message: `send the file as ${importContentTypes.csv} or ${importContentTypes.xlsx}`,
              details: { contentType: type },
            },
          });
      }
      const report = await call(
        request,
        client,
        'importMembers',
        {
          file: request.body,
          format: importFormats.toProto(format),
          importValidOnly: request.query.importValidOnly ?? false,
          dryRun: request.query.dryRun ?? false,
        },
        // A big file takes a while to validate and store.
        120_000,
      );
      return reply.status(report.imported > 0 ? 201 : 200).send(report);
    },
  );
};
