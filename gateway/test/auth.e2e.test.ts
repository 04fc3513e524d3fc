/**
 * Sign-in through REST against the real member service: the bootstrap command, login,
 * lockout, refresh-token rotation, logout, changing one's password, changing a user's roles and
 * organisation, and what the gateway does with bad tokens.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signAccessToken } from '@repo/access';
import { repoRoot, stackEnv, streamEvents, waitFor } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
const adminPassword = 'Bootstrap-Pa55word';

beforeAll(async () => {
  platform = await startPlatform({
    AUTH_LOCKOUT_THRESHOLD: '3',
    AUTH_LOCKOUT_SECONDS: '2',
    AUTH_ACCESS_TTL_SECONDS: '60',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
  });
});

afterAll(async () => {
  await platform?.stop();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;
const login = (userName: string, password: string) => call('POST', '/api/v1/auth/login', {}, { userName, password });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The bootstrap command, run as an operator would, against this test's database. */
async function bootstrap(password: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot(), 'services/member/dist/bootstrap.js'), '--user', 'root-admin'],
      {
        env: { ...process.env, MONGO_URL: stackEnv(platform.namespace).MONGO_URL, BOOTSTRAP_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' },
      },
    );
    return { code: 0, output: stdout };
  } catch (err) {
    const failure = err as { code: number; stderr: string };
    return { code: failure.code, output: failure.stderr };
  }
}

describe('bootstrap and sign-in', () => {
  test('the first administrator comes from the bootstrap command, with a password that passes the policy, once', async () => {
    const weak = await bootstrap('short');
    expect(weak.code).toBe(2);
    expect(weak.output).toMatch(/password/);
    const created = await bootstrap(adminPassword);
    expect(created.code).toBe(0);
    expect(created.output).toMatch(/created superAdmin "root-admin"/);
    const again = await bootstrap(adminPassword);
    expect(again.code).toBe(3);
    expect(again.output).toMatch(/already exists/);
  });

  test('login answers tokens; the access token works and says who it is for', async () => {
    const response = await login('root-admin', adminPassword);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', user: { userName: 'root-admin', roles: ['superAdmin'], orgPath: '/' } });
    expect(response.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const me = await call('GET', '/api/v1/auth/me', auth(response.body.accessToken));
    expect(me.body).toMatchObject({ roles: ['superAdmin'], orgPath: '/' });
  });

  test('a wrong password and an unknown user get the same answer', async () => {
    const wrong = await login('root-admin', 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  test('bad login bodies are 400 naming the field', async () => {
    const missing = await call('POST', '/api/v1/auth/login', {}, { userName: 'root-admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toHaveProperty(['body.password']);
    const extra = await call('POST', '/api/v1/auth/login', {}, { userName: 'a', password: 'b', remember: true });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toHaveProperty(['body.remember']);
  });
});

describe('lockout', () => {
  let adminToken: string;
  let userId: string;

  beforeAll(async () => {
    adminToken = (await login('root-admin', adminPassword)).body.accessToken;
    const created = await call('POST', '/api/v1/users', auth(adminToken), {
      userName: 'li.wei',
      displayName: '李伟',
      password: 'Li-Wei-2026-pass',
      roles: ['inspector'],
    });
    // Only a superAdmin may be created without a node; an inspector needs one.
    expect(created.status).toBe(400);
    expect(created.body.error.details).toHaveProperty(['organizationId']);
    const org = await call('POST', '/api/v1/organizations', auth(adminToken), { name: '中共江川省纪委机关委员会', kind: 'committee' });
    expect(org.status).toBe(201);
    const user = await call('POST', '/api/v1/users', auth(adminToken), {
      userName: 'li.wei',
      displayName: '李伟',
      password: 'Li-Wei-2026-pass',
      roles: ['inspector'],
      organizationId: org.body.id,
    });
    expect(user.status).toBe(201);
    userId = user.body.id;
  });

  test('repeated failures lock the account, even for the right password, until the lock ends or an admin lifts it', async () => {
    expect((await login('li.wei', 'wrong-1')).status).toBe(401);
    expect((await login('li.wei', 'wrong-2')).status).toBe(401);
    const locking = await login('li.wei', 'wrong-3');
    expect(locking.status).toBe(429);
    expect(locking.body.error.code).toBe('AUTH_ACCOUNT_LOCKED');
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await login('li.wei', 'Li-Wei-2026-pass');
    expect(right.status).toBe(429);

    const unlocked = await call('POST', `/api/v1/users/${userId}/unlock`, auth(adminToken));
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    expect((await login('li.wei', 'Li-Wei-2026-pass')).status).toBe(200);
  });

  test('a lock ends by itself after its time', async () => {
    for (const attempt of [1, 2, 3]) await login('li.wei', `wrong-${attempt}`);
    expect((await login('li.wei', 'Li-Wei-2026-pass')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await login('li.wei', 'Li-Wei-2026-pass')).status).toBe(200);
  });
});

describe('tokens', () => {
  test('refresh rotates: the new pair works, the old refresh token does not, and reusing it ends the session', async () => {
    const first = (await login('root-admin', adminPassword)).body;
    const second = await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await call('GET', '/api/v1/auth/me', auth(second.body.accessToken))).status).toBe(200);

    const replayed = await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: first.refreshToken });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('AUTH_REFRESH_INVALID');
    // The replay revoked the session: the newest refresh token is dead too.
    expect((await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: second.body.refreshToken })).status).toBe(401);
  });

  test('after logout the refresh token is refused', async () => {
    const session = (await login('root-admin', adminPassword)).body;
    expect((await call('POST', '/api/v1/auth/logout', {}, { refreshToken: session.refreshToken })).status).toBe(204);
    const refused = await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: session.refreshToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('AUTH_REFRESH_INVALID');
    // Logging out twice is harmless.
    expect((await call('POST', '/api/v1/auth/logout', {}, { refreshToken: session.refreshToken })).status).toBe(204);
  });

  test('expired, tampered, foreign and malformed access tokens are 401, never public access', async () => {
    const identity = { userId: 'u-1', roles: ['superAdmin'], orgPath: '/', sessionId: 's-1' };
    const expired = await signAccessToken(identity, { secret: tokenSecret, ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const valid = await signAccessToken(identity, { secret: tokenSecret, ttlSeconds: 60 });
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, org: '/x/' })).toString('base64url'), signature].join('.');
    const foreign = await signAccessToken(identity, { secret: 'another-secret-another-secret-another-secret', ttlSeconds: 60 });

    const cases: [string, Record<string, string>, string][] = [
      ['expired', auth(expired), 'AUTH_TOKEN_EXPIRED'],
      ['tampered', auth(tampered), 'AUTH_TOKEN_INVALID'],
      ['foreign', auth(foreign), 'AUTH_TOKEN_INVALID'],
      ['garbage', auth('not.a.token'), 'AUTH_TOKEN_INVALID'],
      ['not bearer', { authorization: `Basic ${valid}` }, 'AUTH_TOKEN_INVALID'],
    ];
    for (const [name, headers, code] of cases) {
      // A public route too: a bad token is an error, not a downgrade to anonymous.
      for (const url of ['/api/v1/organizations', '/api/v1/documents']) {
        const response = await call('GET', url, headers);
        expect({ name, url, status: response.status, code: response.body.error?.code }).toEqual({ name, url, status: 401, code });
      }
    }
  });
});

describe("changing one's password", () => {
  const password = 'Zhao-Min-2026-pass';
  let adminToken: string;

  beforeAll(async () => {
    adminToken = (await login('root-admin', adminPassword)).body.accessToken;
    const org = await call('POST', '/api/v1/organizations', auth(adminToken), { name: '中共江川省委组织部机关委员会', kind: 'committee' });
    const user = await call('POST', '/api/v1/users', auth(adminToken), {
      userName: 'zhao.min',
      displayName: '赵敏',
      password,
      roles: ['orgAdmin'],
      organizationId: org.body.id,
    });
    expect(user.status).toBe(201);
  });

  test('needs the current password and a new one that passes the policy; wrong guesses lock like failed logins', async () => {
    const session = (await login('zhao.min', password)).body;
    const change = (body: unknown, token = session.accessToken) => call('POST', '/api/v1/auth/password', auth(token), body);

    expect((await call('POST', '/api/v1/auth/password', {}, { currentPassword: password, newPassword: 'Zhao-Min-2027-pass' })).status).toBe(
      401,
    );
    const weak = await change({ currentPassword: password, newPassword: 'only-lower-case-letters' });
    expect({ status: weak.status, code: weak.body.error.code }).toEqual({ status: 400, code: 'AUTH_PASSWORD_POLICY' });
    expect(weak.body.error.details).toHaveProperty(['newPassword']);
    const same = await change({ currentPassword: password, newPassword: password });
    expect(same.status).toBe(400);
    expect(same.body.error.details).toHaveProperty(['newPassword']);
    const missing = await change({ newPassword: 'Zhao-Min-2027-pass' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toHaveProperty(['body.currentPassword']);

    // The lockout threshold here is 3: two wrong guesses answer 403, the third locks the account.
    for (const attempt of [1, 2]) {
      const wrong = await change({ currentPassword: `wrong-${attempt}`, newPassword: 'Zhao-Min-2027-pass' });
      expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 403, code: 'AUTH_CURRENT_PASSWORD_WRONG' });
    }
    const locking = await change({ currentPassword: 'wrong-3', newPassword: 'Zhao-Min-2027-pass' });
    expect({ status: locking.status, code: locking.body.error.code }).toEqual({ status: 429, code: 'AUTH_ACCOUNT_LOCKED' });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
  });

  test('ends every other session, keeps the caller signed in, and only the new password signs in', async () => {
    const phone = (await login('zhao.min', password)).body;
    const laptop = (await login('zhao.min', password)).body;
    const changed = await call('POST', '/api/v1/auth/password', auth(laptop.accessToken), {
      currentPassword: password,
      newPassword: 'Zhao-Min-2027-pass',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.user.userName).toBe('zhao.min');

    // The other sessions cannot refresh any more, nor can the caller's old one; the new one can.
    expect((await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: phone.refreshToken })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: laptop.refreshToken })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: changed.body.refreshToken })).status).toBe(200);
    expect((await call('GET', '/api/v1/auth/me', auth(changed.body.accessToken))).status).toBe(200);

    expect((await login('zhao.min', password)).status).toBe(401);
    expect((await login('zhao.min', 'Zhao-Min-2027-pass')).status).toBe(200);
    const events = await waitFor(
      async () => {
        const found = (await streamEvents(platform.namespace, 'member.user.passwordChanged')).filter(
          (e) => e.subjectId === changed.body.user.id,
        );
        return found.length === 1 ? found : undefined;
      },
      { what: 'the passwordChanged event' },
    );
    // The event says who and from where, never the password.
    expect(JSON.stringify(events)).not.toMatch(/Zhao-Min/);
  });
});

describe('changing a user', () => {
  let adminToken: string;
  let provinceAdmin: { token: string; id: string };
  let cityA: string;
  let cityB: string;
  let outside: string;
  let clerk: string;

  beforeAll(async () => {
    adminToken = (await login('root-admin', adminPassword)).body.accessToken;
    const org = async (name: string, parentId?: string) =>
      (await call('POST', '/api/v1/organizations', auth(adminToken), { name, kind: 'committee', ...(parentId ? { parentId } : {}) })).body
        .id as string;
    const province = await org('中共江川省直机关工作委员会');
    cityA = await org('中共江川省直机关第一工委', province);
    cityB = await org('中共江川省直机关第二工委', province);
    outside = await org('中共江川省国资委委员会');
    const user = async (userName: string, roles: string[], organizationId: string) => {
      const created = await call('POST', '/api/v1/users', auth(adminToken), {
        userName,
        displayName: userName,
        password: 'Changing-Users-2026',
        roles,
        organizationId,
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const provinceAdminId = await user('sun.li', ['orgAdmin'], province);
    provinceAdmin = { id: provinceAdminId, token: (await login('sun.li', 'Changing-Users-2026')).body.accessToken };
    clerk = await user('zhou.qing', ['member'], cityA);
  });

  const patch = (id: string, body: unknown, token = provinceAdmin.token) => call('PATCH', `/api/v1/users/${id}`, auth(token), body);

  test('an orgAdmin changes roles, name and node within scope; the new roles arrive with the next refresh', async () => {
    const before = await login('zhou.qing', 'Changing-Users-2026');
    expect(before.body.user.roles).toEqual(['member']);
    const changed = await patch(clerk, { roles: ['secretary', 'member'], displayName: '周青', organizationId: cityB });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ roles: ['secretary', 'member'], displayName: '周青', organizationId: cityB });
    const refreshed = await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: before.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const me = await call('GET', '/api/v1/auth/me', auth(refreshed.body.accessToken));
    expect(me.body.roles).toEqual(['secretary', 'member']);
    expect(me.body.orgPath).toBe(changed.body.orgPath);
    const events = await waitFor(
      async () => {
        const found = (await streamEvents(platform.namespace, 'member.user.updated')).filter((e) => e.subjectId === clerk);
        return found.length === 1 ? found : undefined;
      },
      { what: 'the user.updated event' },
    );
    expect(events[0]).toMatchObject({ actor: provinceAdmin.id, data: { rolesBefore: ['member'], roles: ['secretary', 'member'] } });
  });

  test("refusals: superAdmin not grantable by an orgAdmin, no change of one's own roles, nodes and users out of scope, bad bodies", async () => {
    const superAdmin = await patch(clerk, { roles: ['superAdmin'] });
    expect({ status: superAdmin.status, code: superAdmin.body.error.code }).toEqual({ status: 403, code: 'ACCESS_ROLE_NOT_GRANTABLE' });
    const own = await patch(provinceAdmin.id, { roles: ['orgAdmin', 'inspector'] });
    expect({ status: own.status, code: own.body.error.code }).toEqual({ status: 403, code: 'USER_OWN_ROLES' });
    // The name of one's own account may change.
    expect((await patch(provinceAdmin.id, { displayName: '孙立' })).status).toBe(200);

    const away = await patch(clerk, { organizationId: outside });
    expect(away.status).toBe(400);
    expect(away.body.error.details).toHaveProperty(['organizationId']);
    const nowhere = await patch(clerk, { organizationId: '' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.details).toHaveProperty(['organizationId']);

    const stranger = (
      await call('POST', '/api/v1/users', auth(adminToken), {
        userName: 'wu.gang',
        displayName: '吴刚',
        password: 'Changing-Users-2026',
        roles: ['member'],
        organizationId: outside,
      })
    ).body.id;
    const hidden = await patch(stranger, { displayName: '吴钢' });
    expect({ status: hidden.status, code: hidden.body.error.code }).toEqual({ status: 404, code: 'USER_NOT_FOUND' });

    for (const body of [{}, { roles: [] }, { roles: ['king'] }, { displayName: '' }, { password: 'x' }]) {
      const bad = await patch(clerk, body);
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
    }
    // A member has no user.manage at all.
    const member = (await login('zhou.qing', 'Changing-Users-2026')).body.accessToken;
    expect((await patch(clerk, { displayName: 'x' }, member)).status).toBe(403);
    // Nothing of the refused changes was stored.
    const stored = await call('GET', `/api/v1/users/${clerk}`, auth(adminToken));
    expect(stored.body).toMatchObject({ roles: ['secretary', 'member'], organizationId: cityB, displayName: '周青' });
  });

  test('a disabled user signs in no more; a stale revision is 409; enabling restores the account', async () => {
    const current = (await call('GET', `/api/v1/users/${clerk}`, auth(adminToken))).body;
    const disabled = await patch(clerk, { disabled: true, expectedRevision: current.revision });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ disabled: true, revision: current.revision + 1 });
    const refused = await login('zhou.qing', 'Changing-Users-2026');
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'AUTH_ACCOUNT_DISABLED' });
    const stale = await patch(clerk, { disabled: false, expectedRevision: current.revision });
    expect({ status: stale.status, code: stale.body.error.code }).toEqual({ status: 409, code: 'STALE_REVISION' });
    expect((await patch(clerk, { disabled: false })).body.disabled).toBe(false);
    expect((await login('zhou.qing', 'Changing-Users-2026')).status).toBe(200);
  });
});
