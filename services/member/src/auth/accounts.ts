/** User accounts: create, read, list, change (name, roles, node, member record, disabled), unlock. */
import { assertCanAssignRoles, assertPasswordPolicy, authorize, hashPassword, rootOrgPath, visible, type Caller } from '@repo/access';
import type { Page } from '@repo/db';
import { notFound, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { userEvents } from '../events/types';
import { subtreeOf } from '../organizations/scope';
import type { MemberStores } from '../store';
import type { User } from '../store/users';

export const userUpdatable = ['displayName', 'roles', 'organizationId', 'memberId', 'disabled'] as const;
export type UserField = (typeof userUpdatable)[number];

export interface AccountInput {
  displayName: string;
  roles: string[];
  organizationId: string;
  /** The user's own member record; '' for none. */
  memberId: string;
}

const userNotFound = (id: string) => () => notFound('USER_NOT_FOUND', `user ${id} not found`, { id });
const noSuch = (field: string, what: string, id: string) => () => validationFailed([{ field, problem: `no ${what} ${id}` }]);

function checkDisplayName(violations: FieldViolation[], value: string): string {
  const displayName = value.trim();
  if (displayName.length < 1 || displayName.length > 50) violations.push({ field: 'displayName', problem: 'must be 1 to 50 characters' });
  return displayName;
}

export class Accounts {
  constructor(private readonly stores: Pick<MemberStores, 'users' | 'sessions' | 'organizations' | 'members'>) {}

  async create(caller: Caller, input: AccountInput & { userName: string; password: string }): Promise<User> {
    authorize(caller, 'user.manage');
    assertCanAssignRoles(caller, input.roles);
    const violations: FieldViolation[] = [];
    if (!/^[A-Za-z0-9_.-]{3,64}$/.test(input.userName))
      violations.push({ field: 'userName', problem: 'must be 3 to 64 letters, digits, _ . or -' });
    const displayName = checkDisplayName(violations, input.displayName);
    if (input.roles.length === 0) violations.push({ field: 'roles', problem: 'must name at least one role' });
    if (!input.organizationId && !input.roles.includes('superAdmin'))
      violations.push({ field: 'organizationId', problem: 'is required except for a superAdmin' });
    if (violations.length) throw validationFailed(violations);
    assertPasswordPolicy(input.password, { userName: input.userName });
    const orgPath = input.organizationId ? (await this.nodeFor(caller, input.organizationId)).path : rootOrgPath;
    if (input.memberId) await this.assertMemberVisible(caller, input.memberId);
    return this.stores.users.create({
      userName: input.userName,
      displayName,
      passwordHash: await hashPassword(input.password),
      roles: [...new Set(input.roles)],
      organizationId: input.organizationId,
      orgPath,
      memberId: input.memberId,
      createdBy: caller.userId,
    });
  }

  async get(caller: Caller, id: string): Promise<User> {
    authorize(caller, 'user.read');
    return this.visibleUser(caller, id);
  }

  async list(caller: Caller, organizationId: string, page: { page: number; size: number }): Promise<Page<User>> {
    authorize(caller, 'user.read');
    return this.stores.users.list(await subtreeOf(this.stores.organizations, caller, organizationId), page.page, page.size);
  }

  /**
   * Changes the named fields. Nobody changes their own roles or disables themselves; disabling
   * is as privileged as taking the user's roles away, and ends every session of theirs at once.
   */
  async update(
    caller: Caller,
    id: string,
    fields: readonly UserField[],
    input: AccountInput & { disabled: boolean },
    expectedRevision: number,
  ): Promise<User> {
    authorize(caller, 'user.manage');
    const user = await this.visibleUser(caller, id);
    assertRevision(expectedRevision, user, 'user');
    const changes: Parameters<MemberStores['users']['update']>[1] = {};
    const violations: FieldViolation[] = [];
    if (fields.includes('displayName')) changes.displayName = checkDisplayName(violations, input.displayName);
    if (fields.includes('roles')) {
      if (input.roles.length === 0) violations.push({ field: 'roles', problem: 'must name at least one role' });
      else changes.roles = [...new Set(input.roles)];
    }
    if (violations.length) throw validationFailed(violations);
    if (fields.includes('organizationId') && input.organizationId !== user.organizationId) {
      const org = input.organizationId ? await this.nodeFor(caller, input.organizationId) : null;
      changes.organizationId = org?.id ?? '';
      changes.orgPath = org?.path ?? rootOrgPath;
    }
    if (fields.includes('memberId') && input.memberId !== user.memberId) {
      if (input.memberId) await this.assertMemberVisible(caller, input.memberId);
      changes.memberId = input.memberId;
    }
    const disabling = fields.includes('disabled') && input.disabled !== user.disabled;
    if (disabling) changes.disabled = input.disabled;
    if (changes.roles || disabling) {
      if (user.id === caller.userId)
        throw permissionDenied('USER_OWN_ROLES', 'nobody changes their own roles or disables themselves', { id: user.id });
      // An orgAdmin can neither unmake nor shut out a superAdmin.
      assertCanAssignRoles(caller, changes.roles ?? [], user.roles);
    }
    const roles = changes.roles ?? user.roles;
    if (!(changes.organizationId ?? user.organizationId) && !roles.includes('superAdmin')) {
      throw validationFailed([{ field: 'organizationId', problem: 'is required except for a superAdmin' }]);
    }
    const orgPath = changes.orgPath ?? user.orgPath;
    const updated = await this.stores.users.update(user, changes, [
      {
        type: userEvents.updated,
        actor: caller.userId,
        orgPath,
        subjectId: user.id,
        data: {
          changed: Object.keys(changes),
          ...(changes.roles ? { rolesBefore: user.roles, roles: changes.roles } : {}),
          ...(changes.organizationId !== undefined
            ? { organizationIdBefore: user.organizationId, organizationId: changes.organizationId }
            : {}),
          ...(changes.memberId !== undefined ? { memberIdBefore: user.memberId, memberId: changes.memberId } : {}),
        },
      },
      ...(disabling
        ? [{ type: input.disabled ? userEvents.disabled : userEvents.enabled, actor: caller.userId, orgPath, subjectId: user.id, data: {} }]
        : []),
    ]);
    if (changes.disabled) await this.stores.sessions.revokeAllOf(user.id, 'account disabled');
    return updated;
  }

  async unlock(caller: Caller, id: string): Promise<User> {
    authorize(caller, 'user.manage');
    const user = await this.visibleUser(caller, id);
    await this.stores.users.recordLogin(user, { failures: [], lockedUntil: null }, [
      { type: userEvents.unlocked, actor: caller.userId, orgPath: user.orgPath, subjectId: user.id, data: {} },
    ]);
    return { ...user, failures: [], lockedUntil: null };
  }

  private async visibleUser(caller: Caller, id: string): Promise<User> {
    return visible(caller, id ? await this.stores.users.find(id) : null, (user) => user.orgPath, userNotFound(id));
  }

  /** The node a user is placed at: in the caller's scope, or a 400 naming the field. */
  private async nodeFor(caller: Caller, organizationId: string) {
    return visible(
      caller,
      await this.stores.organizations.find(organizationId),
      (org) => org.path,
      noSuch('organizationId', 'organization', organizationId),
    );
  }

  /**
   * Linking a member record lets the user read it as their own, so the record must be one the
   * caller may see: otherwise an administrator of one city could read another city's members.
   */
  private async assertMemberVisible(caller: Caller, memberId: string): Promise<void> {
    visible(caller, await this.stores.members.find(memberId), (member) => member.orgPath, noSuch('memberId', 'member', memberId));
  }
}
