/** Organisation life 三会一课 over REST: record and read meetings, quarterly compliance per branch. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { meetingTypeCodec as meetingTypes, type BranchCompliance, type Meeting } from '@repo/proto/member/v1';
import { type Static } from '@sinclair/typebox';
import { call, errorResponses, IdParam, pageOf } from '../common';
import type { MemberRouteOptions } from './clients';
import {
  BranchComplianceBody,
  ComplianceBody,
  ComplianceQuery,
  CreateMeetingBody,
  MeetingBody,
  MeetingListBody,
  MeetingListQuery,
} from './schemas';

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
        body: CreateMeetingBody,
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
        querystring: MeetingListQuery,
        response: { 200: MeetingListBody, ...errorResponses },
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
