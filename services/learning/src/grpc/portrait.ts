/** PortraitService over gRPC. */
import { defineService, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import type { PortraitUseCases } from '../portrait/use-cases';
import { toProtoPortrait } from './mapping';

export const portraitServiceName = 'learning.v1.PortraitService';

export function portraitService(portraits: PortraitUseCases): ServiceRegistration {
  return defineService(portraitServiceName, pb.PortraitServiceService, {
    getPortrait: async (request, { caller }) => ({ portrait: toProtoPortrait(await portraits.get(caller, request.memberId)) }),
  });
}
