/** Builds the gateway: plugins, routes, error shape. Listening is main.ts's job. */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isServing } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { identityResolver } from './auth/identity';
import { ContentClient } from './clients/content';
import { MemberClients } from './clients/member';
import type { GatewayConfig } from './config';
import { ErrorBody, registerErrorHandling } from './errors';
import { documentRoutes } from './routes/content/documents';
import { searchRoutes } from './routes/content/search';
import { authRoutes } from './routes/member/auth';
import { duesRoutes } from './routes/member/dues';
import { meetingRoutes } from './routes/member/meetings';
import { memberRoutes } from './routes/member/members';
import { organizationRoutes } from './routes/member/organizations';
import { transferRoutes } from './routes/member/transfers';

export const bodyLimitBytes = 1024 * 1024;

/**
 * Bodies are validated strictly (no type coercion, unknown fields refused); query strings and
 * path parameters arrive as text, so there numbers and booleans are coerced.
 */
function validators() {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const body = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? body : text).compile(schema);
}

export interface Gateway {
  app: FastifyInstance;
  content: ContentClient;
  member: MemberClients;
}

export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Rate limits count the real client, not the ingress, when a proxy is trusted.
    trustProxy: config.GATEWAY_TRUST_PROXY,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validators());
  // Workflow steps may be posted without a body even when a client sends a JSON content type.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, null) : parseJson(request, body as string, done),
  );
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(cors, {
    origin: config.CORS_ORIGINS === '*' ? true : config.CORS_ORIGINS.split(',').map((o) => o.trim()),
    exposedHeaders: ['x-request-id', 'location'],
  });
  const identify = identityResolver(config.AUTH_TOKEN_SECRET);
  // Per signed-in user, or per client address for the anonymous public (a lower limit). A bad
  // token counts against the address; the route answers 401 afterwards.
  const signedInUser = (request: FastifyRequest): string | undefined => {
    try {
      return identify(request).userId || undefined;
    } catch {
      return undefined;
    }
  };
  await app.register(rateLimit, {
    max: (request) => (signedInUser(request) ? config.RATE_LIMIT_PER_MINUTE : config.PUBLIC_RATE_LIMIT_PER_MINUTE),
    keyGenerator: (request) => {
      const user = signedInUser(request);
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
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '智慧党建 Smart party-building platform API',
        description: 'REST/JSON API for province-wide portals. Errors are { "error": { "code", "message", "details" } }.',
        version: '1.0.0',
      },
      tags: [
        { name: 'documents', description: 'Policy documents (政策文件) and articles' },
        { name: 'workflow', description: 'Editorial workflow: draft -> inReview -> approved -> published -> withdrawn' },
        { name: 'search', description: 'Smart search across published documents' },
        { name: 'auth', description: 'Sign in, refresh, sign out' },
        { name: 'users', description: 'User accounts and roles' },
        { name: 'organizations', description: 'The organisation tree: committee > generalBranch > branch > group' },
        { name: 'members', description: 'Party members and their development pipeline (党员发展)' },
        { name: 'dues', description: 'Party dues (党费), integer fen' },
        { name: 'transfers', description: 'Organisation relation transfers (组织关系转接)' },
        { name: 'meetings', description: 'Organisation life (三会一课) and quarterly compliance' },
        { name: 'health', description: 'Probes' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/v1/auth/login' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(ErrorBody);

  const content = new ContentClient(config.CONTENT_ADDR, config.GRPC_DEADLINE_MS);
  const member = new MemberClients(config.MEMBER_ADDR, config.GRPC_DEADLINE_MS);
  const authLimit = { max: config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `auth:${request.ip}` };
  await app.register(
    async (api) => {
      await api.register(documentRoutes, { content, identify });
      await api.register(searchRoutes, { content, identify });
      await api.register(authRoutes, { member, identify, authLimit });
      await api.register(organizationRoutes, { member, identify });
      await api.register(memberRoutes, { member, identify });
      await api.register(duesRoutes, { member, identify });
      await api.register(transferRoutes, { member, identify });
      await api.register(meetingRoutes, { member, identify });
    },
    { prefix: '/api/v1' },
  );

  app.get('/healthz', { schema: { tags: ['health'], summary: 'The gateway process is alive' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Every service the gateway calls answers its health check' } }, async (_request, reply) => {
    const [contentUp, memberUp] = await Promise.all([isServing(content.address), isServing(member.address)]);
    const services = { content: contentUp, member: memberUp };
    const ready = Object.values(services).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', services });
  });
  app.addHook('onClose', async () => {
    content.close();
    member.close();
  });

  return { app, content, member };
}
