/** Discipline cases and notices over gRPC: proto in, use case, proto out, enums through the codecs. */
import { provinceDate } from '@repo/calendar';
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import type { CaseStatus, DisciplineCase } from '../domain/discipline-case';
import type { Notice, NoticeAction, NoticeKind, NoticeStatus } from '../domain/notice';
import type { InfluencePeriod, ViolationCategory } from '../domain/sanctions';
import { casePaging, type DisciplineUseCases } from '../discipline/use-cases';

export const disciplineServiceName = 'supervision.v1.DisciplineService';

const {
  violationCategoryCodec: categories,
  officialLevelCodec: levels,
  treatmentCodec: treatments,
  partySanctionCodec: partySanctions,
  governmentSanctionCodec: governmentSanctions,
  caseStatusCodec: caseStatuses,
  noticeKindCodec: noticeKinds,
  noticeStatusCodec: noticeStatuses,
  noticeActionCodec: noticeActions,
} = pb;

const toProtoPeriod = (p: InfluencePeriod) =>
  pb.InfluencePeriod.create({ sanction: p.sanction, kind: p.kind, name: p.name, from: p.from, until: p.until, effect: p.effect });

export function toProtoCase(c: DisciplineCase): pb.DisciplineCase {
  return pb.DisciplineCase.create({
    id: c.id,
    number: c.number,
    organizationId: c.organizationId,
    orgPath: c.orgPath,
    category: categories.toProto(c.category),
    summary: c.summary,
    foundAt: c.foundAt,
    decidedAt: c.decidedAt,
    status: caseStatuses.toProto(c.status),
    persons: c.persons.map((p) =>
      pb.CasePerson.create({
        name: p.name,
        memberId: p.memberId,
        post: p.post,
        level: levels.toProto(p.level),
        decision: p.decision
          ? pb.PersonDecision.create({
              treatment: treatments.toProto(p.decision.treatment),
              partySanction: partySanctions.toProto(p.decision.partySanction),
              probationYears: p.decision.probationYears ?? 0,
              governmentSanction: governmentSanctions.toProto(p.decision.governmentSanction),
            })
          : undefined,
        influence: p.influence.map(toProtoPeriod),
      }),
    ),
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    revision: c.revision,
  });
}

export function toProtoNotice(n: Notice): pb.Notice {
  return pb.Notice.create({
    id: n.id,
    kind: noticeKinds.toProto(n.kind),
    status: noticeStatuses.toProto(n.status),
    organizationId: n.organizationId,
    orgPath: n.orgPath,
    title: n.title,
    month: n.month,
    rows: n.rows.map((r) => pb.ReportRow.create({ key: r.key, label: r.label, month: r.month, yearToDate: r.yearToDate })),
    caseIds: n.caseIds,
    text: n.text,
    createdBy: n.createdBy,
    createdAt: n.createdAt,
    publishedAt: n.publishedAt || undefined,
    history: n.history.map((s) =>
      pb.NoticeStep.create({ action: noticeActions.toProto(s.action), actor: s.actor, at: s.at, note: s.note }),
    ),
    revision: n.revision,
  });
}

export function disciplineService(discipline: DisciplineUseCases): ServiceRegistration {
  return defineService(disciplineServiceName, pb.DisciplineServiceService, {
    createCase: async (request, { caller }) => {
      const created = await discipline.createCase(caller, {
        number: request.number,
        organizationId: request.organizationId,
        category: categories.fromProto(request.category) ?? '',
        summary: request.summary,
        foundAt: request.foundAt,
        persons: request.persons.map((p) => ({ name: p.name, memberId: p.memberId, post: p.post, level: levels.fromProto(p.level) ?? '' })),
      });
      return { case: toProtoCase(created) };
    },

    getCase: async (request, { caller }) => ({ case: toProtoCase(await discipline.getCase(caller, request.id)) }),

    listCases: async (request, { caller }) => {
      const page = pageOf(request, casePaging);
      const status = caseStatuses.fromProto(request.status) as CaseStatus | undefined;
      const category = categories.fromProto(request.category) as ViolationCategory | undefined;
      const result = await discipline.listCases(caller, {
        ...page,
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
        ...(status ? { status } : {}),
        ...(category ? { category } : {}),
        ...(request.memberId ? { memberId: request.memberId } : {}),
        ...(request.decidedIn ? { decidedIn: request.decidedIn } : {}),
      });
      return { cases: result.items.map(toProtoCase), page: pageAnswer(page, result.total) };
    },

    decideCase: async (request, { caller }) => {
      const decided = await discipline.decideCase(
        caller,
        request.id,
        {
          decidedAt: request.decidedAt,
          decisions: request.decisions.map((d) => ({
            treatment: treatments.fromProto(d.treatment) ?? '',
            partySanction: partySanctions.fromProto(d.partySanction) ?? '',
            probationYears: d.probationYears,
            governmentSanction: governmentSanctions.fromProto(d.governmentSanction) ?? '',
          })),
        },
        request.expectedRevision,
      );
      return { case: toProtoCase(decided) };
    },

    listInfluencePeriods: async (request, { caller }) => {
      if (!request.memberId) throw validationFailed([{ field: 'memberId', problem: 'is required' }]);
      const on = request.on || provinceDate(new Date());
      const periods = await discipline.influenceOn(request.memberId, on, caller);
      return {
        periods: periods.map((p) =>
          pb.MemberInfluence.create({ caseId: p.caseId, caseNumber: p.caseNumber, period: toProtoPeriod(p.period) }),
        ),
      };
    },

    createNotice: async (request, { caller }) => {
      const kind = noticeKinds.fromProto(request.kind) as NoticeKind | undefined;
      if (!kind) throw validationFailed([{ field: 'kind', problem: `must be one of ${noticeKinds.values.join(', ')}` }]);
      const notice = await discipline.createNotice(caller, {
        kind,
        organizationId: request.organizationId,
        month: request.month,
        caseIds: request.caseIds,
        title: request.title,
      });
      return { notice: toProtoNotice(notice) };
    },

    getNotice: async (request, { caller }) => ({ notice: toProtoNotice(await discipline.getNotice(caller, request.id)) }),

    listNotices: async (request, { caller }) => {
      const page = pageOf(request, casePaging);
      const kind = noticeKinds.fromProto(request.kind) as NoticeKind | undefined;
      const status = noticeStatuses.fromProto(request.status) as NoticeStatus | undefined;
      const result = await discipline.listNotices(caller, {
        ...page,
        ...(kind ? { kind } : {}),
        ...(status ? { status } : {}),
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
      });
      return { notices: result.items.map(toProtoNotice), page: pageAnswer(page, result.total) };
    },

    transitionNotice: async (request, { caller }) => {
      const action = noticeActions.fromProto(request.action) as NoticeAction | undefined;
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${noticeActions.values.join(', ')}` }]);
      return { notice: toProtoNotice(await discipline.transitionNotice(caller, request.id, action, request.note)) };
    },
  });
}
