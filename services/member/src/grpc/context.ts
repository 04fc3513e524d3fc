/** What every member-service handler needs to know about its caller, in one place. */
import { assertCan, inCallerScope, scopeFilterPrefix, type Action, type Caller } from '@repo/access';
import type { DomainError } from '@repo/errors';
import type { CallContext } from '@repo/grpc';

export const paging = { defaultSize: 20, maxSize: 100 } as const;

export function callerOf(context: CallContext): Caller {
  const { userId, roles, orgPath } = context.identity;
  return { userId, roles, orgPath };
}

/** The caller after the role check of `action` (403, or 401 when anonymous). */
export function authorize(context: CallContext, action: Action): Caller {
  const caller = callerOf(context);
  assertCan(caller, action);
  return caller;
}

/**
 * The prefix bounding what the caller may see. A caller with no valid scope gets a path no
 * record has, so lists come back empty rather than widening to everything.
 */
export function scopeOf(caller: Caller): string {
  return scopeFilterPrefix(caller) ?? '/-none-/';
}

/** Out-of-scope records answer not found, so their existence does not leak. */
export function assertInScope(caller: Caller, orgPath: string, notFound: () => DomainError): void {
  if (!inCallerScope(caller, orgPath)) throw notFound();
}
