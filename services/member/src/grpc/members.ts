/** Members: profile, masked identity numbers, the development pipeline, bulk import. */
import { can, inCallerScope, type Caller } from '@repo/access';
import { failedPrecondition, notFound, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import { pageOf, unary } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import type * as pb from '@repo/proto/member/v1';
import { provinceDate } from '@repo/calendar';
import { duesCategories, maxMonthlyIncomeFen, type DuesCategory } from '../domain/dues';
import { mergeImportReports, parseMemberFile, validateImportRows, withRowErrors, type ImportRowError } from '../domain/import';
import { maskNationalId, maskPhone } from '../domain/national-id';
import { branchLevelKinds, type Organization } from '../domain/organization';
import { applyStageChange, startPipeline, type PipelineState, type PipelineStep } from '../domain/pipeline';
import { keyDateFields, keyDateStage, profileOrThrow, validateProfile, validateProfilePatch, type KeyDates, type MemberProfile } from '../domain/profile';
import { type Member, type MemberRepository, type NewMember } from '../store/members';
import type { OrganizationRepository } from '../store/organizations';
import type { UserRepository } from '../store/users';
import { assertInScope, authorize, callerOf, paging, scopeOf } from './context';
import { visibleOrganization } from './organizations';
import { memberEvents } from '../events/types';

export interface MemberDeps {
  members: MemberRepository;
  organizations: OrganizationRepository;
  /** To find the member record linked to a signed-in member's account (member.readSelf). */
  users: Pick<UserRepository, 'find'>;
  logger: Logger;
}

const today = () => provinceDate(new Date());
const memberNotFound = (id: string) => () => notFound('MEMBER_NOT_FOUND', `member ${id} not found`, { id });

/** Dates of the pipeline's steps as the profile records them. */
const stageKeyDate = Object.fromEntries(keyDateFields.map((field) => [keyDateStage[field], field])) as Record<string, (typeof keyDateFields)[number]>;

/**
 * Organisations by id or code, for the references of an import file. A few are looked up one by
 * one; more (a province's file names thousands of branches) are read with the caller's whole
 * subtree in one query, which also leaves out whatever is not in scope.
 */
export async function organizationResolver(
  organizations: Pick<OrganizationRepository, 'find' | 'findByCode' | 'subtree'>,
  caller: Caller,
  refs: Set<string>,
  oneByOneUpTo = 50,
): Promise<(ref: string) => Organization | null> {
  const found = new Map<string, Organization>();
  if (refs.size <= oneByOneUpTo) {
    for (const ref of refs) {
      const org = (await organizations.find(ref)) ?? (await organizations.findByCode(ref));
      if (org) found.set(ref, org);
    }
  } else {
    for (const org of await organizations.subtree(scopeOf(caller))) {
      found.set(org.id, org);
      if (org.code) found.set(org.code, org);
    }
  }
  return (ref) => found.get(ref) ?? null;
}

export function toProtoMember(member: Member, revealed: boolean): pb.Member {
  return {
    id: member.id,
    name: member.name,
    gender: member.gender,
    ethnicity: member.ethnicity,
    birthDate: member.birthDate,
    nationalId: revealed ? member.nationalId : maskNationalId(member.nationalId),
    nationalIdMasked: !revealed,
    education: member.education,
    phone: member.phone ? (revealed ? member.phone : maskPhone(member.phone)) : '',
    organizationId: member.organizationId,
    orgPath: member.orgPath,
    stage: member.stage,
    keyDates: {
      applicationDate: member.keyDates.applicationDate ?? '',
      activistDate: member.keyDates.activistDate ?? '',
      candidateDate: member.keyDates.candidateDate ?? '',
      probationaryDate: member.keyDates.probationaryDate ?? '',
      fullDate: member.keyDates.fullDate ?? '',
    },
    history: member.history.map((step) => ({
      stage: step.stage,
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
    duesCategory: member.duesCategory,
    duesIncomeFen: String(member.duesIncomeFen),
  };
}

/** The proto profile as the plain object the domain validates (empty strings are absent). */
function profileInput(profile: pb.MemberProfile | undefined): Record<string, unknown> {
  if (!profile) return {};
  const keyDates: KeyDates = {};
  for (const field of keyDateFields) if (profile.keyDates?.[field]) keyDates[field] = profile.keyDates[field];
  const input: Record<string, unknown> = {
    name: profile.name,
    gender: profile.gender,
    ethnicity: profile.ethnicity,
    birthDate: profile.birthDate,
    nationalId: profile.nationalId,
    education: profile.education,
    organizationId: profile.organizationId,
    stage: profile.stage,
    keyDates,
  };
  if (profile.phone) input.phone = profile.phone;
  return input;
}

function duesOf(profile: pb.MemberProfile | undefined, violations: FieldViolation[]): { duesCategory: DuesCategory; duesIncomeFen: number } {
  const category = profile?.duesCategory || 'inService';
  const income = Number(profile?.duesIncomeFen ?? 0);
  if (!(duesCategories as readonly string[]).includes(category)) violations.push({ field: 'duesCategory', problem: `must be one of ${duesCategories.join(', ')}` });
  const limit = category === 'annualSalary' ? maxMonthlyIncomeFen * 12 : maxMonthlyIncomeFen;
  if (!Number.isSafeInteger(income) || income < 0 || income > limit) violations.push({ field: 'duesIncomeFen', problem: `must be a whole number of fen from 0 to ${limit}` });
  return { duesCategory: category as DuesCategory, duesIncomeFen: income };
}

/** Members belong to a branch (党支部); organisation life and dues are kept there. */
function assertBranch(org: Organization, field = 'organizationId'): void {
  if (!branchLevelKinds.includes(org.kind)) {
    throw failedPrecondition('MEMBER_ORG_KIND', `members belong to a branch, and ${org.name} is a ${org.kind}`, { field, kind: org.kind });
  }
}

/** The pipeline as recorded so far: one step per key date reached, as entered at creation. */
function pipelineOf(member: Pick<Member, 'birthDate' | 'stage' | 'history' | 'probationExtensions'>): PipelineState {
  return { birthDate: member.birthDate, stage: member.stage, history: member.history, probationExtensions: member.probationExtensions };
}

function initialHistory(profile: MemberProfile, actor: string): PipelineStep[] {
  const steps: PipelineStep[] = [];
  for (const field of keyDateFields) {
    const date = profile.keyDates[field];
    if (date) steps.push({ stage: keyDateStage[field], date, decisionRef: 'recorded with the member record', approvedBy: actor, recordedAt: today() });
  }
  return steps;
}

function assertMinimumAge(profile: MemberProfile, actor: string): void {
  // The age rule of the pipeline's first step applies to every record that has an application date.
  if (profile.keyDates.applicationDate) startPipeline(profile.birthDate, profile.keyDates.applicationDate, { decisionRef: 'record', approvedBy: actor || 'system' }, today());
}

export function memberHandlers({ members, organizations, users, logger }: MemberDeps): pb.MemberServiceServer {
  async function visibleMember(caller: Caller, id: string): Promise<Member> {
    const member = id ? await members.find(id) : null;
    if (!member) throw memberNotFound(id)();
    assertInScope(caller, member.orgPath, memberNotFound(id));
    return member;
  }

  return {
    createMember: unary(logger, async (request: pb.CreateMemberRequest, context) => {
      const caller = authorize(context, 'member.write');
      const violations: FieldViolation[] = [];
      const result = validateProfile(profileInput(request.profile), today());
      if (!result.ok) violations.push(...result.violations);
      const dues = duesOf(request.profile, violations);
      if (violations.length) throw validationFailed(violations);
      const profile = profileOrThrow(result);
      const org = await visibleOrganization(organizations, caller, profile.organizationId);
      assertBranch(org);
      assertMinimumAge(profile, caller.userId);
      const member = await members.create({
        ...profile,
        orgPath: org.path,
        ...dues,
        history: initialHistory(profile, caller.userId),
        probationExtensions: 0,
        createdBy: caller.userId,
      });
      return { member: toProtoMember(member, false) };
    }),

    getMember: unary(logger, async (request: pb.GetMemberRequest, context) => {
      const self = callerOf(context);
      if (!can(self.roles, 'member.read') && can(self.roles, 'member.readSelf') && !request.revealNationalId) {
        // A member reads the record linked to their own account, and no other.
        const account = await users.find(self.userId);
        if (!account?.memberId || account.memberId !== request.id) throw memberNotFound(request.id)();
        return { member: toProtoMember(await members.get(request.id), false) };
      }
      const caller = authorize(context, 'member.read');
      const member = await visibleMember(caller, request.id);
      if (!request.revealNationalId) return { member: toProtoMember(member, false) };
      if (!can(caller.roles, 'member.readNationalId')) {
        throw permissionDenied('ACCESS_DENIED', 'not allowed to member.readNationalId', { action: 'member.readNationalId' });
      }
      const reason = request.revealReason.trim();
      if (reason.length < 2 || reason.length > 200) throw validationFailed([{ field: 'revealReason', problem: 'say why the full number is needed (2 to 200 characters)' }]);
      // Every unmasked read is on the record, with who, why and when.
      await members.recordEvent(member, { type: memberEvents.nationalIdRevealed, actor: caller.userId, orgPath: member.orgPath, subjectId: member.id, data: { reason } });
      return { member: toProtoMember(member, true) };
    }),

    listMembers: unary(logger, async (request: pb.ListMembersRequest, context) => {
      const caller = authorize(context, 'member.read');
      const { page, size } = pageOf(request, paging);
      const scope = request.organizationId ? (await visibleOrganization(organizations, caller, request.organizationId)).path : scopeOf(caller);
      if (request.name.length > 50) throw validationFailed([{ field: 'name', problem: 'must be at most 50 characters' }]);
      const result = await members.list(
        {
          scope,
          ...(request.stage ? { stage: request.stage } : {}),
          ...(request.name.trim() ? { namePrefix: request.name.trim() } : {}),
          ...(request.gender ? { gender: request.gender } : {}),
        },
        page,
        size,
      );
      return { members: result.items.map((m) => toProtoMember(m, false)), page: { page, size, total: String(result.total) } };
    }),

    updateMember: unary(logger, async (request: pb.UpdateMemberRequest, context) => {
      const caller = authorize(context, 'member.write');
      const current = await visibleMember(caller, request.id);
      if (request.expectedRevision && request.expectedRevision !== current.revision) {
        throw validationFailed([{ field: 'expectedRevision', problem: `is ${request.expectedRevision} but the member is at ${current.revision}` }]);
      }
      if (request.updateMask.length === 0) throw validationFailed([{ field: 'updateMask', problem: 'names no field to change' }]);
      if (request.updateMask.includes('organizationId')) {
        throw failedPrecondition('MEMBER_USE_TRANSFER', 'a member changes organisation through a transfer (POST /api/v1/transfers)');
      }
      if (request.updateMask.includes('stage')) {
        throw failedPrecondition('MEMBER_USE_STAGE_STEP', 'the stage changes one pipeline step at a time (POST /api/v1/members/:id/stage)');
      }
      const input = profileInput(request.profile);
      const violations: FieldViolation[] = [];
      const patch: Record<string, unknown> = {};
      const changes: Partial<Member> = {};
      for (const field of request.updateMask) {
        if (field === 'duesCategory' || field === 'duesIncomeFen') continue;
        if (field === 'phone' && !input.phone) patch.phone = null;
        else patch[field] = input[field];
      }
      if (request.updateMask.some((f) => f === 'duesCategory' || f === 'duesIncomeFen')) {
        const dues = duesOf({ ...request.profile!, duesCategory: request.profile?.duesCategory || current.duesCategory }, violations);
        if (request.updateMask.includes('duesCategory')) changes.duesCategory = dues.duesCategory;
        if (request.updateMask.includes('duesIncomeFen')) changes.duesIncomeFen = dues.duesIncomeFen;
      }
      const { id: _id, orgPath: _p, duesCategory: _c, duesIncomeFen: _i, history: _h, probationExtensions: _e, createdAt: _ca, updatedAt: _u, createdBy: _cb, revision: _r, ...profileNow } = current;
      const result = validateProfilePatch(patch, profileNow as MemberProfile, today());
      if (!result.ok) violations.push(...result.violations);
      if (violations.length) throw validationFailed(violations);
      const profile = profileOrThrow(result);
      for (const field of request.updateMask) if (field in profile || field === 'phone') (changes as Record<string, unknown>)[field] = profile[field as keyof MemberProfile];
      if (changes.nationalId && changes.nationalId !== current.nationalId && (await members.existingNationalIds([changes.nationalId])).size) {
        throw failedPrecondition('MEMBER_NATIONAL_ID_TAKEN', 'a member with this national ID number is already recorded');
      }
      const updated = await members.save(current, changes, [
        { type: memberEvents.updated, actor: caller.userId, orgPath: current.orgPath, subjectId: current.id, data: { changed: request.updateMask } },
      ]);
      return { member: toProtoMember(updated, false) };
    }),

    changeStage: unary(logger, async (request: pb.ChangeStageRequest, context) => {
      const caller = authorize(context, 'member.stage');
      const current = await visibleMember(caller, request.id);
      if (request.expectedRevision && request.expectedRevision !== current.revision) {
        throw validationFailed([{ field: 'expectedRevision', problem: `is ${request.expectedRevision} but the member is at ${current.revision}` }]);
      }
      const next = applyStageChange(
        pipelineOf(current),
        {
          stage: request.stage as PipelineState['stage'],
          date: request.date,
          decisionRef: request.decisionRef,
          approvedBy: caller.userId,
          ...(request.trainingHours ? { trainingHours: request.trainingHours } : {}),
          ...(request.politicalReviewPassed ? { politicalReviewPassed: true } : {}),
          ...(request.higherApprovalRef ? { higherApprovalRef: request.higherApprovalRef } : {}),
          ...(request.extensionMonths ? { extensionMonths: request.extensionMonths } : {}),
          ...(request.note ? { note: request.note } : {}),
        },
        today(),
      );
      const keyDate = stageKeyDate[next.stage];
      const extension = next.probationExtensions > current.probationExtensions;
      const keyDates = keyDate && !extension ? { ...current.keyDates, [keyDate]: request.date } : current.keyDates;
      const updated = await members.save(current, { stage: next.stage, history: next.history, probationExtensions: next.probationExtensions, keyDates }, [
        {
          type: memberEvents.stageChanged,
          actor: caller.userId,
          orgPath: current.orgPath,
          subjectId: current.id,
          data: { from: current.stage, to: next.stage, date: request.date, decisionRef: request.decisionRef, extension },
        },
      ]);
      return { member: toProtoMember(updated, false) };
    }),

    importMembers: unary(logger, async (request: pb.ImportMembersRequest, context) => {
      const caller = authorize(context, 'member.import');
      if (request.format !== 'csv' && request.format !== 'xlsx') throw validationFailed([{ field: 'format', problem: 'must be csv or xlsx' }]);
      if (request.file.length === 0) throw validationFailed([{ field: 'file', problem: 'is empty' }]);
      const file = await parseMemberFile(Buffer.from(request.file), request.format);
      const report = validateImportRows(file, today());

      // What only the store knows: the organisation (by id or code, in scope, a branch) and
      // national ID numbers already recorded.
      const rowErrors: ImportRowError[] = [];
      const resolve = await organizationResolver(organizations, caller, new Set(report.valid.map((v) => v.profile.organizationId)));
      const existing = await members.existingNationalIds(report.valid.map((v) => v.profile.nationalId));
      const rows: { line: number; member: NewMember }[] = [];
      for (const { line, profile } of report.valid) {
        const org = resolve(profile.organizationId);
        if (!org || !inCallerScope(caller, org.path)) {
          rowErrors.push({ line, field: 'organizationId', problem: `no organisation ${profile.organizationId} in your scope` });
          continue;
        }
        if (!branchLevelKinds.includes(org.kind)) {
          rowErrors.push({ line, field: 'organizationId', problem: `${org.name} is a ${org.kind}; members belong to a branch` });
          continue;
        }
        if (existing.has(profile.nationalId)) {
          rowErrors.push({ line, field: 'nationalId', problem: 'a member with this national ID number is already recorded' });
          continue;
        }
        try {
          assertMinimumAge(profile, caller.userId);
        } catch (err) {
          rowErrors.push({ line, field: 'keyDates.applicationDate', problem: (err as Error).message });
          continue;
        }
        rows.push({
          line,
          member: {
            ...profile,
            organizationId: org.id,
            orgPath: org.path,
            duesCategory: 'inService',
            duesIncomeFen: 0,
            history: initialHistory(profile, caller.userId),
            probationExtensions: 0,
            createdBy: caller.userId,
          },
        });
      }
      const final = rowErrors.length ? withRowErrors(report, rowErrors) : mergeImportReports(report);
      const validLines = new Set(final.valid.map((v) => v.line));
      const importable = rows.filter((r) => validLines.has(r.line));
      const invalidLines = new Set(final.errors.map((e) => e.line));
      // All or nothing unless the caller asked for the valid rows alone.
      const proceed = !request.dryRun && (invalidLines.size === 0 || request.importValidOnly);
      const imported = proceed ? await members.createMany(importable.map((r) => r.member)) : 0;
      return {
        rows: file.rows.length,
        imported,
        invalidRows: invalidLines.size,
        errors: final.errors.map((e) => ({ line: e.line, field: e.field, problem: e.problem })),
        warnings: final.warnings.map((w) => `line ${w.line}, column ${w.column}: ${w.problem}`),
      };
    }),
  };
}

