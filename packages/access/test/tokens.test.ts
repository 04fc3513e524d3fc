import { createHmac } from 'node:crypto';
import { DomainError } from '@repo/errors';
import {
  accessTokenClaims,
  callerFromClaims,
  hashToken,
  newRefreshToken,
  signAccessToken,
  verifyAccessToken,
  type AccessTokenSubject,
} from '../src';

const secret = 'k'.repeat(32);
const issuedAt = new Date('2024-05-01T08:00:00Z');
const later = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);
const subject: AccessTokenSubject = { userId: 'u42', roles: ['secretary', 'member'], orgPath: '/a1/b7/', sessionId: 's9' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string, key = secret) => createHmac('sha256', key).update(input).digest('base64url');
// Built by hand (HS256 over the same claims), so the cases below can be declared synchronously.
const tokenInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(accessTokenClaims(subject, 900, issuedAt))}`;
const token = `${tokenInput}.${sign(tokenInput)}`;

async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) {
      expect(err.kind).toBe('unauthenticated');
      return err.code;
    }
    throw err;
  }
  throw new Error('expected the token to be refused');
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('signAccessToken / verifyAccessToken', () => {
  test('round trip returns the claims', async () => {
    const claims = await verifyAccessToken(token, { secret, now: later(60) });
    expect(claims).toEqual({
      sub: 'u42',
      roles: ['secretary', 'member'],
      org: '/a1/b7/',
      sid: 's9',
      iat: issuedAt.getTime() / 1000,
      exp: issuedAt.getTime() / 1000 + 900,
      iss: 'partybuilding',
      aud: 'partybuilding-api',
    });
    expect(callerFromClaims(claims)).toEqual({ userId: 'u42', roles: ['secretary', 'member'], orgPath: '/a1/b7/' });
  });

  test('signed through jose: a compact JWS with an HS256 JWT header that verifies', async () => {
    const signed = await signAccessToken(subject, { secret, ttlSeconds: 900, now: issuedAt });
    expect(await verifyAccessToken(signed, { secret, now: later(60) })).toEqual(await verifyAccessToken(token, { secret, now: later(60) }));
    const [header] = signed.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8'))).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('unknown roles are not signed', async () => {
    const jwt = await signAccessToken({ ...subject, roles: ['member', 'root'] }, { secret, ttlSeconds: 60, now: issuedAt });
    expect(payloadOf(jwt).roles).toEqual(['member']);
  });

  test('expiry allows the clock skew and no more', async () => {
    await expect(verifyAccessToken(token, { secret, now: later(900 + 29), clockSkewSeconds: 30 })).resolves.toBeDefined();
    expect(await codeOf(() => verifyAccessToken(token, { secret, now: later(900 + 30), clockSkewSeconds: 30 }))).toBe('AUTH_TOKEN_EXPIRED');
    expect(await codeOf(() => verifyAccessToken(token, { secret, now: later(900), clockSkewSeconds: 0 }))).toBe('AUTH_TOKEN_EXPIRED');
    await expect(verifyAccessToken(token, { secret, now: later(899), clockSkewSeconds: 0 })).resolves.toBeDefined();
  });

  test('a token issued in the future beyond the skew is not yet valid', async () => {
    expect(await codeOf(() => verifyAccessToken(token, { secret, now: later(-31), clockSkewSeconds: 30 }))).toBe('AUTH_TOKEN_INVALID');
    await expect(verifyAccessToken(token, { secret, now: later(-30), clockSkewSeconds: 30 })).resolves.toBeDefined();
  });

  test('a tampered payload is refused', async () => {
    const [header, , signature] = token.split('.');
    const payload = b64({ ...payloadOf(token), roles: ['superAdmin'] });
    expect(await codeOf(() => verifyAccessToken(`${header}.${payload}.${signature}`, { secret, now: later(1) }))).toBe(
      'AUTH_TOKEN_INVALID',
    );
  });

  test('a tampered signature is refused', async () => {
    const [header, payload, signature = ''] = token.split('.');
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = `${header}.${payload}.${flipped.toString('base64url')}`;
    expect(await codeOf(() => verifyAccessToken(tampered, { secret, now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
    expect(await codeOf(() => verifyAccessToken(`${header}.${payload}.${signature.slice(0, -2)}`, { secret, now: later(1) }))).toBe(
      'AUTH_TOKEN_INVALID',
    );
  });

  test("alg 'none' is refused, with or without a signature", async () => {
    const payload = token.split('.')[1];
    const header = b64({ alg: 'none', typ: 'JWT' });
    expect(await codeOf(() => verifyAccessToken(`${header}.${payload}.`, { secret, now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
    expect(await codeOf(() => verifyAccessToken(`${header}.${payload}.${sign(`${header}.${payload}`)}`, { secret, now: later(1) }))).toBe(
      'AUTH_TOKEN_INVALID',
    );
  });

  test.each(['HS384', 'HS512', 'RS256', 'hs256', 'NONE'])('alg %s is refused even when correctly MACed', async (alg) => {
    const header = b64({ alg, typ: 'JWT' });
    const payload = token.split('.')[1];
    const input = `${header}.${payload}`;
    expect(await codeOf(() => verifyAccessToken(`${input}.${sign(input)}`, { secret, now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
  });

  test('a token signed with another secret is refused', async () => {
    expect(await codeOf(() => verifyAccessToken(token, { secret: 'x'.repeat(32), now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
  });

  test('a secret shorter than 32 bytes is a configuration error on both sides', async () => {
    await expect(signAccessToken(subject, { secret: 'short', ttlSeconds: 60 })).rejects.toThrow(RangeError);
    await expect(verifyAccessToken(token, { secret: 'k'.repeat(31) })).rejects.toThrow(RangeError);
    await expect(verifyAccessToken(token, { secret: Buffer.alloc(31) })).rejects.toThrow(RangeError);
    // Bytes, not characters: 11 Chinese characters are 33 bytes of UTF-8.
    await expect(signAccessToken(subject, { secret: '党'.repeat(11), ttlSeconds: 60 })).resolves.toBeDefined();
  });

  test.each([
    '',
    'garbage',
    'a.b',
    'a.b.c.d',
    '...',
    `${token}x`,
    `${token}=`,
    token.replace('.', '+.'),
    `x${token}`,
    'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln',
    'W10.e30.c2ln',
    'a'.repeat(10000),
  ])('garbage %# is invalid, never a crash', async (garbage) => {
    expect(await codeOf(() => verifyAccessToken(garbage, { secret, now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
  });

  test('a correctly signed token missing claims or with wrong ones is invalid', async () => {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const full = payloadOf(token);
    const variants: Record<string, unknown>[] = [
      { ...full, sub: undefined },
      { ...full, sub: '' },
      { ...full, sid: undefined },
      { ...full, roles: 'member' },
      { ...full, roles: [1] },
      { ...full, org: '/a1' },
      { ...full, exp: undefined },
      { ...full, exp: '9999999999' },
      { ...full, exp: full.iat },
      { ...full, iss: 'someone-else' },
      { ...full, aud: 'other-api' },
      { ...full, nbf: (full.iat as number) + 600 },
    ];
    for (const claims of variants) {
      const input = `${header}.${b64(claims)}`;
      expect(await codeOf(() => verifyAccessToken(`${input}.${sign(input)}`, { secret, now: later(1) }))).toBe('AUTH_TOKEN_INVALID');
    }
  });

  test('a forged expired token is invalid, not expired', async () => {
    expect(await codeOf(() => verifyAccessToken(token, { secret: 'x'.repeat(32), now: later(100000) }))).toBe('AUTH_TOKEN_INVALID');
  });

  test('bad signing input is a programming error', async () => {
    await expect(signAccessToken(subject, { secret, ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(signAccessToken({ ...subject, userId: '' }, { secret, ttlSeconds: 60 })).rejects.toThrow(RangeError);
    await expect(signAccessToken({ ...subject, orgPath: 'a1' }, { secret, ttlSeconds: 60 })).rejects.toThrow(RangeError);
  });
});

describe('refresh tokens', () => {
  test('are 32 random bytes in base64url', async () => {
    const first = newRefreshToken();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(first);
  });

  test('are stored as their sha256 hex', async () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
