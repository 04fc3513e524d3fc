/**
 * Who is signed in. The access token lives in memory only; the refresh token is an HttpOnly
 * cookie the gateway sets (/api/v1/session), so a script on the page can never read it. After a
 * reload the session is restored by one refresh, tried only when this browser signed in before
 * (a flag in localStorage that holds no secret), so visitors never spend the sign-in rate limit.
 */
import { reactive, readonly } from 'vue';
import { api, ApiError, useTokens } from './api/http';

export type Role = 'superAdmin' | 'orgAdmin' | 'secretary' | 'member' | 'inspector';

export interface User {
  id: string;
  userName: string;
  displayName: string;
  roles: Role[];
  organizationId: string;
  orgPath: string;
  memberId: string;
}

interface SessionAnswer {
  accessToken: string;
  accessExpiresAt: string;
  user: User;
}

const flag = 'pb.session';

const state = reactive({
  user: null as User | null,
  accessToken: null as string | null,
  accessExpiresAt: 0,
  restored: false,
});

export const session = readonly(state);

function adopt(answer: SessionAnswer): void {
  state.user = answer.user;
  state.accessToken = answer.accessToken;
  state.accessExpiresAt = Date.parse(answer.accessExpiresAt) || 0;
  localStorage.setItem(flag, '1');
}

function forget(): void {
  state.user = null;
  state.accessToken = null;
  state.accessExpiresAt = 0;
  localStorage.removeItem(flag);
}

let refreshing: Promise<string | null> | null = null;

/** One refresh at a time, shared by every call that needs it. */
function refresh(): Promise<string | null> {
  refreshing ??= api<SessionAnswer>('/session/refresh', { method: 'POST', anonymous: true })
    .then((answer) => {
      adopt(answer);
      return answer.accessToken;
    })
    .catch((err: unknown) => {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) forget();
      return null;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

useTokens({
  token: () => state.accessToken,
  refresh,
});

/** Restores the session after a reload, once. */
export async function restoreSession(): Promise<void> {
  if (state.restored) return;
  if (!state.accessToken && localStorage.getItem(flag) === '1') await refresh();
  state.restored = true;
}

export async function signIn(userName: string, password: string): Promise<User> {
  const answer = await api<SessionAnswer>('/session', { method: 'POST', body: { userName, password }, anonymous: true });
  adopt(answer);
  return answer.user;
}

export async function signOut(): Promise<void> {
  try {
    await api('/session', { method: 'DELETE', anonymous: true });
  } finally {
    forget();
  }
}

/**
 * Changes the signed-in user's own password. The member service then ends every session of the
 * user, this browser's cookie session among them, and answers new tokens for the caller; the
 * portal keeps no refresh token outside its cookie, so it ends that new session too and the user
 * signs in again with the new password, as on every other device.
 */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const answer = await api<{ refreshToken: string }>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
  try {
    await api('/auth/logout', { method: 'POST', body: { refreshToken: answer.refreshToken }, anonymous: true });
  } finally {
    await signOut();
  }
}

export function hasRole(...roles: Role[]): boolean {
  return !!state.user?.roles.some((role) => roles.includes(role));
}

/** Whether the signed-in user works in the console (any role but a plain member). */
export function isStaff(): boolean {
  return hasRole('superAdmin', 'orgAdmin', 'secretary', 'inspector');
}

export const roleNames: Record<Role, string> = {
  superAdmin: '超级管理员',
  orgAdmin: '组织管理员',
  secretary: '支部书记',
  member: '党员',
  inspector: '纪检监察',
};
