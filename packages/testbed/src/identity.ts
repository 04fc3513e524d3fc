/**
 * Access tokens for tests, benchmarks and the demo seed, signed with the same secret the
 * platform verifies. Development only: production tokens come from POST /api/v1/auth/login.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { accessTokenClaims } from '@repo/access';
import { repoRoot } from './paths';

export interface TestIdentity {
  userId: string;
  roles: string[];
  orgPath: string;
}

export function randomSecret(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * The local platform's signing secret: `.local/auth-token-secret`, created on first use, so
 * `npm start` and `npm run seed` agree and tokens survive a restart.
 */
export function localTokenSecret(): string {
  const file = join(repoRoot(), '.local/auth-token-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomSecret(), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * An access token for the identity, signed synchronously (so tests can declare their callers at
 * the top of a file): the same HS256 JWT and claims as the member service signs through jose,
 * which the gateway's jose verifier accepts. Development only.
 */
export function testAccessToken(identity: TestIdentity, secret: string, ttlSeconds = 3_600, now = new Date()): string {
  const { sub, ...claims } = accessTokenClaims({ ...identity, sessionId: `test-${identity.userId}` }, ttlSeconds, now);
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment({ sub, ...claims })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `Authorization` header of a signed access token for the identity. */
export function bearer(identity: TestIdentity, secret: string, ttlSeconds = 3_600): { authorization: string } {
  return { authorization: `Bearer ${testAccessToken(identity, secret, ttlSeconds)}` };
}
