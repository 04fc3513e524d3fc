import { z, type ZodRawShape } from 'zod';

export { z };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates environment variables against a zod shape whose keys are the variable
 * names. A missing or wrong value throws a ConfigError naming every bad variable, so a process
 * stops at start instead of failing later.
 */
export function loadConfig<T extends ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const source: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    // An empty variable means "not set", so defaults apply.
    source[key] = value === '' ? undefined : value;
  }
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
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
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  /** A required secret (never defaulted), e.g. the token signing key. */
  secret: (minLength: number) =>
    z.string({ required_error: `is required: at least ${minLength} random characters` }).min(minLength, `must be at least ${minLength} characters`),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix for stream, subject, index and database names, so test runs stay apart. */
  namespace: () =>
    z
      .string()
      .regex(/^[a-z][a-z0-9]*$/, 'lower case letters and digits, starting with a letter')
      .optional(),
};

/** Shared by every service: where the local stack or the production servers are. */
export const commonShape = {
  LOG_LEVEL: env.logLevel(),
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/partybuilding'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  BUS_NAMESPACE: env.namespace(),
};
export { runService, type Stop } from './run';
