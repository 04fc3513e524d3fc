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
import type { Static } from '@sinclair/typebox';
import { ErrorBody } from '../../errors';
import { call, errorResponses, IdParam, pageOf, updateMask } from '../common';
import type { MemberRouteOptions } from './clients';
import {
  CreateMemberBody,
  ImportQuery,
  ImportReport,
  MemberBody,
  MemberListBody,
  MemberGetQuery,
  MemberListQuery,
  StageBody,
  UpdateMemberBody,
} from './schemas';

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

function toProfile(body: Partial<CreateMemberBody>): MemberProfile {
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
      schema: { tags: ['members'], summary: 'Record a member', body: CreateMemberBody, response: { 201: MemberBody, ...errorResponses } },
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
        querystring: MemberListQuery,
        response: { 200: MemberListBody, ...errorResponses },
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
        pageToken: q.pageToken ?? '',
        withTotal: q.withTotal ?? false,
      });
      const { total, ...paging } = pageOf(response.page);
      return {
        ...(q.withTotal ? { total } : {}),
        ...paging,
        nextPageToken: response.nextPageToken,
        items: response.members.map(toBody),
      };
    },
  );

  app.get(
    '/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'One member, identity number masked unless revealed',
        params: IdParam,
        querystring: MemberGetQuery,
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
        body: UpdateMemberBody,
        response: { 200: MemberBody, ...errorResponses },
      },
    },
    async (request) => {
      const { expectedRevision: revision, ...fields } = request.body;
      const { member: updated } = await call(request, client, 'updateMember', {
        id: request.params.id,
        profile: toProfile({ ...fields, phone: fields.phone ?? '' } as Partial<CreateMemberBody>),
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
        return reply.status(415).send({
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
