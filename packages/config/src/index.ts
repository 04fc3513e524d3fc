import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z, type ZodRawShape } from 'zod';
import { ConfigError } from './errors';

export { z, ConfigError };

/**
 * Reads and validates environment variables against a zod shape whose keys are the variable
 * names. A missing or wrong value throws a ConfigError naming every bad variable, so a process
 * stops at start instead of failing later.
 */
export function loadConfig<T extends ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const source: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    // An empty variable means "not set", so defaults apply.
    source[key] = value === '' ? undefined : value;
  }
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

/** Common variable types. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  address: (fallback: string) =>
    z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
      .default(fallback),
  url: (fallback: string) => z.string().url().default(fallback),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  /** A required secret (never defaulted), e.g. the token signing key. */
  secret: (minLength: number) =>
    z
      .string({ required_error: `is required: at least ${minLength} random characters` })
      .min(minLength, `must be at least ${minLength} characters`),
  /**
   * An Ed25519 private key in PEM (a variable may hold it with literal newlines or with \\n),
   * checked at start so a wrong key stops the process naming its variable.
   */
  ed25519PrivateKey: () =>
    z
      .string({ required_error: 'is required: an Ed25519 private key in PEM' })
      .transform(unescapePem)
      .refine((pem) => isEd25519(pem, 'private'), 'must be an Ed25519 private key in PEM (-----BEGIN PRIVATE KEY-----)'),
  /**
   * One or more Ed25519 public keys in PEM, one block after another: while keys rotate, the old
   * and the new one are both trusted.
   */
  ed25519PublicKeys: () =>
    z
      .string({ required_error: 'is required: one or more Ed25519 public keys in PEM' })
      .transform((value) => unescapePem(value).match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [])
      .refine(
        (pems) => pems.length > 0 && pems.every((pem) => isEd25519(pem, 'public')),
        'must be Ed25519 public keys in PEM (-----BEGIN PUBLIC KEY-----)',
      ),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix for stream, subject, index and database names, so test runs stay apart. */
  namespace: () =>
    z
      .string()
      .regex(/^[a-z][a-z0-9]*$/, 'lower case letters and digits, starting with a letter')
      .optional(),
};

function unescapePem(value: string): string {
  return value.replace(/\\n/g, '\n').trim();
}

function isEd25519(pem: string, kind: 'public' | 'private'): boolean {
  try {
    const key: KeyObject = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/** Shared by every service: where the local stack or the production servers are. */
export const commonShape = {
  LOG_LEVEL: env.logLevel(),
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/partybuilding'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  BUS_NAMESPACE: env.namespace(),
};
export { runService, type Stop } from './run';

/**
 * Every service built on the service kit: the stores, the outbox relay's sweep, the scheduled
 * jobs' tick, and the key that verifies who calls it (the gateway signs a short-lived caller
 * assertion with the matching private key; metadata without a valid one is refused).
 */
export const serviceShape = {
  ...commonShape,
  OUTBOX_SWEEP_MS: env.int(10_000, 50, 600_000),
  JOB_INTERVAL_MS: env.int(60_000, 100, 3_600_000),
  CALLER_VERIFY_KEYS: env.ed25519PublicKeys(),
};
