import { commonShape, env, loadConfig as load, z } from '@repo/config';
import { addressVariable, defaultAddress, platformServices } from '@repo/platform';

/** Where the gateway finds each service of the platform's list: <NAME>_ADDR. */
const serviceAddresses = Object.fromEntries(
  platformServices.map((service) => [addressVariable(service.name), env.address(defaultAddress(service))]),
);

export const gatewayConfigShape = {
  LOG_LEVEL: commonShape.LOG_LEVEL,
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port(8080),
  ...serviceAddresses,
  /** Verifies access tokens; the member service signs them with the same secret. */
  AUTH_TOKEN_SECRET: env.secret(32),
  /**
   * The longest access token lifetime accepted, whatever a token's exp says (the member service
   * issues AUTH_ACCESS_TTL_SECONDS): a token of a deleted or disabled user dies within it.
   */
  AUTH_ACCESS_MAX_SECONDS: env.int(900, 30, 86_400),
  /** Signs the caller assertions services verify (CALLER_VERIFY_KEYS holds its public key). */
  CALLER_SIGNING_KEY: env.ed25519PrivateKey(),
  /** Comma separated origins allowed by CORS, or * for any. */
  CORS_ORIGINS: z.string().default('*'),
  /** Behind an ingress or load balancer: take the client address from X-Forwarded-For. */
  GATEWAY_TRUST_PROXY: env.bool(false),
  /** Requests per minute per signed-in user. */
  RATE_LIMIT_PER_MINUTE: env.int(1_200, 1, 1_000_000),
  /** Requests per minute per client address for anonymous (public) callers. */
  PUBLIC_RATE_LIMIT_PER_MINUTE: env.int(600, 1, 1_000_000),
  /** Login and refresh attempts per minute per client address. */
  AUTH_RATE_LIMIT_PER_MINUTE: env.int(20, 1, 10_000),
  /** Deadline of every call to a service. */
  GRPC_DEADLINE_MS: env.int(5_000, 100, 60_000),
  /**
   * Where rate limits are counted: `memory` (each replica on its own) or `nats` (one NATS KV
   * bucket every replica shares; the chart sets it), see rate-limit-store.ts.
   */
  RATE_LIMIT_STORE: z.enum(['memory', 'nats']).default('memory'),
  /** NATS of the shared rate limits (RATE_LIMIT_STORE=nats); comma separated for a cluster. */
  NATS_URL: commonShape.NATS_URL,
  /** The KV bucket of the shared rate limits. */
  RATE_LIMIT_BUCKET: z
    .string()
    .regex(/^[-_A-Za-z0-9]+$/, 'letters, digits, - and _')
    .default('partybuilding-rate-limits'),
};

export type GatewayConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return load(gatewayConfigShape, source);
}

/** The configured address of a service of the platform's list. */
export function serviceAddress(config: GatewayConfig, service: string): string {
  return String((config as Record<string, unknown>)[addressVariable(service)]);
}
