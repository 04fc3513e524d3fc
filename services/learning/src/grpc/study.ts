/** StudyService over gRPC. */
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import type { EnrolmentStatus } from '../domain/vocabulary';
import { enrolmentPaging, type StudyUseCases } from '../study/use-cases';
import { toProtoEnrolment, toProtoProgress, toProtoSession } from './mapping';

export const studyServiceName = 'learning.v1.StudyService';

export function studyService(study: StudyUseCases): ServiceRegistration {
  return defineService(studyServiceName, pb.StudyServiceService, {
    enrol: async (request, { caller }) => ({ enrolment: toProtoEnrolment(await study.enrol(caller, request)) }),

    cancelEnrolment: async (request, { caller }) => ({
      enrolment: toProtoEnrolment(await study.cancel(caller, request.id, request.reason)),
    }),

    getEnrolment: async (request, { caller }) => ({ enrolment: toProtoEnrolment(await study.get(caller, request.id)) }),

    listEnrolments: async (request, { caller }) => {
      const page = pageOf(request, enrolmentPaging);
      const status = pb.enrolmentStatusCodec.fromProto(request.status) as EnrolmentStatus | undefined;
      const result = await study.list(caller, { courseId: request.courseId, mine: request.mine, ...page, ...(status ? { status } : {}) });
      return { enrolments: result.items.map(toProtoEnrolment), page: pageAnswer(page, result.total) };
    },

    startSession: async (request, { caller }) => {
      const { session, videoSeconds } = await study.startSession(caller, request.courseId, request.unitId);
      return { session: toProtoSession(session, videoSeconds) };
    },

    reportProgress: async (request, { caller }) => {
      const result = await study.report(caller, {
        sessionId: request.sessionId,
        intervals: request.intervals.map((i) => [i.fromSecond, i.toSecond] as [number, number]),
        readToPermille: request.readToPermille,
      });
      return {
        unit: toProtoProgress(result.unitId, result.progress),
        unitCompleted: result.unitCompleted,
        courseCompleted: result.courseCompleted,
      };
    },

    recordAttendance: async (request, { caller }) => study.attendance(caller, request),
  });
}
