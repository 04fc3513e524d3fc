/**
 * An RPC that fails because a store the service needs is unreachable (the document store, its
 * PostgreSQL under FerretDB, Elasticsearch, NATS) is answered UNAVAILABLE with a retry hint,
 * which the gateway turns into 503 with Retry-After, instead of INTERNAL (500): the caller did
 * nothing wrong and the same request will work once the store is back. Recognised by the
 * drivers' error names and codes; anything else stays what it was.
 */
import { DomainError } from '@repo/errors';

/** Seconds a caller is told to wait before trying again. */
export const retryAfterSeconds = 5;

const storeErrors = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
]);
const searchErrors = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);
const busCodes = new Set(['TIMEOUT', 'CONNECTION_REFUSED', 'DISCONNECT', 'CONNECTION_CLOSED', 'CONNECTION_DRAINING', '503']);

/** Which store an error says is unreachable, or undefined when it says something else. */
export function unreachableStore(err: unknown): 'document store' | 'search' | 'bus' | undefined {
  if (!(err instanceof Error)) return undefined;
  const { name, message } = err;
  const code = (err as { code?: unknown }).code;
  if (storeErrors.has(name)) return 'document store';
  // FerretDB answers while its PostgreSQL is down, with the backend's connection error as text.
  if (name === 'MongoServerError' && /connect|connection refused|no connection|failed to connect|backend/i.test(message))
    return 'document store';
  if (searchErrors.has(name)) return 'search';
  if (name === 'ResponseError' && [502, 503, 504].includes(Number((err as { meta?: { statusCode?: number } }).meta?.statusCode)))
    return 'search';
  if (name === 'NatsError' && busCodes.has(String(code))) return 'bus';
  return undefined;
}

/** The error as the caller should see it: UNAVAILABLE with Retry-After for an unreachable store. */
export function asUnavailable(err: unknown): unknown {
  const store = unreachableStore(err);
  if (!store) return err;
  return new DomainError('unavailable', 'DEPENDENCY_UNAVAILABLE', `the ${store} is unreachable; try again shortly`, {
    dependency: store,
    retryAfterSeconds: String(retryAfterSeconds),
  });
}
