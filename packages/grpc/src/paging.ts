import { validationFailed, type FieldViolation } from '@repo/errors';

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
