/**
 * RED metrics per route: every answered request is one record of `http.server.request.duration`
 * (seconds) with its method, route pattern (`/api/v1/documents/:id`, never the raw URL, so ids
 * do not multiply the series) and status code: rate and errors are its count by status, duration
 * its histogram. A no-op until the SDK is started (`--require @repo/telemetry/register`). The
 * SDK's http instrumentation also records `http.server.duration`, without the route.
 */
import { meterInstruments } from '@repo/telemetry/instruments';
import type { FastifyInstance } from 'fastify';

const instruments = meterInstruments('@repo/gateway', (meter) => ({
  requestDuration: meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: "Duration of the gateway's answers, by method, route and status code",
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
  }),
}));

export function registerRequestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    instruments().requestDuration.record(reply.elapsedTime / 1000, {
      'http.request.method': request.method,
      // Unmatched requests (404) share one series.
      'http.route': request.routeOptions.url ?? 'unmatched',
      'http.response.status_code': reply.statusCode,
    });
  });
}
