/** Member records: create, read (masked unless revealed), list, update, and pipeline steps. */
import { authorize, can, scopeOf, type Caller } from '@repo/access';
import { provinceDate } from '@repo/calendar';
import { failedPrecondition, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { duesCategories, maxMonthlyIncomeFen, type DuesCategory } from '../domain/dues';
import type { Gender } from '../domain/national-id';
import { branchLevelKinds, type Organization } from '../domain/organization';
import {
  applyStageChange,
  startPipeline,
  type PipelineStage,
  type PipelineState,
  type PipelineStep,
  type StageChange,
} from '../domain/pipeline';
import {
  keyDateFields,
  keyDateStage,
  profileFields,
  profileOrThrow,
  validateProfile,
  validateProfilePatch,
  type MemberProfile,
} from '../domain/profile';
import { memberEvents } from '../events/types';
import { visibleOrganization } from '../organizations/scope';
import type { MemberStores } from '../store';
import type { Member } from '../store/members';
import { memberNotFound, visibleMember } from './scope';
import { decodePageToken, encodePageToken } from './page-token';

export interface MemberPage {
  items: Member[];
  /** Where the next page starts; absent after the last member. */
  nextPageToken?: string;
  /** Only when asked for. */
  total?: number;
}

export type { Member };

export const today = () => provinceDate(new Date());

/** A profile as sent: what the profile validator reads (blank for absent) and the dues data. */
export interface MemberDraft {
  profile: Record<string, unknown>;
  /** '' when not given: in service at creation, unchanged at an update. */
  duesCategory: DuesCategory | '';
  /** NaN when it is no whole number of fen that fits. */
  duesIncomeFen: number;
}

/** What an update may name; organizationId and stage are named only to be sent elsewhere. */
export const memberUpdatable = [...profileFields, 'duesCategory', 'duesIncomeFen'] as const;
export type MemberField = (typeof memberUpdatable)[number];

export interface MemberListQuery {
  organizationId: string;
  stage?: PipelineStage;
  name: string;
  gender?: Gender;
}

/** Dates of the pipeline's steps as the profile records them. */
const stageKeyDate = Object.fromEntries(keyDateFields.map((field) => [keyDateStage[field], field])) as Record<
  string,
  (typeof keyDateFields)[number]
>;

function duesOf(
  draft: Pick<MemberDraft, 'duesCategory' | 'duesIncomeFen'>,
  fallback: DuesCategory,
  violations: FieldViolation[],
): { duesCategory: DuesCategory; duesIncomeFen: number } {
  const category = draft.duesCategory || fallback;
  const income = draft.duesIncomeFen;
  if (!duesCategories.includes(category))
    violations.push({ field: 'duesCategory', problem: `must be one of ${duesCategories.join(', ')}` });
  const limit = category === 'annualSalary' ? maxMonthlyIncomeFen * 12 : maxMonthlyIncomeFen;
  if (!Number.isSafeInteger(income) || income < 0 || income > limit)
    violations.push({ field: 'duesIncomeFen', problem: `must be a whole number of fen from 0 to ${limit}` });
  return { duesCategory: category, duesIncomeFen: income };
}

/** Members belong to a branch (党支部); organisation life and dues are kept there. */
export function assertBranch(org: Organization, field = 'organizationId'): void {
  if (!branchLevelKinds.includes(org.kind)) {
    throw failedPrecondition('MEMBER_ORG_KIND', `members belong to a branch, and ${org.name} is a ${org.kind}`, { field, kind: org.kind });
  }
}

/** The pipeline as recorded so far: one step per key date reached, as entered at creation. */
export function initialHistory(profile: MemberProfile, actor: string): PipelineStep[] {
  const steps: PipelineStep[] = [];
  for (const field of keyDateFields) {
    const date = profile.keyDates[field];
    if (date)
      steps.push({
        stage: keyDateStage[field],
        date,
        decisionRef: 'recorded with the member record',
        approvedBy: actor,
        recordedAt: today(),
      });
  }
  return steps;
}

/** The age rule of the pipeline's first step applies to every record that has an application date. */
export function assertMinimumAge(profile: MemberProfile, actor: string): void {
  if (profile.keyDates.applicationDate)
    startPipeline(profile.birthDate, profile.keyDates.applicationDate, { decisionRef: 'record', approvedBy: actor || 'system' }, today());
}

function pipelineOf(member: Member): PipelineState {
  return { birthDate: member.birthDate, stage: member.stage, history: member.history, probationExtensions: member.probationExtensions };
}

function profileOf(member: Member): MemberProfile {
  const {
    id: _id,
    orgPath: _p,
    duesCategory: _c,
    duesIncomeFen: _i,
    history: _h,
    probationExtensions: _e,
    createdAt: _ca,
    updatedAt: _u,
    createdBy: _cb,
    revision: _r,
    ...profile
  } = member;
  return profile as MemberProfile;
}

export class MemberRecords {
  constructor(private readonly stores: Pick<MemberStores, 'members' | 'organizations' | 'users'>) {}

  async create(caller: Caller, draft: MemberDraft): Promise<Member> {
    authorize(caller, 'member.write');
    const violations: FieldViolation[] = [];
    const result = validateProfile(draft.profile, today());
    if (!result.ok) violations.push(...result.violations);
    const dues = duesOf(draft, 'inService', violations);
    if (violations.length) throw validationFailed(violations);
    const profile = profileOrThrow(result);
    const org = await visibleOrganization(this.stores.organizations, caller, profile.organizationId);
    assertBranch(org);
    assertMinimumAge(profile, caller.userId);
    return this.stores.members.create({
      ...profile,
      orgPath: org.path,
      ...dues,
      history: initialHistory(profile, caller.userId),
      probationExtensions: 0,
      createdBy: caller.userId,
    });
  }

  /**
   * A member record, masked unless `reveal` gives a reason and the caller may see national ID
   * numbers; every unmasked read is recorded with who, why and when. A plain member reads the
   * record linked to their own account, and no other.
   */
  async get(caller: Caller, id: string, reveal?: { reason: string }): Promise<{ member: Member; revealed: boolean }> {
    const { members, users } = this.stores;
    if (!can(caller.roles, 'member.read') && can(caller.roles, 'member.readSelf') && !reveal) {
      const account = await users.find(caller.userId);
      if (!account?.memberId || account.memberId !== id) throw memberNotFound(id)();
      return { member: await members.get(id), revealed: false };
    }
    authorize(caller, 'member.read');
    const member = await visibleMember(members, caller, id);
    if (!reveal) return { member, revealed: false };
    if (!can(caller.roles, 'member.readNationalId')) {
      throw permissionDenied('ACCESS_DENIED', 'not allowed to member.readNationalId', { action: 'member.readNationalId' });
    }
    const reason = reveal.reason.trim();
    if (reason.length < 2 || reason.length > 200)
      throw validationFailed([{ field: 'revealReason', problem: 'say why the full number is needed (2 to 200 characters)' }]);
    await members.recordEvent(member, {
      type: memberEvents.nationalIdRevealed,
      actor: caller.userId,
      orgPath: member.orgPath,
      subjectId: member.id,
      data: { reason },
    });
    return { member, revealed: true };
  }

  /**
   * A page of members: by keyset (a page token, or the first page) in the order of organisation
   * path, name and id, or by offset for `page` above 1 without a token (kept for callers that
   * number pages; it reads every member before the page). The total only when asked.
   */
  async list(
    caller: Caller,
    query: MemberListQuery,
    page: { page: number; size: number; pageToken: string; withTotal: boolean; deadlineMs: number },
  ): Promise<MemberPage> {
    authorize(caller, 'member.read');
    if (query.name.length > 50) throw validationFailed([{ field: 'name', problem: 'must be at most 50 characters' }]);
    const after = page.pageToken ? decodePageToken(page.pageToken) : undefined;
    const root = query.organizationId
      ? await visibleOrganization(this.stores.organizations, caller, query.organizationId)
      : await this.callerRoot(caller);
    const filter = {
      scope: root.path,
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.name.trim() ? { namePrefix: query.name.trim() } : {}),
      ...(query.gender ? { gender: query.gender } : {}),
    };
    if (!after && page.page > 1) {
      const offset = await this.stores.members.list(filter, page.page, page.size);
      return { items: offset.items, ...(page.withTotal ? { total: offset.total } : {}) };
    }
    // A token from another scope (or a path that moved) starts where its path sorts in this one.
    const nodes = this.stores.organizations.preorder(root, after?.orgPath ?? '');
    const result = await this.stores.members.listAfter(nodes, filter, after, page.size, {
      deadlineMs: page.deadlineMs,
      withTotal: page.withTotal,
    });
    return {
      items: result.items,
      ...(result.next ? { nextPageToken: encodePageToken(result.next) } : {}),
      ...(result.total !== undefined ? { total: result.total } : {}),
    };
  }

  /** The node of the caller's scope ('/' for a superAdmin: every top-level committee below it). */
  private async callerRoot(caller: Caller): Promise<Pick<Organization, 'id' | 'path'>> {
    const path = scopeOf(caller);
    if (path === '/') return { id: '', path: '/' };
    const id = path.split('/').filter(Boolean).pop() ?? '';
    const org = await this.stores.organizations.find(id);
    if (!org || org.path !== path) return { id, path };
    return org;
  }

  /** Changes the named fields; a member moves by transfer and advances by pipeline steps. */
  async update(caller: Caller, id: string, fields: readonly MemberField[], draft: MemberDraft, expectedRevision: number): Promise<Member> {
    authorize(caller, 'member.write');
    const { members } = this.stores;
    const current = await visibleMember(members, caller, id);
    assertRevision(expectedRevision, current, 'member');
    if (fields.includes('organizationId')) {
      throw failedPrecondition('MEMBER_USE_TRANSFER', 'a member changes organisation through a transfer (POST /api/v1/transfers)');
    }
    if (fields.includes('stage')) {
      throw failedPrecondition('MEMBER_USE_STAGE_STEP', 'the stage changes one pipeline step at a time (POST /api/v1/members/:id/stage)');
    }
    const violations: FieldViolation[] = [];
    const patch: Record<string, unknown> = {};
    const changes: Partial<Member> = {};
    for (const field of fields) {
      if (field === 'duesCategory' || field === 'duesIncomeFen') continue;
      // An empty phone clears it.
      if (field === 'phone' && !draft.profile.phone) patch.phone = null;
      else patch[field] = draft.profile[field];
    }
    if (fields.includes('duesCategory') || fields.includes('duesIncomeFen')) {
      const dues = duesOf(
        fields.includes('duesIncomeFen') ? draft : { ...draft, duesIncomeFen: current.duesIncomeFen },
        current.duesCategory,
        violations,
      );
      if (fields.includes('duesCategory')) changes.duesCategory = dues.duesCategory;
      if (fields.includes('duesIncomeFen')) changes.duesIncomeFen = dues.duesIncomeFen;
    }
    const result = validateProfilePatch(patch, profileOf(current), today());
    if (!result.ok) violations.push(...result.violations);
    if (violations.length) throw validationFailed(violations);
    const profile = profileOrThrow(result);
    for (const field of fields)
      if (field in profile || field === 'phone') (changes as Record<string, unknown>)[field] = profile[field as keyof MemberProfile];
    if (changes.nationalId && changes.nationalId !== current.nationalId && (await members.existingNationalIds([changes.nationalId])).size) {
      throw failedPrecondition('MEMBER_NATIONAL_ID_TAKEN', 'a member with this national ID number is already recorded');
    }
    return members.save(current, changes, [
      { type: memberEvents.updated, actor: caller.userId, orgPath: current.orgPath, subjectId: current.id, data: { changed: [...fields] } },
    ]);
  }

  /** One step of the development pipeline, by its rules (order, periods, approvals). */
  async changeStage(caller: Caller, id: string, change: Omit<StageChange, 'approvedBy'>, expectedRevision: number): Promise<Member> {
    authorize(caller, 'member.stage');
    const { members } = this.stores;
    const current = await visibleMember(members, caller, id);
    assertRevision(expectedRevision, current, 'member');
    const next = applyStageChange(pipelineOf(current), { ...change, approvedBy: caller.userId }, today());
    const keyDate = stageKeyDate[next.stage];
    const extension = next.probationExtensions > current.probationExtensions;
    const keyDates = keyDate && !extension ? { ...current.keyDates, [keyDate]: change.date } : current.keyDates;
    return members.save(current, { stage: next.stage, history: next.history, probationExtensions: next.probationExtensions, keyDates }, [
      {
        type: memberEvents.stageChanged,
        actor: caller.userId,
        orgPath: current.orgPath,
        subjectId: current.id,
        data: { from: current.stage, to: next.stage, date: change.date, decisionRef: change.decisionRef, extension },
      },
    ]);
  }
}
