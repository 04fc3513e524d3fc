/**
 * Every 503 the gateway answers says when to try again: a service unreachable (its pods all
 * restarting, a deadline-less UNAVAILABLE from grpc-js) or a store behind it down. Services that
 * know better send their own hint (retryAfterSeconds), which is kept.
 */
import type { FastifyInstance } from 'fastify';

export const defaultRetryAfterSeconds = 5;

export function registerRetryAfter(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(defaultRetryAfterSeconds));
  });
}
