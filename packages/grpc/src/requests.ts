/** What every list and update request is checked for, the same way in every service. */
import { aborted, validationFailed, type FieldViolation } from '@repo/errors';

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
}

/** Page and size of a list request (proto common.v1.PageRequest), defaulted and checked. */
export function pageOf(request: { page?: { page: number; size: number } | undefined }, limits: PageLimits): { page: number; size: number } {
  const page = request.page?.page || 1;
  const size = request.page?.size || limits.defaultSize;
  const violations: FieldViolation[] = [];
  if (page < 1) violations.push({ field: 'page', problem: 'must be at least 1' });
  if (size < 1 || size > limits.maxSize) violations.push({ field: 'size', problem: `must be between 1 and ${limits.maxSize}` });
  if (violations.length) throw validationFailed(violations);
  return { page, size };
}

/** The paging of a list answer (common.v1.PageResponse; int64 totals travel as strings). */
export function pageAnswer(page: { page: number; size: number }, total: number): { page: number; size: number; total: string } {
  return { page: page.page, size: page.size, total: String(total) };
}

/**
 * The fields an update changes. Every Update request carries `update_mask`: the camelCase names
 * of the resource's fields it sets, as REST names them (a PATCH body's keys); fields not named
 * keep their values, and a named field sent empty is cleared.
 */
export function updateMaskOf<F extends string>(mask: readonly string[], updatable: readonly F[]): F[] {
  if (mask.length === 0)
    throw validationFailed([{ field: 'updateMask', problem: `names no field to change; updatable: ${updatable.join(', ')}` }]);
  const unknown = mask.filter((field) => !(updatable as readonly string[]).includes(field));
  if (unknown.length) throw validationFailed(unknown.map((field) => ({ field, problem: 'is not an updatable field' })));
  return [...new Set(mask)] as F[];
}

/**
 * An update sent with `expectedRevision` (optimistic concurrency: 0 means "whatever is current")
 * is refused with 409 STALE_REVISION when the record has moved on since the caller read it.
 */
export function assertRevision(expected: number, current: { id: string; revision: number }, what: string): void {
  if (!expected || expected === current.revision) return;
  throw aborted('STALE_REVISION', `${what} ${current.id} is at revision ${current.revision}, not ${expected}; reload and retry`, {
    id: current.id,
    expectedRevision: String(expected),
    revision: String(current.revision),
  });
}
