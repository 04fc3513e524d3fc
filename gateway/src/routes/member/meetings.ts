/** Organisation life 三会一课 over REST: record and read meetings, quarterly compliance per branch. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { meetingTypeCodec as meetingTypes, type BranchCompliance, type Meeting } from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, Id, IdParam, oneOf, PageFields, pageOf, pageQuery } from '../common';
import type { MemberRouteOptions } from './clients';

const typeText =
  'generalMeeting 支部党员大会 (quarterly), committeeMeeting 支委会 (monthly), groupMeeting 党小组会 (monthly, held by a group), partyLecture 党课 (quarterly)';

const MemberIds = (description: string) => Type.Array(Id('Member id'), { maxItems: 2_000, description });

const AttendanceBody = Type.Object({
  present: MemberIds('Members present; at least one'),
  excused: MemberIds('Members absent with leave 请假'),
  absent: MemberIds('Members absent without leave'),
});

export const MeetingBody = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    type: oneOf(meetingTypes.values, typeText),
    date: Type.String(),
    topic: Type.String(),
    minutes: Type.String({ description: 'Empty in lists; read the meeting for its minutes' }),
    attendance: AttendanceBody,
    recordedBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Meeting' },
);

const CreateBody = Type.Object(
  {
    organizationId: Id('The branch 党支部 that held it; for a groupMeeting, the group 党小组'),
    type: oneOf(meetingTypes.values, typeText),
    date: calendarDate('When it was held; not in the future'),
    topic: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. 学习贯彻党的二十大精神' }),
    minutes: Type.String({ maxLength: 50_000, description: 'Minutes 会议记录' }),
    attendance: Type.Object(
      {
        present: Type.Array(Id('Member id'), { minItems: 1, maxItems: 2_000, description: 'Members present; at least one' }),
        excused: Type.Optional(MemberIds('Members absent with leave 请假')),
        absent: Type.Optional(MemberIds('Members absent without leave')),
      },
      {
        additionalProperties: false,
        description: "Member ids of the branch (for a group meeting, of the group's branch); each in one list only",
      },
    ),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id("This node and everything below it; omit for the caller's whole scope")),
    type: Type.Optional(oneOf(meetingTypes.values, typeText)),
    from: Type.Optional(calendarDate('Held on or after')),
    to: Type.Optional(calendarDate('Held on or before')),
  },
  { additionalProperties: false },
);
const ListBody = Type.Object({ ...PageFields, items: Type.Array(MeetingBody) });

const ComplianceQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id("Every branch at or below this node; omit for the caller's whole scope")),
    quarter: Type.Optional(
      Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: 'e.g. 2026-Q3; defaults to the current quarter', examples: ['2026-Q2'] }),
    ),
    behindOnly: Type.Optional(Type.Boolean({ description: 'Only the branches behind schedule' })),
  },
  { additionalProperties: false },
);
const TypeComplianceBody = Type.Object({
  type: oneOf(meetingTypes.values, typeText),
  required: Type.Integer({
    description: 'Meetings due so far: ended months for a monthly type, 1 once the quarter ended for a quarterly one',
  }),
  held: Type.Integer(),
  compliant: Type.Boolean(),
  missingMonths: Type.Array(Type.String(), { description: 'Ended months (YYYY-MM) without a meeting of a monthly type' }),
});
const BranchComplianceBody = Type.Object(
  {
    organizationId: Type.String(),
    organizationName: Type.String(),
    compliant: Type.Boolean(),
    types: Type.Array(TypeComplianceBody, { description: 'The types that apply: groupMeeting only for a branch with party groups' }),
  },
  { $id: 'BranchCompliance' },
);
const ComplianceBody = Type.Object({ quarter: Type.String(), ...PageFields, items: Type.Array(BranchComplianceBody) });

function toBody(meeting: Meeting | undefined): Static<typeof MeetingBody> {
  if (!meeting) throw new Error('service answered without a meeting');
  return {
    ...meeting,
    type: meetingTypes.fromProto(meeting.type) ?? '',
    attendance: {
      present: meeting.attendance?.present ?? [],
      excused: meeting.attendance?.excused ?? [],
      absent: meeting.attendance?.absent ?? [],
    },
    createdAt: meeting.createdAt ?? '',
  };
}

function toComplianceBody(branch: BranchCompliance): Static<typeof BranchComplianceBody> {
  return { ...branch, types: branch.types.map((t) => ({ ...t, type: meetingTypes.fromProto(t.type) ?? '' })) };
}

export const meetingRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.meetings;

  app.post(
    '/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Record a meeting held, with minutes and attendance',
        body: CreateBody,
        response: { 201: MeetingBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { meeting } = await call(request, client, 'recordMeeting', {
        organizationId: body.organizationId,
        type: meetingTypes.toProto(body.type),
        date: body.date,
        topic: body.topic,
        minutes: body.minutes,
        attendance: { present: body.attendance.present, excused: body.attendance.excused ?? [], absent: body.attendance.absent ?? [] },
      });
      return reply.status(201).header('location', `/api/v1/meetings/${meeting?.id}`).send(toBody(meeting));
    },
  );

  app.get(
    '/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Meetings of a subtree, newest first (minutes left out)',
        querystring: ListQuery,
        response: { 200: ListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listMeetings', {
        organizationId: q.organizationId ?? '',
        type: meetingTypes.toProto(q.type),
        from: q.from ?? '',
        to: q.to ?? '',
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.meetings.map(toBody) };
    },
  );

  app.get(
    '/meetings/compliance',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Per-branch compliance with the required frequencies of 三会一课 for a quarter',
        querystring: ComplianceQuery,
        response: { 200: ComplianceBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'meetingCompliance', {
        organizationId: q.organizationId ?? '',
        quarter: q.quarter ?? '',
        behindOnly: q.behindOnly ?? false,
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { quarter: response.quarter, ...pageOf(response.page), items: response.branches.map(toComplianceBody) };
    },
  );

  app.get(
    '/meetings/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'One meeting with its minutes and attendance',
        params: IdParam,
        response: { 200: MeetingBody, ...errorResponses },
      },
    },
    async (request) => toBody((await call(request, client, 'getMeeting', { id: request.params.id })).meeting),
  );
};
