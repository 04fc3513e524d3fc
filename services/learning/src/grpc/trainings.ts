/** TrainingService over gRPC. */
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import { trainingPaging, type TrainingUseCases } from '../trainings/use-cases';
import { toProtoTraining, trainingFieldsFromDraft } from './mapping';

export const trainingServiceName = 'learning.v1.TrainingService';

export function trainingService(trainings: TrainingUseCases): ServiceRegistration {
  return defineService(trainingServiceName, pb.TrainingServiceService, {
    recordTraining: async (request, { caller }) => ({
      training: toProtoTraining(
        await trainings.record(caller, request.memberId, trainingFieldsFromDraft(request.draft), request.overrideReason),
      ),
    }),

    listTrainings: async (request, { caller }) => {
      const page = pageOf(request, trainingPaging);
      const result = await trainings.list(caller, request.memberId, page.page, page.size);
      return { trainings: result.items.map(toProtoTraining), page: pageAnswer(page, result.total) };
    },
  });
}
