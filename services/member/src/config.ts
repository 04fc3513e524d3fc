import { env, loadConfig as load, serviceShape } from '@repo/config';

/** The service kit's variables (serviceShape) and the member service's own. */
export const memberConfigShape = {
  ...serviceShape,
  // The member service owns its own database.
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/partybuilding-member'),
  MEMBER_GRPC_ADDR: env.address('127.0.0.1:50052'),
  /** Signs access tokens; the gateway verifies them with the same secret. */
  AUTH_TOKEN_SECRET: env.secret(32),
  AUTH_ACCESS_TTL_SECONDS: env.int(900, 30, 86_400),
  AUTH_REFRESH_TTL_SECONDS: env.int(7 * 86_400, 60, 90 * 86_400),
  AUTH_LOCKOUT_THRESHOLD: env.int(5, 1, 100),
  AUTH_LOCKOUT_WINDOW_SECONDS: env.int(900, 1, 86_400),
  AUTH_LOCKOUT_SECONDS: env.int(900, 1, 86_400),
  /** Validity of an organisation transfer's introduction letter (介绍信). */
  TRANSFER_LETTER_DAYS: env.int(90, 1, 365),
  /** Members read and bills inserted per batch of a dues billing run; progress is written after each. */
  DUES_BILLING_BATCH: env.int(1_000, 1, 10_000),
};

export type MemberConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return load(memberConfigShape, source);
}
