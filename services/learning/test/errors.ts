import { domainErrorOf } from '@repo/errors/testing';

/** Expects `fn` to throw the domain error `code`, with at least these details. */
export function expectDomainError(fn: () => unknown, code: string, details?: Record<string, unknown>): void {
  const error = domainErrorOf(fn);
  expect(error.code).toBe(code);
  if (details) expect(error.details).toMatchObject(details);
}
