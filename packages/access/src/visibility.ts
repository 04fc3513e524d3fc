/**
 * The checks every use case makes of its caller, in one place: may they do this at all (the
 * matrix), and is this record within their scope. A record outside the scope answers the same
 * not found as a missing one, so its existence does not leak.
 */
import type { DomainError } from '@repo/errors';
import { assertCan, type Action } from './matrix';
import { inCallerScope, scopeFilterPrefix, type Caller } from './scope';

/** The caller, after the role check of `action` (403, or 401 when anonymous). */
export function authorize(caller: Caller, action: Action): Caller {
  assertCan(caller, action);
  return caller;
}

/**
 * The prefix bounding what the caller may see in a list. A caller with no valid scope gets a
 * path no record has, so lists come back empty rather than widening to everything.
 */
export function scopeOf(caller: Caller): string {
  return scopeFilterPrefix(caller) ?? noScope;
}

/** A path no record is ever placed at (paths are made of ids, and '-none-' is none). */
export const noScope = '/-none-/';

/**
 * `record` when it exists and at least one of its paths lies in the caller's scope (a transfer
 * is visible from either side); otherwise `missing()`, for a record that is absent and one that
 * is hidden alike.
 */
export function visible<T>(
  caller: Caller,
  record: T | null | undefined,
  pathsOf: (record: T) => string | readonly string[],
  missing: () => DomainError,
): T {
  if (record === null || record === undefined) throw missing();
  const paths = pathsOf(record);
  const inScope = typeof paths === 'string' ? inCallerScope(caller, paths) : paths.some((path) => inCallerScope(caller, path));
  if (!inScope) throw missing();
  return record;
}

/** Throws `missing()` unless `path` lies in the caller's scope. */
export function assertInScope(caller: Caller, path: string, missing: () => DomainError): void {
  if (!inCallerScope(caller, path)) throw missing();
}
