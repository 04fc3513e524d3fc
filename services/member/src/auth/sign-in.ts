/** Signing in: login with lockout, refresh-token rotation, logout, changing one's own password. */
import {
  assertPasswordPolicy,
  hashPassword,
  hashToken,
  isAnonymous,
  needsRehash,
  newRefreshToken,
  rootOrgPath,
  signAccessToken,
  verifyPassword,
  type Caller,
} from '@repo/access';
import { DomainError, permissionDenied, unauthenticated, validationFailed, type FieldViolation } from '@repo/errors';
import type { Job } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { MemberConfig } from '../config';
import { isLocked, registerFailure, type LockoutPolicy, type LockoutState } from '../domain/lockout';
import { userEvents } from '../events/types';
import type { MemberStores } from '../store';
import type { LoginFailures } from '../store/login-failures';
import type { User } from '../store/users';

export type { User };

export type AuthPolicy = Pick<
  MemberConfig,
  | 'AUTH_TOKEN_SECRET'
  | 'AUTH_ACCESS_TTL_SECONDS'
  | 'AUTH_REFRESH_TTL_SECONDS'
  | 'AUTH_LOCKOUT_THRESHOLD'
  | 'AUTH_LOCKOUT_WINDOW_SECONDS'
  | 'AUTH_LOCKOUT_SECONDS'
>;

export interface TokenPair {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface SignedIn {
  tokens: TokenPair;
  user: User;
}

const invalidCredentials = () => unauthenticated('AUTH_INVALID_CREDENTIALS', 'user name or password is wrong');
const invalidRefresh = () => unauthenticated('AUTH_REFRESH_INVALID', 'refresh token is not valid; sign in again');

function locked(until: string): DomainError {
  const retryAfter = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  return new DomainError('resourceExhausted', 'AUTH_ACCOUNT_LOCKED', `too many failed logins; try again after ${until}`, {
    lockedUntil: until,
    retryAfterSeconds: String(retryAfter),
  });
}

function checkSecret(violations: FieldViolation[], field: string, value: string): void {
  if (!value || value.length > 256) violations.push({ field, problem: 'must be 1 to 256 characters' });
}

// Verifying against this when the user does not exist keeps the answer time the same, so
// timing does not tell which user names exist.
const decoyHash = hashPassword('decoy password that matches nothing 8f3a');

export class SignIn {
  private readonly lockout: LockoutPolicy;

  constructor(
    private readonly stores: Pick<MemberStores, 'users' | 'sessions' | 'loginFailures' | 'organizations'>,
    private readonly policy: AuthPolicy,
    private readonly logger: Logger,
  ) {
    this.lockout = {
      threshold: policy.AUTH_LOCKOUT_THRESHOLD,
      windowSeconds: policy.AUTH_LOCKOUT_WINDOW_SECONDS,
      lockSeconds: policy.AUTH_LOCKOUT_SECONDS,
    };
  }

  /**
   * Checks the password and starts a session. Failures count towards a lock, for names without
   * an account too, so neither the answer nor the lock tells which names exist. A hash made with
   * older parameters is replaced while the password is at hand.
   */
  async login(input: { userName: string; password: string; clientIp: string }): Promise<SignedIn> {
    const violations: FieldViolation[] = [];
    if (!input.userName || input.userName.length > 64) violations.push({ field: 'userName', problem: 'must be 1 to 64 characters' });
    checkSecret(violations, 'password', input.password);
    if (violations.length) throw validationFailed(violations);

    const { users } = this.stores;
    const now = new Date();
    const user = await users.findByName(input.userName);
    if (!user) return this.noSuchAccount(input.userName, input.password, now);
    if (isLocked(user, now)) throw locked(user.lockedUntil!);
    if (!(await verifyPassword(input.password, user.passwordHash)))
      throw await this.passwordFailed(user, now, input.clientIp, invalidCredentials);
    // Told only to whoever knows the password.
    if (user.disabled) throw permissionDenied('AUTH_ACCOUNT_DISABLED', 'this account is disabled');
    const rehashed = needsRehash(user.passwordHash) ? { passwordHash: await hashPassword(input.password) } : {};
    await users.recordLogin(user, { failures: [], lockedUntil: null, ...rehashed }, [
      { type: userEvents.loggedIn, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { clientIp: input.clientIp } },
    ]);
    return { tokens: await this.startSession(user, now), user };
  }

  /** Rotates the refresh token; a rotated-away one coming back ends the whole session. */
  async refresh(refreshToken: string): Promise<SignedIn> {
    if (!refreshToken) throw validationFailed([{ field: 'refreshToken', problem: 'is required' }]);
    const { sessions, users } = this.stores;
    const found = await sessions.findByToken(hashToken(refreshToken));
    if (!found) throw invalidRefresh();
    const { session, current } = found;
    if (!current) {
      // Someone holds a copy of a token already used.
      await sessions.revoke(session.id, 'refresh token reused');
      this.logger.warn({ sessionId: session.id, userId: session.userId }, 'refresh token reuse; session revoked');
      throw invalidRefresh();
    }
    if (session.revokedAt || Date.parse(session.expiresAt) <= Date.now()) throw invalidRefresh();
    // A disabled, deleted or locked account gets no new access token: the last one runs out.
    const user = await users.find(session.userId);
    if (!user || user.disabled || isLocked(user, new Date())) throw invalidRefresh();
    const next = newRefreshToken();
    const refreshExpires = new Date(Date.now() + this.policy.AUTH_REFRESH_TTL_SECONDS * 1000);
    if (!(await sessions.rotate(session, hashToken(next), refreshExpires))) throw invalidRefresh();
    return { tokens: await this.issueTokens(user, session.id, next, refreshExpires), user };
  }

  async logout(refreshToken: string): Promise<void> {
    if (!refreshToken) throw validationFailed([{ field: 'refreshToken', problem: 'is required' }]);
    const { sessions, users } = this.stores;
    const found = await sessions.findByToken(hashToken(refreshToken));
    // Logging out twice, or with an unknown token, is not an error worth telling a client about.
    if (!found || found.session.revokedAt) return;
    await sessions.revoke(found.session.id, 'logout');
    const user = await users.find(found.session.userId);
    if (user)
      await users.recordLogin(user, {}, [
        { type: userEvents.loggedOut, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { sessionId: found.session.id } },
      ]);
  }

  /** Wrong guesses lock like failed logins; on success every other session ends. */
  async changePassword(caller: Caller, input: { currentPassword: string; newPassword: string; clientIp: string }): Promise<SignedIn> {
    if (isAnonymous(caller)) throw unauthenticated('AUTH_REQUIRED', 'sign in to change your password');
    const violations: FieldViolation[] = [];
    checkSecret(violations, 'currentPassword', input.currentPassword);
    if (!input.newPassword || input.newPassword.length > 256) checkSecret(violations, 'newPassword', input.newPassword);
    else if (input.newPassword === input.currentPassword)
      violations.push({ field: 'newPassword', problem: 'must differ from the current password' });
    if (violations.length) throw validationFailed(violations);
    const { users, sessions } = this.stores;
    const user = await users.find(caller.userId);
    // The token outlived its account, or the account was disabled since.
    if (!user || user.disabled) throw unauthenticated('AUTH_REQUIRED', 'sign in again');
    const now = new Date();
    if (isLocked(user, now)) throw locked(user.lockedUntil!);
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      throw await this.passwordFailed(user, now, input.clientIp, () =>
        permissionDenied('AUTH_CURRENT_PASSWORD_WRONG', 'the current password is wrong'),
      );
    }
    assertPasswordPolicy(input.newPassword, { userName: user.userName }, 'newPassword');
    await users.recordLogin(user, { passwordHash: await hashPassword(input.newPassword), failures: [], lockedUntil: null }, [
      { type: userEvents.passwordChanged, actor: user.id, orgPath: user.orgPath, subjectId: user.id, data: { clientIp: input.clientIp } },
    ]);
    // Whoever else knew the old password is signed out everywhere; this caller continues.
    await sessions.revokeAllOf(user.id, 'password changed');
    return { tokens: await this.startSession(user, now), user };
  }

  /** A name without an account: the same work, the same answers and the same lock as a real one. */
  private async noSuchAccount(userName: string, password: string, now: Date): Promise<never> {
    const { loginFailures } = this.stores;
    const state = await loginFailures.stateOf(userName);
    if (isLocked(state, now)) throw locked(state.lockedUntil!);
    await verifyPassword(password, await decoyHash);
    const next = registerFailure(state, now, this.lockout);
    await loginFailures.save(userName, next, this.expiryOf(next, now));
    throw next.locked ? locked(next.lockedUntil!) : invalidCredentials();
  }

  /** When a failure record stops mattering: its lock ends, or its latest failure leaves the window. */
  private expiryOf(state: LockoutState, now: Date): Date {
    const windowEnd = now.getTime() + this.lockout.windowSeconds * 1000;
    return new Date(Math.max(windowEnd, state.lockedUntil ? Date.parse(state.lockedUntil) : 0));
  }

  /**
   * Records a wrong password (towards the lockout) and answers the error to throw: the lock
   * when this failure locked the account, else `wrong`.
   */
  private async passwordFailed(user: User, now: Date, clientIp: string, wrong: () => DomainError): Promise<DomainError> {
    const base = { actor: user.id, orgPath: user.orgPath, subjectId: user.id };
    const next = registerFailure(user, now, this.lockout);
    await this.stores.users.recordLogin(user, { failures: next.failures, lockedUntil: next.lockedUntil }, [
      { ...base, type: userEvents.loginFailed, data: { clientIp } },
      ...(next.locked ? [{ ...base, type: userEvents.locked, data: { until: next.lockedUntil, clientIp } }] : []),
    ]);
    return next.locked ? locked(next.lockedUntil!) : wrong();
  }

  /** A new session for the user and its first tokens. */
  private async startSession(user: User, now: Date): Promise<TokenPair> {
    const refreshToken = newRefreshToken();
    const refreshExpires = new Date(now.getTime() + this.policy.AUTH_REFRESH_TTL_SECONDS * 1000);
    const session = await this.stores.sessions.create(user.id, hashToken(refreshToken), refreshExpires);
    return this.issueTokens(user, session.id, refreshToken, refreshExpires);
  }

  private async issueTokens(user: User, sessionId: string, refreshToken: string, refreshExpires: Date): Promise<TokenPair> {
    const now = new Date();
    const accessToken = await signAccessToken(
      { userId: user.id, roles: user.roles, orgPath: await this.currentOrgPath(user), sessionId },
      { secret: this.policy.AUTH_TOKEN_SECRET, ttlSeconds: this.policy.AUTH_ACCESS_TTL_SECONDS, now },
    );
    return {
      accessToken,
      accessExpiresAt: new Date(now.getTime() + this.policy.AUTH_ACCESS_TTL_SECONDS * 1000).toISOString(),
      refreshToken,
      refreshExpiresAt: refreshExpires.toISOString(),
    };
  }

  /** The user's node path now (a subtree may have moved since the account was made). */
  private async currentOrgPath(user: User): Promise<string> {
    if (!user.organizationId) return user.roles.includes('superAdmin') ? rootOrgPath : '';
    return (await this.stores.organizations.find(user.organizationId))?.path ?? '';
  }
}

/** Removes the failure records of names without an account once they say nothing any more. */
export function loginFailurePurge(loginFailures: LoginFailures): Job {
  return { name: 'login-failures-purge', everyMs: 3_600_000, run: async (now) => ({ purged: await loginFailures.purge(now) }) };
}
