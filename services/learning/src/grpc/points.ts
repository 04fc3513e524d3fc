/** PointsService over gRPC. */
import { defineService, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/learning/v1';
import type { PointsUseCases } from '../points/use-cases';
import { yearOf } from './ledger';
import { pointsRulesFromProto, toProtoPointsRules } from './mapping';

export const pointsServiceName = 'learning.v1.PointsService';

export function pointsService(points: PointsUseCases): ServiceRegistration {
  return defineService(pointsServiceName, pb.PointsServiceService, {
    setPointsSetting: async (request, { caller }) => points.setSetting(caller, request.organizationId, request.enabled),

    getPointsStatistics: async (request, { caller }) => {
      const stats = await points.statistics(caller, request.organizationId, yearOf(request));
      return {
        organizationId: request.organizationId,
        year: stats.year,
        enabled: stats.enabled,
        participants: stats.participants,
        totalPoints: String(stats.total),
      };
    },

    getMyPoints: async (request, { caller }) => {
      const mine = await points.mine(caller, yearOf(request));
      return { enabled: mine.enabled, year: mine.year, total: String(mine.total), today: mine.today };
    },

    listPointsRules: async (_request, { caller }) => ({ versions: (await points.listRules(caller)).map(toProtoPointsRules) }),

    addPointsRules: async (request, { caller }) => ({
      rules: toProtoPointsRules(await points.addRules(caller, pointsRulesFromProto(request.rules))),
    }),
  });
}
