/**
 * Password hashing with scrypt (memory-hard, in node:crypto) and the password policy.
 * Stored form: 'scrypt$N$r$p$salt$hash', salt and hash base64url, so parameters can be raised
 * later and old hashes still verify (and are rehashed at the next login, see needsRehash).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '@repo/errors';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
  /** Derived key length in bytes. */
  keyLength: number;
}

/**
 * The scrypt paper's interactive-login parameters (16 MiB, tens of ms). OWASP now suggests
 * more (N = 2^17); pass other params to raise them and needsRehash flags the old hashes.
 */
export const defaultScryptParams: Readonly<ScryptParams> = { N: 16384, r: 8, p: 1, keyLength: 32 };

const saltBytes = 16;
// Bounds for parameters read from a stored string, so a bad record cannot exhaust memory.
const maxScryptMemory = 256 * 1024 * 1024;

interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function scryptMemory(params: Pick<ScryptParams, 'N' | 'r' | 'p'>): number {
  // What OpenSSL allocates: the V array plus the B blocks.
  return 128 * params.r * (params.N + params.p + 2);
}

function validParams(params: ScryptParams): boolean {
  const { N, r, p, keyLength } = params;
  return (
    Number.isSafeInteger(N) &&
    N >= 2 &&
    (N & (N - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= 64 &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= 16 &&
    Number.isSafeInteger(keyLength) &&
    keyLength >= 16 &&
    keyLength <= 64 &&
    scryptMemory(params) <= maxScryptMemory
  );
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { N, r, p, keyLength } = params;
  // maxmem just above what the parameters need; Node's 32 MiB default would refuse a larger N.
  const maxmem = scryptMemory(params) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(normalize(password), salt, keyLength, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * NFKC, as NIST SP 800-63B advises: the same password typed with full-width characters
 * (common with Chinese input methods) or composed differently hashes the same.
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

function decodeBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function parseStored(stored: string): StoredHash | undefined {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, saltText, hashText] = parts as [string, string, string, string, string, string];
  if (![n, r, p].every((v) => /^[1-9][0-9]{0,9}$/.test(v))) return undefined;
  const salt = decodeBase64url(saltText);
  const hash = decodeBase64url(hashText);
  if (!salt || !hash || salt.length < 8) return undefined;
  const params: ScryptParams = { N: Number(n), r: Number(r), p: Number(p), keyLength: hash.length };
  return validParams(params) ? { params, salt, hash } : undefined;
}

export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  if (!validParams(params)) throw new RangeError('scrypt parameters out of range');
  const salt = randomBytes(saltBytes);
  const hash = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * True when the password matches. A stored value in an unknown or damaged format answers
 * false rather than throwing, so one bad record cannot break the login path.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed || typeof password !== 'string') return false;
  try {
    const hash = await derive(password, parsed.salt, parsed.params);
    return timingSafeEqual(hash, parsed.hash);
  } catch {
    return false;
  }
}

/** True when the stored hash is unreadable or was made with other parameters than `params`. */
export function needsRehash(stored: string, params: ScryptParams = defaultScryptParams): boolean {
  const parsed = parseStored(stored);
  if (!parsed) return true;
  const current = parsed.params;
  return (
    current.N !== params.N ||
    current.r !== params.r ||
    current.p !== params.p ||
    current.keyLength !== params.keyLength ||
    parsed.salt.length < saltBytes
  );
}

/**
 * Length first (12 to 128 characters), then composition: at least 3 of lower case, upper
 * case, digit, other. The classes are there because China's MLPS 2.0 (等保 2.0) asks for
 * password complexity; 3 of 4 rather than 4 of 4 because Chinese characters, punctuation and
 * spaces all count as "other", and forcing every class mostly produces 'Password1!'.
 */
export const passwordPolicy = { minLength: 12, maxLength: 128, minClasses: 3 } as const;

// A user name shorter than this is too common a substring to ban inside passwords.
const minUserNameToMatch = 3;

export interface PasswordPolicyContext {
  userName?: string;
}

/** The first problem with a new password, or undefined when it passes. */
export function checkPasswordPolicy(password: string, context: PasswordPolicyContext = {}): string | undefined {
  const text = normalize(password);
  // Characters, not UTF-16 units: '党' counts once, as does an emoji.
  const length = Array.from(text).length;
  if (length < passwordPolicy.minLength) return `password must be at least ${passwordPolicy.minLength} characters`;
  if (length > passwordPolicy.maxLength) return `password must be at most ${passwordPolicy.maxLength} characters`;

  const userName = normalize(context.userName ?? '')
    .trim()
    .toLowerCase();
  const lowered = text.toLowerCase();
  const matchable = Array.from(userName).length >= minUserNameToMatch;
  if (userName !== '' && (lowered === userName || (matchable && lowered.includes(userName)))) {
    return 'password must not contain the user name';
  }

  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((c) => c.test(text)).length;
  if (classes < passwordPolicy.minClasses) {
    return `password must mix at least ${passwordPolicy.minClasses} of: lower case, upper case, digits, other characters`;
  }
  return undefined;
}

/** checkPasswordPolicy as a 400 naming the password field. */
export function assertPasswordPolicy(password: string, context: PasswordPolicyContext = {}, field = 'password'): void {
  const problem = checkPasswordPolicy(password, context);
  if (problem) throw invalidArgument('AUTH_PASSWORD_POLICY', problem, { [field]: problem });
}
