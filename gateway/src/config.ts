import { commonShape, env, loadConfig, z } from '@repo/config';

export const gatewayConfigShape = {
  LOG_LEVEL: commonShape.LOG_LEVEL,
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port(8080),
  CONTENT_ADDR: env.address('127.0.0.1:50051'),
  /** Comma separated origins allowed by CORS, or * for any. */
  CORS_ORIGINS: z.string().default('*'),
  /** Behind an ingress or load balancer: take the client address from X-Forwarded-For. */
  GATEWAY_TRUST_PROXY: env.bool(false),
  /** Requests per minute per client address. */
  RATE_LIMIT_PER_MINUTE: env.int(1_200, 1, 1_000_000),
  /** Deadline of every call to a service. */
  GRPC_DEADLINE_MS: env.int(5_000, 100, 60_000),
  /**
   * Development only: take the caller's identity from x-user-id / x-user-roles / x-org-path
   * request headers. Sign-in with tokens replaces this; never enable it in production.
   */
  GATEWAY_TRUST_IDENTITY_HEADERS: env.bool(false),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayConfigShape, source);
}
