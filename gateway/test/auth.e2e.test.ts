/**
 * Sign-in through REST against the real member service: the bootstrap command, login,
 * lockout, refresh-token rotation, logout, and what the gateway does with bad tokens.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signAccessToken } from '@repo/access';
import { repoRoot, stackEnv } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
const adminPassword = 'Bootstrap-Pa55word';

beforeAll(async () => {
  platform = await startPlatform({ AUTH_LOCKOUT_THRESHOLD: '3', AUTH_LOCKOUT_SECONDS: '2', AUTH_ACCESS_TTL_SECONDS: '60', AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
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
    const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot(), 'services/member/dist/bootstrap.js'), '--user', 'root-admin'], {
      env: { ...process.env, MONGO_URL: stackEnv(platform.namespace).MONGO_URL, BOOTSTRAP_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' },
    });
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
    const created = await call('POST', '/api/v1/users', auth(adminToken), { userName: 'li.wei', displayName: '李伟', password: 'Li-Wei-2026-pass', roles: ['inspector'] });
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
    const expired = signAccessToken(identity, { secret: tokenSecret, ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const valid = signAccessToken(identity, { secret: tokenSecret, ttlSeconds: 60 });
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, org: '/x/' })).toString('base64url'), signature].join('.');
    const foreign = signAccessToken(identity, { secret: 'another-secret-another-secret-another-secret', ttlSeconds: 60 });

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
