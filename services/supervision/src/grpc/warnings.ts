/** Early warnings over gRPC: proto in, use case, proto out. */
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import type { Warning, WarningAction, WarningStatus } from '../domain/warning';
import { warningPaging, type StatusCounts, type WarningUseCases } from '../warnings/use-cases';

export const warningServiceName = 'supervision.v1.WarningService';

const { warningStatusCodec: statuses, warningActionCodec: actions, warningSeverityCodec: severities } = pb;

function toProtoWarning(w: Warning): pb.Warning {
  return pb.Warning.create({
    id: w.id,
    ruleId: w.ruleId,
    title: w.title,
    basis: w.basis,
    severity: severities.toProto(w.severity),
    subjectId: w.subjectId,
    period: w.period,
    orgPath: w.orgPath,
    factsJson: JSON.stringify(w.facts),
    eventId: w.eventId,
    status: statuses.toProto(w.status),
    assignee: w.assignee,
    raisedAt: w.raisedAt,
    history: w.history.map((s) =>
      pb.WarningStep.create({ action: actions.toProto(s.action), actor: s.actor, at: s.at, note: s.note, assignee: s.assignee }),
    ),
    revision: w.revision,
  });
}

const toProtoCounts = (c: StatusCounts) => pb.StatusCounts.create(c);

export function warningService(warnings: WarningUseCases): ServiceRegistration {
  return defineService(warningServiceName, pb.WarningServiceService, {
    listWarnings: async (request, { caller }) => {
      const page = pageOf(request, warningPaging);
      const status = statuses.fromProto(request.status) as WarningStatus | undefined;
      const result = await warnings.list(caller, {
        ...page,
        ...(status ? { status } : {}),
        ...(request.ruleId ? { ruleId: request.ruleId } : {}),
        ...(request.subjectId ? { subjectId: request.subjectId } : {}),
        ...(request.orgPath ? { orgPath: request.orgPath } : {}),
        assignedToMe: request.assignedToMe,
      });
      return { warnings: result.items.map(toProtoWarning), page: pageAnswer(page, result.total) };
    },

    getWarning: async (request, { caller }) => ({ warning: toProtoWarning(await warnings.get(caller, request.id)) }),

    transitionWarning: async (request, { caller }) => {
      const action = actions.fromProto(request.action) as WarningAction | undefined;
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${actions.values.join(', ')}` }]);
      const warning = await warnings.transition(caller, request.id, action, {
        assignee: request.assignee,
        note: request.note,
        expectedRevision: request.expectedRevision,
      });
      return { warning: toProtoWarning(warning) };
    },

    getWarningStatistics: async (request, { caller }) => {
      const stats = await warnings.statistics(caller, request.orgPath || undefined);
      return {
        total: toProtoCounts(stats.total),
        byRule: stats.byRule.map((r) => pb.RuleStatistics.create({ ruleId: r.ruleId, title: r.title, counts: toProtoCounts(r.counts) })),
        byOrganization: stats.byOrganization.map((o) =>
          pb.OrganizationStatistics.create({ orgPath: o.orgPath, counts: toProtoCounts(o.counts) }),
        ),
      };
    },

    listWarningRules: async (_request, { caller }) => ({
      rules: warnings
        .listRules(caller)
        .map(({ id, kind, title, basis, severity, ...settings }) =>
          pb.WarningRule.create({ id, kind, title, basis, severity: severities.toProto(severity), settingsJson: JSON.stringify(settings) }),
        ),
    }),
  });
}
