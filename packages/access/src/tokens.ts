/**
 * Access tokens: compact JWS with HS256 (a JWT), signed and checked with node:crypto only.
 * Refresh tokens are opaque random strings; only their hashes are stored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { unauthenticated, type DomainError } from '@repo/errors';
import { parseRoles, type Role } from './roles';
import { isValidOrgPath, type Caller } from './scope';

export const tokenIssuer = 'partybuilding';
export const tokenAudience = 'partybuilding-api';
/** HS256 is only as strong as its key: at least as many bytes as the hash output. */
export const minSecretBytes = 32;
export const defaultClockSkewSeconds = 30;
// Far above any real token; bounds the work a garbage header can cause.
const maxTokenLength = 8192;

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

const headerSegment = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function mac(secret: TokenSecret, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput, 'ascii').digest();
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function signAccessToken(subject: AccessTokenSubject, options: SignAccessTokenOptions): string {
  assertTokenSecret(options.secret);
  if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${options.ttlSeconds}`);
  }
  if (!nonEmptyString(subject.userId)) throw new RangeError('access token needs a user id');
  if (!nonEmptyString(subject.sessionId)) throw new RangeError('access token needs a session id');
  if (subject.orgPath !== '' && !isValidOrgPath(subject.orgPath)) {
    throw new RangeError(`not an organisation path: ${JSON.stringify(subject.orgPath)}`);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: AccessTokenClaims = {
    sub: subject.userId,
    roles: parseRoles(subject.roles),
    org: subject.orgPath,
    sid: subject.sessionId,
    iat,
    exp: iat + options.ttlSeconds,
    iss: tokenIssuer,
    aud: tokenAudience,
  };
  const signingInput = `${headerSegment}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${mac(options.secret, signingInput).toString('base64url')}`;
}

function invalid(reason: string): DomainError {
  return unauthenticated('AUTH_TOKEN_INVALID', `access token is invalid: ${reason}`);
}

/** Strict base64url: the alphabet only, no padding, and canonical (re-encodes to itself). */
function decodeSegment(segment: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeSegment(segment);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the token and returns its claims, or throws unauthenticated: AUTH_TOKEN_EXPIRED for a
 * genuine token past its lifetime, AUTH_TOKEN_INVALID for anything else. The signature is
 * checked before any claim, so whoever sends a forged token learns only "invalid".
 */
export function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): AccessTokenClaims {
  assertTokenSecret(options.secret);
  const skew = options.clockSkewSeconds ?? defaultClockSkewSeconds;
  if (!Number.isFinite(skew) || skew < 0) throw new RangeError(`clockSkewSeconds must be >= 0, got ${skew}`);

  if (typeof token !== 'string' || token.length > maxTokenLength) throw invalid('malformed');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = decodeJsonObject(headerPart);
  if (!header) throw invalid('malformed header');
  // Only HS256: never 'none', never an algorithm picked by the token itself.
  if (header.alg !== 'HS256') throw invalid('unsupported algorithm');
  if (header.typ !== undefined && header.typ !== 'JWT') throw invalid('unsupported type');
  // RFC 7515: critical extensions we do not understand make the token unusable.
  if (header.crit !== undefined) throw invalid('unsupported critical header');

  const signature = decodeSegment(signaturePart);
  const expected = mac(options.secret, `${headerPart}.${payloadPart}`);
  if (!signature || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw invalid('bad signature');
  }

  const payload = decodeJsonObject(payloadPart);
  const claims = payload && claimsOf(payload);
  if (!claims) throw invalid('missing or malformed claims');

  const now = (options.now ?? new Date()).getTime() / 1000;
  const { nbf } = payload;
  if (claims.iat > now + skew) throw invalid('not yet valid');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + skew)) throw invalid('not yet valid');
  if (now >= claims.exp + skew) {
    throw unauthenticated('AUTH_TOKEN_EXPIRED', 'access token has expired', {
      expiredAt: new Date(claims.exp * 1000).toISOString(),
    });
  }
  return claims;
}

/** The claims when every one is present and well formed; the roles keep known names only. */
function claimsOf(payload: Record<string, unknown>): AccessTokenClaims | undefined {
  const { sub, roles, org, sid, iat, exp, iss, aud } = payload;
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
