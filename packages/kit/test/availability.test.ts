/** Which driver errors mean "a store is unreachable" (answered UNAVAILABLE with a retry hint) and which do not. */
import { DomainError } from '@repo/errors';
import { asUnavailable, unreachableStore } from '../src/availability';

const named = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(Object.assign(new Error(message), { name }), extra);

test('driver errors of an unreachable store, search cluster or bus are recognised', () => {
  expect(unreachableStore(named('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27017'))).toBe('document store');
  expect(unreachableStore(named('MongoNetworkError'))).toBe('document store');
  expect(unreachableStore(named('MongoServerError', 'failed to connect to `host=127.0.0.1 user=ferretdb database=ferretdb`'))).toBe(
    'document store',
  );
  expect(unreachableStore(named('ConnectionError', 'connect ECONNREFUSED 127.0.0.1:9200'))).toBe('search');
  expect(unreachableStore(named('ResponseError', 'unavailable', { meta: { statusCode: 503 } }))).toBe('search');
  expect(unreachableStore(named('NatsError', 'TIMEOUT', { code: 'TIMEOUT' }))).toBe('bus');
});

test('a wrapped driver error is read through its cause; a domain answer of its own is not', () => {
  const network = named('MongoNetworkError', 'connection 4 to 127.0.0.1:27017 closed');
  expect(unreachableStore(new Error('saving the bill failed', { cause: network }))).toBe('document store');
  expect(unreachableStore(named('MongoServerClosedError', 'Server is closed'))).toBe('document store');
  const wrapping = (kind: 'internal' | 'aborted') => Object.assign(new DomainError(kind, 'X', 'x'), { cause: network });
  expect(unreachableStore(wrapping('internal'))).toBe('document store');
  expect(unreachableStore(wrapping('aborted'))).toBeUndefined();
});

test('a query stopped by its time limit answers DEADLINE_EXCEEDED, not INTERNAL', () => {
  const limit = named('MongoServerError', 'Executor error during aggregate command :: caused by :: operation exceeded time limit', {
    code: 50,
    codeName: 'MaxTimeMSExpired',
  });
  expect(unreachableStore(limit)).toBeUndefined();
  expect(asUnavailable(limit)).toMatchObject({ kind: 'deadlineExceeded', code: 'STORE_TIME_LIMIT' });
});

test('other errors stay what they were', () => {
  const duplicate = named('MongoServerError', 'E11000 duplicate key error', { code: 11000 });
  expect(unreachableStore(duplicate)).toBeUndefined();
  expect(asUnavailable(duplicate)).toBe(duplicate);
  expect(unreachableStore(named('ResponseError', 'mapper_parsing_exception', { meta: { statusCode: 400 } }))).toBeUndefined();
  expect(unreachableStore(new TypeError('x is undefined'))).toBeUndefined();
  expect(unreachableStore('not an error')).toBeUndefined();
});

test('an unreachable store becomes UNAVAILABLE with the dependency and a retry hint', () => {
  const answered = asUnavailable(named('MongoServerSelectionError'));
  expect(answered).toBeInstanceOf(DomainError);
  expect(answered).toMatchObject({
    kind: 'unavailable',
    code: 'DEPENDENCY_UNAVAILABLE',
    details: { dependency: 'document store', retryAfterSeconds: '5' },
  });
});
