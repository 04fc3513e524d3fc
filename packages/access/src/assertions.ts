/**
 * Caller assertions: how a service knows who is calling it. The gateway, having checked the
 * access token (or found none: the public), signs a short-lived assertion of the caller with an
 * Ed25519 private key that only it holds; every service verifies it with the public key and
 * refuses a call without a valid one. Plain identity metadata is never trusted, so a pod that
 * reaches a service's port directly cannot claim to be a superAdmin.
 *
 * An assertion is valid for one minute and names the services as its audience; a service that
 * calls another on behalf of the same caller passes it on unchanged.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { unauthenticated, type DomainError } from '@repo/errors';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { parseRoles } from './roles';
import { isValidOrgPath, type Caller } from './scope';

export const assertionAudience = 'partybuilding-services';
/** Long enough to be reused across a user's requests, short enough that a copy soon dies. */
export const assertionTtlSeconds = 60;
const clockSkewSeconds = 10;
const maxAssertionLength = 4096;

export interface AssertionKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A new Ed25519 key pair in PEM (npm start and the tests make their own). */
export function generateAssertionKeys(): AssertionKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function unverified(reason: string): DomainError {
  return unauthenticated('CALLER_UNVERIFIED', `the caller assertion is ${reason}; calls reach services through the gateway`);
}

/** Signs assertions; reuses one per caller while it has more than half its life left. */
export class AssertionSigner {
  private readonly key: KeyObject;
  private readonly cache = new Map<string, { assertion: string; renewAt: number }>();

  constructor(
    privateKeyPem: string,
    /** Who signs (the gateway, or a service calling as itself): the `iss` claim. */
    private readonly issuer: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey(privateKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new RangeError('the caller assertion key must be an Ed25519 private key');
  }

  async sign(caller: Caller): Promise<string> {
    const roles = parseRoles(caller.roles);
    const cacheKey = `${caller.userId}\n${roles.join(',')}\n${caller.orgPath}`;
    const nowMs = this.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.renewAt > nowMs) return cached.assertion;
    const iat = Math.floor(nowMs / 1000);
    const assertion = await new SignJWT({ uid: caller.userId, roles, org: caller.orgPath })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'caller+jwt' })
      .setIssuer(this.issuer)
      .setAudience(assertionAudience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + assertionTtlSeconds)
      .sign(this.key);
    // Bounded: one entry per active user and role set; cleared rather than evicted one by one.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, { assertion, renewAt: nowMs + (assertionTtlSeconds * 1000) / 2 });
    return assertion;
  }
}

/** Verifies assertions against the trusted public keys; remembers the ones it has checked. */
export class AssertionVerifier {
  private readonly keys: KeyObject[];
  private readonly verified = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    publicKeyPems: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.keys = publicKeyPems.map((pem) => createPublicKey(pem));
    if (this.keys.length === 0 || this.keys.some((key) => key.asymmetricKeyType !== 'ed25519')) {
      throw new RangeError('caller assertions are verified with one or more Ed25519 public keys');
    }
  }

  /** The caller the assertion speaks for, or UNAUTHENTICATED CALLER_UNVERIFIED. */
  async verify(assertion: string | undefined): Promise<Caller> {
    if (!assertion) throw unverified('missing');
    if (assertion.length > maxAssertionLength) throw unverified('malformed');
    const nowMs = this.now();
    const known = this.verified.get(assertion);
    if (known && known.expiresAt > nowMs) return known.caller;
    let lastError: unknown;
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(assertion, key, {
          algorithms: ['EdDSA'],
          typ: 'caller+jwt',
          audience: assertionAudience,
          clockTolerance: clockSkewSeconds,
          currentDate: new Date(nowMs),
          requiredClaims: ['iss', 'iat', 'exp'],
          maxTokenAge: assertionTtlSeconds + clockSkewSeconds,
        });
        const caller = callerOf(payload as Record<string, unknown>);
        if (!caller) throw unverified('malformed');
        if (this.verified.size > 10_000) this.verified.clear();
        this.verified.set(assertion, { caller, expiresAt: Math.min((payload.exp ?? 0) * 1000, nowMs + assertionTtlSeconds * 1000) });
        return caller;
      } catch (err) {
        lastError = err;
        // Another trusted key may have signed it (while keys rotate); anything else is final.
        if (!(err instanceof joseErrors.JWSSignatureVerificationFailed)) break;
      }
    }
    if (lastError instanceof joseErrors.JWTExpired) throw unverified('expired');
    if (lastError instanceof joseErrors.JWSSignatureVerificationFailed) throw unverified('not signed by a trusted key');
    throw unverified('invalid');
  }
}

function callerOf(payload: Record<string, unknown>): Caller | undefined {
  const { uid, roles, org } = payload;
  if (typeof uid !== 'string' || typeof org !== 'string') return undefined;
  if (org !== '' && !isValidOrgPath(org)) return undefined;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) return undefined;
  // The public carries no roles and no node, whatever a signer put there.
  if (uid === '') return { userId: '', roles: [], orgPath: '' };
  return { userId: uid, roles: parseRoles(roles as string[]), orgPath: org };
}
