import { commonShape, env, loadConfig, z } from '@repo/config';

export const gatewayConfigShape = {
  LOG_LEVEL: commonShape.LOG_LEVEL,
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port(8080),
  CONTENT_ADDR: env.address('127.0.0.1:50051'),
  MEMBER_ADDR: env.address('127.0.0.1:50052'),
  /** Verifies access tokens; the member service signs them with the same secret. */
  AUTH_TOKEN_SECRET: env.secret(32),
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
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayConfigShape, source);
}
