/**
 * Builds the gateway: plugins, the caller of every request, each service's routes from the
 * platform's list of services, the error shape. Listening is main.ts's job.
 */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validationFailed } from '@repo/errors';
import { isServing } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { platformServices } from '@repo/platform';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { registerIdentity } from './auth/identity';
import { registerRetryAfter } from './availability';
import { registerRequestMetrics } from './observability';
import { connectSharedCounts, natsRateLimitStore } from './rate-limit-store';
import { serviceAddress, type GatewayConfig } from './config';
import { ErrorBody, frameworkError, registerErrorHandling, sendClientError } from './errors';
import { assertDecodableQuery, assertShallow, jsonText } from './request-rules';
import type { RouteContext, ServiceRoutes } from './routes/common';
import { textViolations } from './text-rule';
import webPortal from './web';

export const bodyLimitBytes = 1024 * 1024;

/** Methods whose requests carry no body the gateway reads. */
const bodiless = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What any request with a body may be refused as, whatever its route: too large for the route's
 * limit (413) and not JSON in UTF-8 or not of a type the route reads (415).
 */
const bodyRefusals = { 413: ErrorBody, 415: ErrorBody };

/**
 * Bodies are validated strictly (no type coercion, unknown fields refused); query strings and
 * path parameters arrive as text, so there numbers and booleans are coerced.
 */
function validators() {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const body = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? body : text).compile(schema);
}

/** A client's request id is kept when it is a sane token (it reaches logs); otherwise a new one. */
function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(sent) ? sent : randomUUID();
}

/** The routes of a service of the platform's list: the default export of routes/<name>/index.ts. */
function routesOf(service: string): ServiceRoutes {
  const module = require(`./routes/${service}`) as { default?: ServiceRoutes };
  if (typeof module.default !== 'function') throw new Error(`gateway/src/routes/${service}/index.ts has no default export of its routes`);
  return module.default;
}

/** The headers helmet's middleware sets with `options`, read once from a response that records them. */
function headersOf(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

export interface Gateway {
  app: FastifyInstance;
}

export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Rate limits count the real client, not the ingress, when a proxy is trusted.
    trustProxy: config.GATEWAY_TRUST_PROXY,
    // Headers too large, a URL too long, a request that is no HTTP: answered in the error shape too.
    clientErrorHandler: sendClientError,
    frameworkErrors: frameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validators());
  // Every route documents the refusals the framework answers before it, so no service's routes can
  // forget them: a body too large or of the wrong type, a path parameter longer than the router takes.
  app.addHook('onRoute', (route) => {
    if (!route.schema?.response) return;
    const readsBody = [route.method].flat().some((method) => !bodiless.has(method));
    route.schema.response = {
      ...(readsBody ? bodyRefusals : {}),
      ...(route.url.includes(':') ? { 414: ErrorBody } : {}),
      ...(route.schema.response as object),
    };
  });
  // JSON in valid UTF-8 only (RFC 8259), nested within bounds (request-rules.ts); workflow steps
  // may be posted without a body even with a JSON content type.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = jsonText(request.headers['content-type'], body as Buffer);
    } catch (err) {
      return done(err as Error, undefined);
    }
    if (text === '') return done(null, null);
    return parseJson(request, text, (err, value) => {
      if (err) return done(err, undefined);
      try {
        assertShallow(value);
      } catch (tooDeep) {
        return done(tooDeep as Error, undefined);
      }
      return done(null, value);
    });
  });
  registerErrorHandling(app);
  registerRequestMetrics(app);
  registerRetryAfter(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preValidation', async (request) => {
    assertDecodableQuery(request.url);
    const violations = [
      ...textViolations(request.params, 'params'),
      ...textViolations(request.query, 'query'),
      ...(typeof request.body === 'object' ? textViolations(request.body, 'body') : []),
    ];
    if (violations.length) throw validationFailed(violations);
  });

  // Security headers: the same on every answer, so worked out once (@fastify/helmet builds
  // helmet's middleware and its policy strings anew for every request).
  const securityHeaders = headersOf({
    // The API answers JSON; only the OpenAPI page at /docs runs scripts, from its own files.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(securityHeaders);
  });
  await app.register(cors, {
    origin: config.CORS_ORIGINS === '*' ? true : config.CORS_ORIGINS.split(',').map((o) => o.trim()),
    exposedHeaders: ['x-request-id', 'location', 'retry-after'],
  });
  // Resolved before the rate limiter, which counts per signed-in user or per client address.
  const { refuseBadTokens } = registerIdentity(app, {
    secret: config.AUTH_TOKEN_SECRET,
    signingKey: config.CALLER_SIGNING_KEY,
    maxLifetimeSeconds: config.AUTH_ACCESS_MAX_SECONDS,
  });
  const signedIn = (request: FastifyRequest) => request.identity?.userId || undefined;
  // Counted in one NATS KV bucket every replica sees (RATE_LIMIT_STORE=nats), else per replica.
  const shared =
    config.RATE_LIMIT_STORE === 'nats'
      ? connectSharedCounts({ natsUrl: config.NATS_URL, bucket: config.RATE_LIMIT_BUCKET, logger, maxWindowMs: 60_000 })
      : undefined;
  if (shared) app.addHook('onClose', () => shared.close());
  await app.register(rateLimit, {
    ...(shared ? { store: natsRateLimitStore(shared) } : {}),
    max: (request) => (signedIn(request) ? config.RATE_LIMIT_PER_MINUTE : config.PUBLIC_RATE_LIMIT_PER_MINUTE),
    keyGenerator: (request) => {
      const user = signedIn(request);
      return user ? `user:${user}` : `ip:${request.ip}`;
    },
    timeWindow: 60_000,
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `rate limit of ${context.max} requests per ${context.after} exceeded`,
    }),
  });
  // A bad token was counted against the client's address; now it is refused.
  app.addHook('onRequest', refuseBadTokens);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '智慧党建 Smart party-building platform API',
        description: 'REST/JSON API for province-wide portals. Errors are { "error": { "code", "message", "details" } }.',
        version: '1.0.0',
      },
      tags: [...platformServices.flatMap((service) => service.tags), { name: 'health', description: 'Probes' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/v1/auth/login' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.addSchema(ErrorBody);

  const authLimit = {
    max: config.AUTH_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `auth:${request.ip}`,
  };
  await app.register(
    async (api) => {
      for (const service of platformServices) {
        const context: RouteContext = { address: serviceAddress(config, service.name), deadlineMs: config.GRPC_DEADLINE_MS, authLimit };
        await api.register(routesOf(service.name), context);
      }
    },
    { prefix: '/api/v1' },
  );
  await app.register(webPortal, { config });

  app.get('/healthz', { schema: { tags: ['health'], summary: 'The gateway process is alive', security: [] } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Every service the gateway calls answers its health check', security: [] } },
    async (_request, reply) => {
      const answers = await Promise.all(
        platformServices.map(async (service) => [service.name, await isServing(serviceAddress(config, service.name))] as const),
      );
      const services = Object.fromEntries(answers);
      const ready = answers.every(([, up]) => up);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', services });
    },
  );

  return { app };
}
