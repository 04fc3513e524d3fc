/** The learning service's gRPC services, one client each, all on the service's address. */
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';

export function learningClients(address: string, deadlineMs: number) {
  return {
    courses: new RpcClient(pb.CourseServiceService, address, deadlineMs),
    study: new RpcClient(pb.StudyServiceService, address, deadlineMs),
    ledger: new RpcClient(pb.LedgerServiceService, address, deadlineMs),
    learners: new RpcClient(pb.LearnerServiceService, address, deadlineMs),
    exams: new RpcClient(pb.ExamServiceService, address, deadlineMs),
    trainings: new RpcClient(pb.TrainingServiceService, address, deadlineMs),
    points: new RpcClient(pb.PointsServiceService, address, deadlineMs),
    portraits: new RpcClient(pb.PortraitServiceService, address, deadlineMs),
  };
}

export type LearningClients = ReturnType<typeof learningClients>;

export interface LearningRouteOptions {
  learning: LearningClients;
}
