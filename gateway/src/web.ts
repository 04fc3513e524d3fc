/**
 * The web portal served by the gateway: the built single-page app (web/dist) with its hashed
 * assets cached for a year, every other page path answered with index.html (the app's router
 * takes it from there) under a strict Content-Security-Policy, and the portal's session routes.
 * Registered once from app.ts; without a build of the portal only the session routes exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { serviceAddress, type GatewayConfig } from './config';
import { frameworkError } from './errors';
import { sessionRoutes } from './session';

/** Where the portal's build lands (`vite build` in web/), from gateway/src or gateway/dist alike. */
export const defaultWebRoot = join(__dirname, '../../web/dist');

/**
 * The pages' policy: scripts and styles from the gateway's own files only (no inline script, no
 * eval), no plugins, no framing, requests to the gateway only. Stricter than the API's helmet
 * policy, which allows inline styles for the OpenAPI page.
 */
export const pageSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the API and its documentation, never to the app's router. */
const notPages = /^\/(api|docs|healthz|readyz)(\/|$|\?)/;

export interface WebOptions {
  config: GatewayConfig;
  /** The built portal; default web/dist. */
  root?: string;
}

const webPortal: FastifyPluginAsync<WebOptions> = async (app, { config, root = defaultWebRoot }) => {
  await app.register(sessionRoutes, {
    prefix: '/api/v1',
    memberAddress: serviceAddress(config, 'member'),
    deadlineMs: config.GRPC_DEADLINE_MS,
    authLimitPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
  });

  if (!existsSync(join(root, 'index.html'))) {
    app.log.info({ root }, 'no build of the web portal (npm run build -w @repo/web); serving the API only');
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file found at start: a missing asset is a plain 404, never index.html.
    wildcard: false,
    index: false,
    serveDotFiles: false,
    // The build writes .br and .gz beside each asset; they are sent by Accept-Encoding, never as routes.
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz'],
    // Cache-Control is ours (below), not send's default max-age=0.
    cacheControl: false,
    setHeaders(res, path) {
      // Vite names every asset by its content hash: it never changes under the same name.
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
    schemaHide: true,
  });

  const maxParamLength = app.initialConfig.maxParamLength ?? 100;
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (notPages.test(request.url)) {
      // With this wildcard route the router falls back here rather than refusing a path segment
      // too long for an API route's parameter: it is refused here as it would have been there.
      if (path.split('/').some((segment) => segment.length > maxParamLength)) {
        return frameworkError({ code: 'FST_ERR_MAX_PARAM_LENGTH' } as FastifyError, request, reply);
      }
      return reply.callNotFound();
    }
    if (/\.[A-Za-z0-9]{1,8}$/.test(path)) return reply.callNotFound();
    return reply.header('content-security-policy', pageSecurityPolicy).header('cache-control', 'no-cache').sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
  app.addHook('onSend', async (request, reply) => {
    // index.html itself gets the pages' policy too.
    if (request.url === '/index.html') void reply.header('content-security-policy', pageSecurityPolicy);
    // An asset's body depends on Accept-Encoding (br, gzip or none): caches must keep them apart.
    if (request.url.startsWith('/assets/')) {
      const vary = String(reply.getHeader('vary') ?? '');
      if (!/accept-encoding/i.test(vary)) void reply.header('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
  });
};

export default webPortal;
