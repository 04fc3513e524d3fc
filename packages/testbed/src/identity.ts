/**
 * Access tokens for tests, benchmarks and the demo seed, signed with the same secret the
 * platform verifies. Development only: production tokens come from POST /api/v1/auth/login.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { signAccessToken } from '@repo/access';
import { repoRoot } from './index';

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

/** `Authorization` header of a signed access token for the identity. */
export function bearer(identity: TestIdentity, secret: string, ttlSeconds = 3_600): { authorization: string } {
  const token = signAccessToken({ ...identity, sessionId: `test-${identity.userId}` }, { secret, ttlSeconds });
  return { authorization: `Bearer ${token}` };
}
