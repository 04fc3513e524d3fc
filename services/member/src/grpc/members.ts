/** member.v1.MemberService over the member records and the import. */
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import { maskNationalId, maskPhone } from '../domain/national-id';
import type { PipelineStage } from '../domain/pipeline';
import { keyDateFields, type KeyDates } from '../domain/profile';
import type { MemberImport } from '../members/import';
import { memberUpdatable, type Member, type MemberDraft, type MemberRecords } from '../members/records';
import { duesCategoryCodec, educationCodec, genderCodec, importFormatCodec, int64, paging, stageCodec } from './codecs';

export function toProtoMember(member: Member, revealed: boolean): pb.Member {
  return pb.Member.create({
    id: member.id,
    name: member.name,
    gender: genderCodec.toProto(member.gender),
    ethnicity: member.ethnicity,
    birthDate: member.birthDate,
    nationalId: revealed ? member.nationalId : maskNationalId(member.nationalId),
    nationalIdMasked: !revealed,
    education: educationCodec.toProto(member.education),
    phone: member.phone ? (revealed ? member.phone : maskPhone(member.phone)) : '',
    organizationId: member.organizationId,
    orgPath: member.orgPath,
    stage: stageCodec.toProto(member.stage),
    keyDates: {
      applicationDate: member.keyDates.applicationDate ?? '',
      activistDate: member.keyDates.activistDate ?? '',
      candidateDate: member.keyDates.candidateDate ?? '',
      probationaryDate: member.keyDates.probationaryDate ?? '',
      fullDate: member.keyDates.fullDate ?? '',
    },
    history: member.history.map((step) => ({
      stage: stageCodec.toProto(step.stage),
      date: step.date,
      decisionRef: step.decisionRef,
      approvedBy: step.approvedBy,
      recordedAt: step.recordedAt ? `${step.recordedAt}T00:00:00.000Z` : undefined,
      note: step.note ?? '',
      extensionMonths: step.extensionMonths ?? 0,
      higherApprovalRef: step.higherApprovalRef ?? '',
    })),
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
    revision: member.revision,
    duesCategory: duesCategoryCodec.toProto(member.duesCategory),
    duesIncomeFen: String(member.duesIncomeFen),
  });
}

/**
 * The proto profile as the domain validates it: empty strings and unspecified enums are blank
 * (so a required field is named), key dates only where given.
 */
function draftOf(profile: pb.MemberProfile | undefined): MemberDraft {
  const p = profile ?? pb.MemberProfile.create();
  const keyDates: KeyDates = {};
  for (const field of keyDateFields) if (p.keyDates?.[field]) keyDates[field] = p.keyDates[field];
  return {
    profile: {
      name: p.name,
      gender: genderCodec.fromProto(p.gender) ?? '',
      ethnicity: p.ethnicity,
      birthDate: p.birthDate,
      nationalId: p.nationalId,
      education: educationCodec.fromProto(p.education) ?? '',
      organizationId: p.organizationId,
      stage: stageCodec.fromProto(p.stage) ?? '',
      keyDates,
      ...(p.phone ? { phone: p.phone } : {}),
    },
    duesCategory: duesCategoryCodec.fromProto(p.duesCategory) ?? '',
    duesIncomeFen: int64(p.duesIncomeFen),
  };
}

export function memberService(records: MemberRecords, imports: MemberImport): ServiceRegistration {
  return defineService('member.v1.MemberService', pb.MemberServiceService, {
    async createMember(request, { caller }) {
      return { member: toProtoMember(await records.create(caller, draftOf(request.profile)), false) };
    },

    async getMember(request, { caller }) {
      const { member, revealed } = await records.get(
        caller,
        request.id,
        request.revealNationalId ? { reason: request.revealReason } : undefined,
      );
      return { member: toProtoMember(member, revealed) };
    },

    async listMembers(request, { caller, deadlineMs }) {
      const page = pageOf(request, paging);
      const stage = stageCodec.fromProto(request.stage);
      const gender = genderCodec.fromProto(request.gender);
      const result = await records.list(
        caller,
        { organizationId: request.organizationId, name: request.name, ...(stage ? { stage } : {}), ...(gender ? { gender } : {}) },
        // The caller's deadline goes to the store: a page stops short, a query gets maxTimeMS.
        { ...page, pageToken: request.pageToken, withTotal: request.withTotal, deadlineMs },
      );
      return {
        members: result.items.map((m) => toProtoMember(m, false)),
        page: pageAnswer(page, result.total ?? 0),
        nextPageToken: result.nextPageToken ?? '',
      };
    },

    async updateMember(request, { caller }) {
      const fields = updateMaskOf(request.updateMask, memberUpdatable);
      return {
        member: toProtoMember(await records.update(caller, request.id, fields, draftOf(request.profile), request.expectedRevision), false),
      };
    },

    async changeStage(request, { caller }) {
      const member = await records.changeStage(
        caller,
        request.id,
        {
          // Unspecified is left to the pipeline's validation, which names the field.
          stage: (stageCodec.fromProto(request.stage) ?? '') as PipelineStage,
          date: request.date,
          decisionRef: request.decisionRef,
          ...(request.trainingHours ? { trainingHours: request.trainingHours } : {}),
          ...(request.politicalReviewPassed ? { politicalReviewPassed: true } : {}),
          ...(request.higherApprovalRef ? { higherApprovalRef: request.higherApprovalRef } : {}),
          ...(request.extensionMonths ? { extensionMonths: request.extensionMonths } : {}),
          ...(request.note ? { note: request.note } : {}),
        },
        request.expectedRevision,
      );
      return { member: toProtoMember(member, false) };
    },

    async importMembers(request, { caller }) {
      const outcome = await imports.run(caller, {
        file: Buffer.from(request.file),
        format: importFormatCodec.fromProto(request.format),
        dryRun: request.dryRun,
        importValidOnly: request.importValidOnly,
      });
      return {
        rows: outcome.rows,
        imported: outcome.imported,
        invalidRows: outcome.invalidRows,
        errors: outcome.errors.map((e) => ({ line: e.line, field: e.field, problem: e.problem })),
        errorCount: outcome.errorCount,
        warnings: outcome.warnings.map((w) => `line ${w.line}, column ${w.column}: ${w.problem}`),
      };
    },
  });
}
