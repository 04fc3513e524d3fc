/** LearnerService over gRPC. */
import { defineService, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import { learnerFields, type LearnerChange } from '../domain/learner';
import type { CadreLevel, LearnerPost } from '../domain/vocabulary';
import type { LearnerUseCases } from '../learners/use-cases';
import { toProtoLearner } from './mapping';

export const learnerServiceName = 'learning.v1.LearnerService';

export function learnerService(learners: LearnerUseCases): ServiceRegistration {
  return defineService(learnerServiceName, pb.LearnerServiceService, {
    getLearner: async (request, { caller }) => ({ learner: toProtoLearner(await learners.get(caller, request.memberId)) }),

    updateLearner: async (request, { caller }) => {
      const fields = updateMaskOf(request.updateMask, learnerFields);
      const values: LearnerChange = {
        // An unknown word stays as it came, so validation names it.
        posts: request.posts.map((p) => (pb.learnerPostCodec.fromProto(p) ?? p) as LearnerPost),
        cadreLevel: (pb.cadreLevelCodec.fromProto(request.cadreLevel) ?? '') as CadreLevel | '',
        userId: request.userId,
      };
      return { learner: toProtoLearner(await learners.update(caller, request.memberId, fields, values, request.expectedRevision)) };
    },
  });
}
