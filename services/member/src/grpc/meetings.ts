/** member.v1.MeetingService over the meeting use cases. */
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import { meetingTypes, type MeetingType } from '../domain/meetings';
import type { BranchComplianceResult, Meeting, Meetings } from '../meetings/meetings';
import { meetingTypeCodec, paging } from './codecs';

export function toProtoMeeting(meeting: Meeting): pb.Meeting {
  return pb.Meeting.create({
    id: meeting.id,
    organizationId: meeting.organizationId,
    orgPath: meeting.orgPath,
    type: meetingTypeCodec.toProto(meeting.type),
    date: meeting.date,
    topic: meeting.topic,
    minutes: meeting.minutes,
    attendance: { present: meeting.attendance.present, excused: meeting.attendance.excused, absent: meeting.attendance.absent },
    recordedBy: meeting.recordedBy,
    createdAt: meeting.createdAt,
  });
}

function toProtoBranch({ branch, compliance }: BranchComplianceResult): pb.BranchCompliance {
  return {
    organizationId: branch.id,
    organizationName: branch.name,
    compliant: compliance.compliant,
    // Group meetings are left out for a branch without groups: they do not apply to it.
    types: meetingTypes
      .filter((type) => compliance.byType[type].applicable)
      .map((type) => {
        const c = compliance.byType[type];
        return {
          type: meetingTypeCodec.toProto(type),
          required: c.required,
          held: c.held,
          compliant: c.compliant,
          missingMonths: c.missingMonths ?? [],
        };
      }),
  };
}

export function meetingService(meetings: Meetings): ServiceRegistration {
  return defineService('member.v1.MeetingService', pb.MeetingServiceService, {
    async recordMeeting(request, { caller }) {
      const meeting = await meetings.record(caller, {
        organizationId: request.organizationId,
        // Unspecified is left to the meeting's validation, which names the field.
        type: (meetingTypeCodec.fromProto(request.type) ?? '') as MeetingType,
        date: request.date,
        topic: request.topic,
        minutes: request.minutes,
        attendance: {
          present: request.attendance?.present ?? [],
          excused: request.attendance?.excused ?? [],
          absent: request.attendance?.absent ?? [],
        },
      });
      return { meeting: toProtoMeeting(meeting) };
    },

    async getMeeting(request, { caller }) {
      return { meeting: toProtoMeeting(await meetings.get(caller, request.id)) };
    },

    async listMeetings(request, { caller }) {
      const page = pageOf(request, paging);
      const type = meetingTypeCodec.fromProto(request.type);
      const result = await meetings.list(
        caller,
        { organizationId: request.organizationId, from: request.from, to: request.to, ...(type ? { type } : {}) },
        page,
      );
      return { meetings: result.items.map(toProtoMeeting), page: pageAnswer(page, result.total) };
    },

    async meetingCompliance(request, { caller }) {
      const page = pageOf(request, paging);
      const result = await meetings.compliance(
        caller,
        { organizationId: request.organizationId, quarter: request.quarter, behindOnly: request.behindOnly },
        page,
      );
      return { quarter: result.quarter, branches: result.items.map(toProtoBranch), page: pageAnswer(page, result.total) };
    },
  });
}
