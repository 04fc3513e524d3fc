/** Accounts, login with lockout, refresh-token rotation, logout. */
import {
  assertCanAssignRoles,
  assertPasswordPolicy,
  hashPassword,
  hashToken,
  isAnonymous,
  newRefreshToken,
  rootOrgPath,
  signAccessToken,
  verifyPassword,
} from '@repo/access';
import { DomainError, permissionDenied, unauthenticated, validationFailed, type FieldViolation } from '@repo/errors';
import { unary, pageOf } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import type * as pb from '@repo/proto/member/v1';
import type { MemberConfig } from '../config';
import { isLocked, registerFailure } from '../domain/lockout';
import type { OrganizationRepository } from '../store/organizations';
import { type SessionRepository, type User, type UserRepository } from '../store/users';
import { assertInScope, authorize, callerOf, paging, scopeOf } from './context';
import { toProtoUser } from './mapping';
import { userEvents } from '../events/types';

export interface AuthDeps {
  users: UserRepository;
  sessions: SessionRepository;
  organizations: OrganizationRepository;
  config: Pick<
    MemberConfig,
    'AUTH_TOKEN_SECRET' | 'AUTH_ACCESS_TTL_SECONDS' | 'AUTH_REFRESH_TTL_SECONDS' | 'AUTH_LOCKOUT_THRESHOLD' | 'AUTH_LOCKOUT_WINDOW_SECONDS' | 'AUTH_LOCKOUT_SECONDS'
  >;
  logger: Logger;
}

const invalidCredentials = () => unauthenticated('AUTH_INVALID_CREDENTIALS', 'user name or password is wrong');
const invalidRefresh = () => unauthenticated('AUTH_REFRESH_INVALID', 'refresh token is not valid; sign in again');
const userNotFound = (id: string) => () => new DomainError('notFound', 'USER_NOT_FOUND', `user ${id} not found`, { id });

function locked(until: string): DomainError {
  const retryAfter = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  return new DomainError('resourceExhausted', 'AUTH_ACCOUNT_LOCKED', `too many failed logins; try again after ${until}`, {
    lockedUntil: until,
    retryAfterSeconds: String(retryAfter),
  });
}

// Verifying against this when the user does not exist keeps the answer time the same, so
// timing does not tell which user names exist.
const decoyHash = hashPassword('decoy password that matches nothing 8f3a');

export function authHandlers({ users, sessions, organizations, config, logger }: AuthDeps): pb.AuthServiceServer {
  const policy = { threshold: config.AUTH_LOCKOUT_THRESHOLD, windowSeconds: config.AUTH_LOCKOUT_WINDOW_SECONDS, lockSeconds: config.AUTH_LOCKOUT_SECONDS };

  /** The user's node path now (a subtree may have moved since the account was made). */
  async function currentOrgPath(user: User): Promise<string> {
    if (!user.organizationId) return user.roles.includes('superAdmin') ? rootOrgPath : '';
    return (await organizations.find(user.organizationId))?.path ?? '';
  }

  async function issueTokens(user: User, sessionId: string, refreshToken: string, refreshExpires: Date): Promise<pb.TokenPair> {
    const now = new Date();
    const accessToken = signAccessToken(
      { userId: user.id, roles: user.roles, orgPath: await currentOrgPath(user), sessionId },
      { secret: config.AUTH_TOKEN_SECRET, ttlSeconds: config.AUTH_ACCESS_TTL_SECONDS, now },
    );
    return {
      accessToken,
      accessExpiresAt: new Date(now.getTime() + config.AUTH_ACCESS_TTL_SECONDS * 1000).toISOString(),
      refreshToken,
      refreshExpiresAt: refreshExpires.toISOString(),
    };
  }

  /**
   * Records a wrong password (towards the lockout) and answers the error to throw: the lock
   * when this failure locked the account, else `wrong`.
   */
  async function passwordFailed(user: User, now: Date, clientIp: string, wrong: () => DomainError): Promise<DomainError> {
    const base = { actor: user.id, orgPath: user.orgPath, subjectId: user.id };
    const next = registerFailure(user, now, policy);
    await users.recordLogin(user, { failures: next.failures, lockedUntil: next.lockedUntil }, [
      { ...base, type: userEvents.loginFailed, data: { clientIp } },
      ...(next.locked ? [{ ...base, type: userEvents.locked, data: { until: next.lockedUntil, clientIp } }] : []),
    ]);
    return next.locked ? locked(next.lockedUntil!) : wrong();
  }

  /** A new session for the user and its first tokens. */
  async function startSession(user: User, now: Date): Promise<pb.TokenPair> {
    const refreshToken = newRefreshToken();
    const refreshExpires = new Date(now.getTime() + config.AUTH_REFRESH_TTL_SECONDS * 1000);
    const session = await sessions.create(user.id, hashToken(refreshToken), refreshExpires);
    return issueTokens(user, session.id, refreshToken, refreshExpires);
  }

  return {
    login: unary(logger, async (request: pb.LoginRequest) => {
      const violations: FieldViolation[] = [];
      if (!request.userName || request.userName.length > 64) violations.push({ field: 'userName', problem: 'must be 1 to 64 characters' });
      if (!request.password || request.password.length > 256) violations.push({ field: 'password', problem: 'must be 1 to 256 characters' });
      if (violations.length) throw validationFailed(violations);

      const user = await users.findByName(request.userName);
      if (!user) {
        await verifyPassword(request.password, await decoyHash);
        throw invalidCredentials();
      }
      const now = new Date();
      if (isLocked(user, now)) throw locked(user.lockedUntil!);
      if (!(await verifyPassword(request.password, user.passwordHash))) throw await passwordFailed(user, now, request.clientIp, invalidCredentials);
      await users.recordLogin(user, { failures: [], lockedUntil: null }, [
        { type: userEvents.loggedIn, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { clientIp: request.clientIp } },
      ]);
      return { tokens: await startSession(user, now), user: toProtoUser(user) };
    }),

    changePassword: unary(logger, async (request: pb.ChangePasswordRequest, context) => {
      const caller = callerOf(context);
      if (isAnonymous(caller)) throw unauthenticated('AUTH_REQUIRED', 'sign in to change your password');
      const violations: FieldViolation[] = [];
      if (!request.currentPassword || request.currentPassword.length > 256) violations.push({ field: 'currentPassword', problem: 'must be 1 to 256 characters' });
      if (!request.newPassword || request.newPassword.length > 256) violations.push({ field: 'newPassword', problem: 'must be 1 to 256 characters' });
      else if (request.newPassword === request.currentPassword) violations.push({ field: 'newPassword', problem: 'must differ from the current password' });
      if (violations.length) throw validationFailed(violations);
      const user = await users.find(caller.userId);
      // The token outlived its account.
      if (!user) throw unauthenticated('AUTH_REQUIRED', 'sign in again');
      const now = new Date();
      if (isLocked(user, now)) throw locked(user.lockedUntil!);
      if (!(await verifyPassword(request.currentPassword, user.passwordHash))) {
        throw await passwordFailed(user, now, request.clientIp, () => permissionDenied('AUTH_CURRENT_PASSWORD_WRONG', 'the current password is wrong'));
      }
      assertPasswordPolicy(request.newPassword, { userName: user.userName }, 'newPassword');
      await users.recordLogin(user, { passwordHash: await hashPassword(request.newPassword), failures: [], lockedUntil: null }, [
        { type: userEvents.passwordChanged, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { clientIp: request.clientIp } },
      ]);
      // Whoever else knew the old password is signed out everywhere; this caller continues.
      await sessions.revokeAllOf(user.id, 'password changed');
      return { tokens: await startSession(user, now), user: toProtoUser(user) };
    }),

    refresh: unary(logger, async (request: pb.RefreshRequest) => {
      if (!request.refreshToken) throw validationFailed([{ field: 'refreshToken', problem: 'is required' }]);
      const found = await sessions.findByToken(hashToken(request.refreshToken));
      if (!found) throw invalidRefresh();
      const { session, current } = found;
      if (!current) {
        // A rotated-away token came back: someone holds a copy. End the whole session.
        await sessions.revoke(session.id, 'refresh token reused');
        logger.warn({ sessionId: session.id, userId: session.userId }, 'refresh token reuse; session revoked');
        throw invalidRefresh();
      }
      if (session.revokedAt || Date.parse(session.expiresAt) <= Date.now()) throw invalidRefresh();
      const user = await users.find(session.userId);
      if (!user || isLocked(user, new Date())) throw invalidRefresh();
      const refreshToken = newRefreshToken();
      const refreshExpires = new Date(Date.now() + config.AUTH_REFRESH_TTL_SECONDS * 1000);
      if (!(await sessions.rotate(session, hashToken(refreshToken), refreshExpires))) throw invalidRefresh();
      return { tokens: await issueTokens(user, session.id, refreshToken, refreshExpires), user: toProtoUser(user) };
    }),

    logout: unary(logger, async (request: pb.LogoutRequest) => {
      if (!request.refreshToken) throw validationFailed([{ field: 'refreshToken', problem: 'is required' }]);
      const found = await sessions.findByToken(hashToken(request.refreshToken));
      // Logging out twice, or with an unknown token, is not an error worth telling a client about.
      if (found && !found.session.revokedAt) {
        await sessions.revoke(found.session.id, 'logout');
        const user = await users.find(found.session.userId);
        if (user) await users.recordLogin(user, {}, [{ type: userEvents.loggedOut, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { sessionId: found.session.id } }]);
      }
      return {};
    }),

    createUser: unary(logger, async (request: pb.CreateUserRequest, context) => {
      const caller = authorize(context, 'user.manage');
      assertCanAssignRoles(caller, request.roles);
      const violations: FieldViolation[] = [];
      if (!/^[A-Za-z0-9_.-]{3,64}$/.test(request.userName)) violations.push({ field: 'userName', problem: 'must be 3 to 64 letters, digits, _ . or -' });
      const displayName = request.displayName.trim();
      if (displayName.length < 1 || displayName.length > 50) violations.push({ field: 'displayName', problem: 'must be 1 to 50 characters' });
      if (request.roles.length === 0) violations.push({ field: 'roles', problem: 'must name at least one role' });
      if (!request.organizationId && !request.roles.includes('superAdmin')) violations.push({ field: 'organizationId', problem: 'is required except for a superAdmin' });
      if (violations.length) throw validationFailed(violations);
      assertPasswordPolicy(request.password, { userName: request.userName });
      let orgPath = rootOrgPath;
      if (request.organizationId) {
        const org = await organizations.find(request.organizationId);
        if (!org) throw validationFailed([{ field: 'organizationId', problem: `no organization ${request.organizationId}` }]);
        assertInScope(caller, org.path, () => validationFailed([{ field: 'organizationId', problem: `no organization ${request.organizationId}` }]));
        orgPath = org.path;
      }
      const user = await users.create({
        userName: request.userName,
        displayName,
        passwordHash: await hashPassword(request.password),
        roles: [...new Set(request.roles)],
        organizationId: request.organizationId,
        orgPath,
        memberId: request.memberId,
        createdBy: caller.userId,
      });
      return { user: toProtoUser(user) };
    }),

    getUser: unary(logger, async (request: pb.GetUserRequest, context) => {
      const caller = authorize(context, 'user.read');
      const user = await users.find(request.id);
      if (!user) throw userNotFound(request.id)();
      assertInScope(caller, user.orgPath, userNotFound(request.id));
      return { user: toProtoUser(user) };
    }),

    listUsers: unary(logger, async (request: pb.ListUsersRequest, context) => {
      const caller = authorize(context, 'user.read');
      const { page, size } = pageOf(request, paging);
      let scope = scopeOf(caller);
      if (request.organizationId) {
        const org = await organizations.find(request.organizationId);
        const notFound = () => new DomainError('notFound', 'ORG_NOT_FOUND', `organization ${request.organizationId} not found`, { id: request.organizationId });
        if (!org) throw notFound();
        assertInScope(caller, org.path, notFound);
        scope = org.path;
      }
      const result = await users.list(scope, page, size);
      return { users: result.items.map(toProtoUser), page: { page, size, total: String(result.total) } };
    }),

    updateUser: unary(logger, async (request: pb.UpdateUserRequest, context) => {
      const caller = authorize(context, 'user.manage');
      const user = await users.find(request.id);
      if (!user) throw userNotFound(request.id)();
      assertInScope(caller, user.orgPath, userNotFound(request.id));
      const changes: Parameters<UserRepository['update']>[1] = {};
      const violations: FieldViolation[] = [];
      if (request.displayName !== undefined) {
        const displayName = request.displayName.trim();
        if (displayName.length < 1 || displayName.length > 50) violations.push({ field: 'displayName', problem: 'must be 1 to 50 characters' });
        else changes.displayName = displayName;
      }
      if (request.roles) {
        if (request.roles.roles.length === 0) violations.push({ field: 'roles', problem: 'must name at least one role' });
        else changes.roles = [...new Set(request.roles.roles)];
      }
      if (request.organizationId !== undefined && request.organizationId !== user.organizationId) {
        const noSuchOrg = () => validationFailed([{ field: 'organizationId', problem: `no organization ${request.organizationId}` }]);
        if (request.organizationId) {
          const org = await organizations.find(request.organizationId);
          if (!org) throw noSuchOrg();
          assertInScope(caller, org.path, noSuchOrg);
          changes.organizationId = org.id;
          changes.orgPath = org.path;
        } else {
          changes.organizationId = '';
          changes.orgPath = rootOrgPath;
        }
      }
      if (request.displayName === undefined && !request.roles && request.organizationId === undefined) {
        violations.push({ field: 'displayName', problem: 'one of displayName, roles and organizationId is required' });
      }
      if (violations.length) throw validationFailed(violations);
      if (changes.roles) {
        if (user.id === caller.userId) throw permissionDenied('USER_OWN_ROLES', 'nobody changes their own roles', { id: user.id });
        assertCanAssignRoles(caller, changes.roles, user.roles);
      }
      const roles = changes.roles ?? user.roles;
      if (!(changes.organizationId ?? user.organizationId) && !roles.includes('superAdmin')) {
        throw validationFailed([{ field: 'organizationId', problem: 'is required except for a superAdmin' }]);
      }
      const updated = await users.update(user, changes, [
        {
          type: userEvents.updated,
          actor: caller.userId,
          orgPath: changes.orgPath ?? user.orgPath,
          subjectId: user.id,
          data: { changed: Object.keys(changes), ...(changes.roles ? { rolesBefore: user.roles, roles: changes.roles } : {}), ...(changes.organizationId !== undefined ? { organizationIdBefore: user.organizationId, organizationId: changes.organizationId } : {}) },
        },
      ]);
      return { user: toProtoUser(updated) };
    }),

    unlockUser: unary(logger, async (request: pb.UnlockUserRequest, context) => {
      const caller = authorize(context, 'user.manage');
      const user = await users.find(request.id);
      if (!user) throw userNotFound(request.id)();
      assertInScope(caller, user.orgPath, userNotFound(request.id));
      await users.recordLogin(user, { failures: [], lockedUntil: null }, [
        { type: userEvents.unlocked, actor: caller.userId, orgPath: user.orgPath, subjectId: user.id, data: {} },
      ]);
      return { user: toProtoUser({ ...user, failures: [], lockedUntil: null }) };
    }),
  };
}
