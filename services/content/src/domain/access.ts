/**
 * Who may see and change which documents: the one place content access is decided, on top of
 * the platform's role x action matrix and data scope (@repo/access, docs/access.md).
 */
import { assertCan, can, inCallerScope, isAnonymous, scopeFilterPrefix, type Action, type Caller } from '@repo/access';
import { notFound, permissionDenied } from '@repo/errors';
import type { ContentDocument, DocumentStatus, WorkflowAction } from './document';

export type { Caller };

/** The matrix action each workflow step needs. */
export const workflowActionRights: Record<WorkflowAction, Action> = {
  submit: 'content.write',
  approve: 'content.review',
  reject: 'content.review',
  publish: 'content.publish',
  withdraw: 'content.withdraw',
};

/** Staff who may see documents before they are published, within their scope. */
export function seesUnpublished(caller: Caller): boolean {
  return !isAnonymous(caller) && can(caller.roles, 'content.readUnpublished') && scopeFilterPrefix(caller) !== undefined;
}

/** The caller's scope for unpublished documents; undefined when they see published ones only. */
export function unpublishedScope(caller: Caller): string | undefined {
  return seesUnpublished(caller) ? scopeFilterPrefix(caller) : undefined;
}

const hidden = (id: string) => notFound('CONTENT_DOCUMENT_NOT_FOUND', `document ${id} not found`, { id });

/**
 * Everyone sees published documents; staff with content.readUnpublished also see the other
 * statuses within their scope. Anything else answers not found, so existence does not leak.
 */
export function assertVisible(caller: Caller, document: Pick<ContentDocument, 'id' | 'status' | 'orgPath'>): void {
  if (document.status === 'published') return;
  if (!seesUnpublished(caller) || !inCallerScope(caller, document.orgPath)) throw hidden(document.id);
}

/** Statuses a caller may list; undefined means any (within their scope). */
export function visibleStatuses(caller: Caller): DocumentStatus[] | undefined {
  return seesUnpublished(caller) ? undefined : ['published'];
}

/** Role check for a write (401 anonymous, 403 without the role). */
export function assertMay(caller: Caller, action: Action): void {
  assertCan(caller, action);
}

/**
 * Changing a document needs it in the caller's scope as well: a published document of
 * another organisation is readable but answers not found to a change.
 */
export function assertChangeable(caller: Caller, document: Pick<ContentDocument, 'id' | 'orgPath'>): void {
  if (!inCallerScope(caller, document.orgPath)) throw hidden(document.id);
}

/** Where a new document belongs: the author's own node. */
export function ownerPathOf(caller: Caller): string {
  const scope = scopeFilterPrefix(caller);
  if (scope === undefined)
    throw permissionDenied('CONTENT_NO_ORGANIZATION', 'your account belongs to no organisation, so it cannot own documents');
  return scope;
}
