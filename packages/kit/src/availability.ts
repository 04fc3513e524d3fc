/**
 * An RPC that fails because a store the service needs is unreachable (the document store, its
 * PostgreSQL under FerretDB, Elasticsearch, NATS) is answered UNAVAILABLE with a retry hint,
 * which the gateway turns into 503 with Retry-After, instead of INTERNAL (500): the caller did
 * nothing wrong and the same request will work once the store is back. Recognised by the
 * drivers' error names and codes; anything else stays what it was.
 */
import { types } from 'node:util';
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
  'MongoServerClosedError',
  'MongooseServerSelectionError',
]);
const searchErrors = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);
/**
 * Node's own socket errors, which the document store driver lets through as they are when it
 * writes to a connection the store has just closed (EPIPE: "This socket has been ended by the
 * other party"). The search and bus clients wrap theirs (ConnectionError, NatsError).
 */
const socketCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED']);
const busCodes = new Set(['TIMEOUT', 'CONNECTION_REFUSED', 'DISCONNECT', 'CONNECTION_CLOSED', 'CONNECTION_DRAINING', '503']);

/**
 * Which store an error says is unreachable, or undefined when it says something else. An error
 * that wraps another (`cause`, as a repository's own error or a bulk write's does) is read through,
 * unless it is a domain answer of its own (a conflict, a refusal), which stays what it is.
 */
export function unreachableStore(err: unknown, depth = 0): 'document store' | 'search' | 'bus' | undefined {
  // Node's own errors may come from another realm than this module's Error (a test sandbox).
  if (!(err instanceof Error) && !types.isNativeError(err)) return undefined;
  if (err instanceof DomainError && err.kind !== 'internal') return undefined;
  return unreachableByItself(err) ?? (depth < 4 ? unreachableStore(err.cause, depth + 1) : undefined);
}

function unreachableByItself(err: Error): 'document store' | 'search' | 'bus' | undefined {
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
  if (name === 'Error' && socketCodes.has(String(code))) return 'document store';
  return undefined;
}

/**
 * A store query stopped by the time limit it was given (maxTimeMS from the call's deadline):
 * MongoDB's and FerretDB's MaxTimeMSExpired, code 50.
 */
export function isStoreTimeLimit(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; codeName?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'MongoServerError' && (e.code === 50 || e.codeName === 'MaxTimeMSExpired');
}

/**
 * The error as the caller should see it: UNAVAILABLE with Retry-After for an unreachable store,
 * DEADLINE_EXCEEDED (504, not 500) for a query its time limit stopped.
 */
export function asUnavailable(err: unknown): unknown {
  if (isStoreTimeLimit(err))
    return new DomainError('deadlineExceeded', 'STORE_TIME_LIMIT', 'the store could not answer within the deadline of the call', {});
  const store = unreachableStore(err);
  if (!store) return err;
  return new DomainError('unavailable', 'DEPENDENCY_UNAVAILABLE', `the ${store} is unreachable; try again shortly`, {
    dependency: store,
    retryAfterSeconds: String(retryAfterSeconds),
  });
}
