/**
 * RED metrics per route: the SDK's http instrumentation records every answered request in
 * `http.server.request.duration` (seconds) with its method and status code; naming the route
 * pattern of each request here (`/api/v1/documents/:id`, never the raw URL, so ids do not
 * multiply the series) adds `http.route`, so rate, errors and duration are per route, and names
 * the request's server span after it. A no-op until the SDK is started
 * (`--require @repo/telemetry/register`).
 */
import { nameHttpRoute } from '@repo/telemetry/instruments';
import type { FastifyInstance } from 'fastify';

export function registerRequestMetrics(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    // Unmatched requests (404) keep no route: they share one series.
    if (request.routeOptions.url) nameHttpRoute(request.routeOptions.url);
  });
}
