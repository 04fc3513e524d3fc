/**
 * Domain errors: what went wrong in the language of the rules, independent of transport.
 * `@repo/grpc` maps the kind to a gRPC status and the gateway maps that to HTTP, each in one place.
 */
export type ErrorKind =
  | 'invalidArgument'
  | 'notFound'
  | 'alreadyExists'
  | 'failedPrecondition'
  | 'permissionDenied'
  | 'unauthenticated'
  | 'aborted'
  | 'resourceExhausted'
  | 'unavailable'
  /** The work could not be done within the caller's deadline (the store's time limit ran out). */
  | 'deadlineExceeded'
  | 'internal';

export type ErrorDetails = Record<string, string>;

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable upper snake case rule name, e.g. CONTENT_WORKFLOW_STEP. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidArgument = (code: string, message: string, details?: ErrorDetails) =>
  new DomainError('invalidArgument', code, message, details);
export const notFound = (code: string, message: string, details?: ErrorDetails) => new DomainError('notFound', code, message, details);
export const alreadyExists = (code: string, message: string, details?: ErrorDetails) =>
  new DomainError('alreadyExists', code, message, details);
export const failedPrecondition = (code: string, message: string, details?: ErrorDetails) =>
  new DomainError('failedPrecondition', code, message, details);
export const permissionDenied = (code: string, message: string, details?: ErrorDetails) =>
  new DomainError('permissionDenied', code, message, details);
export const unauthenticated = (code: string, message: string, details?: ErrorDetails) =>
  new DomainError('unauthenticated', code, message, details);
export const aborted = (code: string, message: string, details?: ErrorDetails) => new DomainError('aborted', code, message, details);

/** One field problem; validators collect these and throw them together. */
export interface FieldViolation {
  field: string;
  problem: string;
}

export function validationFailed(violations: FieldViolation[]): DomainError {
  const first = violations[0];
  const message = first ? violations.map((v) => `${v.field}: ${v.problem}`).join('; ') : 'request is invalid';
  const details: ErrorDetails = {};
  for (const v of violations) details[v.field] = v.problem;
  return new DomainError('invalidArgument', 'VALIDATION_FAILED', message, details);
}
