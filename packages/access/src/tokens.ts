/**
 * Access tokens: JWTs signed with HS256 through `jose`, which pins the algorithm, checks the
 * signature before any claim, refuses unknown critical headers and applies the clock tolerance.
 * Refresh tokens are opaque random strings; only their hashes are stored.
 */
import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { unauthenticated, type DomainError } from '@repo/errors';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { parseRoles, type Role } from './roles';
import { isValidOrgPath, type Caller } from './scope';

export const tokenIssuer = 'partybuilding';
export const tokenAudience = 'partybuilding-api';
/** HS256 is only as strong as its key: at least as many bytes as the hash output. */
export const minSecretBytes = 32;
export const defaultClockSkewSeconds = 30;
// Far above any real token; bounds the work a garbage header can cause.
const maxTokenLength = 8192;
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type TokenSecret = string | Buffer;

/** Who the token speaks for. */
export interface AccessTokenSubject {
  userId: string;
  roles: readonly string[];
  /** Materialised path of the user's node, or empty when the user has none. */
  orgPath: string;
  /** The login session (refresh token family) the token belongs to, so logout can end it. */
  sessionId: string;
}

export interface AccessTokenClaims {
  sub: string;
  roles: Role[];
  org: string;
  sid: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  iss: typeof tokenIssuer;
  aud: typeof tokenAudience;
}

export interface SignAccessTokenOptions {
  secret: TokenSecret;
  ttlSeconds: number;
  now?: Date;
}

export interface VerifyAccessTokenOptions {
  secret: TokenSecret;
  now?: Date;
  /** Tolerated clock difference between signer and verifier; default 30 s. */
  clockSkewSeconds?: number;
  /**
   * The longest lifetime the verifier accepts, whatever `exp` says: a token issued with a longer
   * one (a leaked signing key, a misconfigured signer) is refused once it is older than this.
   */
  maxLifetimeSeconds?: number;
}

/**
 * Throws a RangeError for a secret shorter than 32 bytes. A weak key is a configuration
 * mistake, not the caller's: call this when loading configuration so the process stops early.
 */
export function assertTokenSecret(secret: TokenSecret): void {
  const length = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret.length;
  if (length < minSecretBytes) {
    throw new RangeError(`access token secret must be at least ${minSecretBytes} bytes, got ${length}`);
  }
}

const keys = new Map<TokenSecret, KeyObject>();

function keyOf(secret: TokenSecret): KeyObject {
  assertTokenSecret(secret);
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
    // A process uses one or two secrets; the bound only guards against a caller that makes many.
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The claims of a new token; shared by the signer here and the testbed's synchronous one. */
export function accessTokenClaims(subject: AccessTokenSubject, ttlSeconds: number, now = new Date()): AccessTokenClaims {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  if (!nonEmptyString(subject.userId)) throw new RangeError('access token needs a user id');
  if (!nonEmptyString(subject.sessionId)) throw new RangeError('access token needs a session id');
  if (subject.orgPath !== '' && !isValidOrgPath(subject.orgPath)) {
    throw new RangeError(`not an organisation path: ${JSON.stringify(subject.orgPath)}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  return {
    sub: subject.userId,
    roles: parseRoles(subject.roles),
    org: subject.orgPath,
    sid: subject.sessionId,
    iat,
    exp: iat + ttlSeconds,
    iss: tokenIssuer,
    aud: tokenAudience,
  };
}

export async function signAccessToken(subject: AccessTokenSubject, options: SignAccessTokenOptions): Promise<string> {
  const key = keyOf(options.secret);
  const { sub, iat, exp, iss, aud, ...rest } = accessTokenClaims(subject, options.ttlSeconds, options.now);
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setIssuer(iss)
    .setAudience(aud)
    .sign(key);
}

function invalid(reason: string): DomainError {
  return unauthenticated('AUTH_TOKEN_INVALID', `access token is invalid: ${reason}`);
}

/**
 * Checks the token and returns its claims, or throws unauthenticated: AUTH_TOKEN_EXPIRED for a
 * genuine token past its lifetime, AUTH_TOKEN_INVALID for anything else. The signature is
 * checked before any claim, so whoever sends a forged token learns only "invalid".
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  const key = keyOf(options.secret);
  const skew = options.clockSkewSeconds ?? defaultClockSkewSeconds;
  if (!Number.isFinite(skew) || skew < 0) throw new RangeError(`clockSkewSeconds must be >= 0, got ${skew}`);
  // Three segments of strict base64url (no padding, no other characters), before jose sees it.
  if (typeof token !== 'string' || token.length > maxTokenLength || !compactJws.test(token)) throw invalid('malformed');

  const now = options.now ?? new Date();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      // Only HS256: never 'none', never an algorithm picked by the token itself.
      algorithms: ['HS256'],
      typ: 'JWT',
      issuer: tokenIssuer,
      audience: tokenAudience,
      clockTolerance: skew,
      currentDate: now,
      requiredClaims: ['sub', 'iat', 'exp'],
      ...(options.maxLifetimeSeconds ? { maxTokenAge: options.maxLifetimeSeconds + skew } : {}),
    }));
  } catch (err) {
    // jose checks the signature first: only a genuine token can be "expired".
    if (err instanceof joseErrors.JWTExpired) {
      const exp = (err.payload as { exp?: unknown }).exp;
      throw unauthenticated('AUTH_TOKEN_EXPIRED', 'access token has expired', {
        ...(typeof exp === 'number' ? { expiredAt: new Date(exp * 1000).toISOString() } : {}),
      });
    }
    if (err instanceof joseErrors.JOSEError)
      throw invalid(err.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'bad signature' : 'malformed or refused claims');
    throw invalid('malformed');
  }
  const claims = claimsOf(payload);
  if (!claims) throw invalid('missing or malformed claims');
  // jose accepts an iat in the future; a token from beyond the skew was not issued by our clock.
  if (claims.iat > now.getTime() / 1000 + skew) throw invalid('not yet valid');
  return claims;
}

/** The claims when every one is present and well formed; the roles keep known names only. */
function claimsOf(payload: JWTPayload): AccessTokenClaims | undefined {
  const { sub, roles, org, sid, iat, exp, iss, aud } = payload as Record<string, unknown>;
  if (!nonEmptyString(sub) || !nonEmptyString(sid)) return undefined;
  if (typeof org !== 'string' || (org !== '' && !isValidOrgPath(org))) return undefined;
  if (!Array.isArray(roles) || !(roles as unknown[]).every((role) => typeof role === 'string')) return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || exp <= iat) return undefined;
  if (iss !== tokenIssuer || aud !== tokenAudience) return undefined;
  return { sub, roles: parseRoles(roles as string[]), org, sid, iat, exp, iss, aud };
}

/** The caller a verified token speaks for, in the shape services receive. */
export function callerFromClaims(claims: AccessTokenClaims): Caller {
  return { userId: claims.sub, roles: claims.roles, orgPath: claims.org };
}

/** A new opaque refresh token: 32 random bytes, base64url. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 hex of a token, for storage and lookup. Refresh tokens are random and long, so a
 * fast unsalted hash suffices: a leaked table cannot be turned back into usable tokens.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
