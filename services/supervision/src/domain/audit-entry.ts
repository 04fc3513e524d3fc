/**
 * What the audit log records of an event: its leaf, the canonical JSON of the envelope (who did
 * what to which object in which organisation, and when), and the facts it is filed under for
 * queries. Every answer about an entry is built from its leaf, so what a reader sees is what the
 * tree's hash covers.
 */
import { isValidOrgPath, scopesCovering } from '@repo/access';
import type { EventEnvelope } from '@repo/bus';
import { validationFailed, type FieldViolation } from '@repo/errors';
import { canonicalJson } from './canonical-json';
import type { TreeHasher } from './merkle';

export function leafOf(event: EventEnvelope): string {
  const { id, type, occurredAt, actor, orgPath, subjectId, data } = event;
  return canonicalJson({ id, type, occurredAt, actor: actor ?? '', orgPath: orgPath ?? '', subjectId, data: data ?? null });
}

/** The facts an entry is filed under, read from its event. */
export function factsOf(event: EventEnvelope) {
  const orgPath = event.orgPath ?? '';
  return {
    eventId: event.id,
    type: event.type,
    actor: event.actor ?? '',
    subjectId: event.subjectId,
    orgPath,
    orgScopes: isValidOrgPath(orgPath) ? scopesCovering(orgPath) : [],
    occurredAt: event.occurredAt,
  };
}

/** An entry as readers get it: parsed from its leaf. */
export interface AuditEntry {
  index: number;
  eventId: string;
  type: string;
  actor: string;
  subjectId: string;
  orgPath: string;
  occurredAt: string;
  loggedAt: string;
  data: unknown;
  leaf: string;
  leafHash: Buffer;
}

export function entryFromLeaf(stored: { index: number; loggedAt: string; leaf: string }, hasher: TreeHasher): AuditEntry {
  const event = JSON.parse(stored.leaf) as EventEnvelope;
  return {
    index: stored.index,
    eventId: event.id,
    type: event.type,
    actor: event.actor,
    subjectId: event.subjectId,
    orgPath: event.orgPath,
    occurredAt: event.occurredAt,
    loggedAt: stored.loggedAt,
    data: event.data,
    leaf: stored.leaf,
    // The hash of the entry as it is now: its inclusion proof verifies only if that is what was logged.
    leafHash: hasher.leaf(Buffer.from(stored.leaf)),
  };
}

export interface AuditQuery {
  type?: string;
  actor?: string;
  subjectId?: string;
  /** At or below this organisation path (within the caller's scope). */
  orgPath?: string;
  /** occurredAt ≥ from and < to (ISO times). */
  from?: string;
  to?: string;
  pageSize: number;
  pageToken?: string;
}

export const auditPaging = { defaultSize: 50, maxSize: 200 } as const;

/** Where a page of a query stops: the index to go on below, and which query it belongs to. */
interface PageToken {
  before: number;
  query: string;
}

const queryKey = (q: AuditQuery) =>
  canonicalJson({ type: q.type, actor: q.actor, subjectId: q.subjectId, orgPath: q.orgPath, from: q.from, to: q.to });

export function encodePageToken(query: AuditQuery, before: number): string {
  return Buffer.from(canonicalJson({ before, query: queryKey(query) } satisfies PageToken)).toString('base64url');
}

/** The index a page starts below; undefined for the first page. A token of another query is refused. */
export function decodePageToken(query: AuditQuery): number | undefined {
  if (!query.pageToken) return undefined;
  let token: Partial<PageToken>;
  try {
    token = JSON.parse(Buffer.from(query.pageToken, 'base64url').toString('utf8')) as Partial<PageToken>;
  } catch {
    throw validationFailed([{ field: 'pageToken', problem: 'is not a page token this service gave' }]);
  }
  if (!Number.isSafeInteger(token.before) || (token.before ?? -1) < 0)
    throw validationFailed([{ field: 'pageToken', problem: 'is not a page token this service gave' }]);
  if (token.query !== queryKey(query)) throw validationFailed([{ field: 'pageToken', problem: 'belongs to a query with other filters' }]);
  return token.before;
}

const isoTime = (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value);

export function validateAuditQuery(query: AuditQuery): AuditQuery {
  const violations: FieldViolation[] = [];
  if (query.pageSize < 1 || query.pageSize > auditPaging.maxSize)
    violations.push({ field: 'pageSize', problem: `must be between 1 and ${auditPaging.maxSize}` });
  if (query.orgPath && !isValidOrgPath(query.orgPath))
    violations.push({ field: 'orgPath', problem: 'must be an organisation path such as /1/7/' });
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value && !isoTime(value)) violations.push({ field, problem: 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z' });
  }
  if (query.from && query.to && isoTime(query.from) && isoTime(query.to) && Date.parse(query.from) >= Date.parse(query.to))
    violations.push({ field: 'to', problem: 'must be after from' });
  if (violations.length) throw validationFailed(violations);
  // Stored times are ISO strings in UTC; the bounds compare with them as text.
  return {
    ...query,
    ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
  };
}
