/**
 * Who may see and change which documents. The one place content access is decided; the roles
 * of the identity issue plug in here.
 */
import { notFound } from '@repo/errors';
import type { ContentDocument, DocumentStatus } from './document';

export interface Caller {
  /** Empty for anonymous public callers. */
  userId: string;
  roles: string[];
  /** Materialised path of the caller's organisation node; empty means the root. */
  orgPath: string;
}

export const rootPath = '/';

export function isAnonymous(caller: Caller): boolean {
  return caller.userId === '';
}

/** The caller's data scope: their own node and everything below it. */
export function scopeOf(caller: Caller): string {
  return caller.orgPath || rootPath;
}

/**
 * Public callers see published documents only; staff see every status within their scope.
 * Anything else answers not found, so existence does not leak.
 */
export function assertVisible(caller: Caller, document: Pick<ContentDocument, 'id' | 'status' | 'orgPath'>): void {
  const visible = isAnonymous(caller)
    ? document.status === 'published'
    : document.orgPath.startsWith(scopeOf(caller)) || document.status === 'published';
  if (!visible) throw notFound('CONTENT_DOCUMENT_NOT_FOUND', `document ${document.id} not found`, { id: document.id });
}

/** Statuses a caller may list; undefined means any. */
export function visibleStatuses(caller: Caller): DocumentStatus[] | undefined {
  return isAnonymous(caller) ? ['published'] : undefined;
}

/** Writes need a signed-in member of staff; roles arrive with the identity service. */
export function canWrite(caller: Caller): boolean {
  return !isAnonymous(caller);
}
