import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError, validationFailed } from '@repo/errors';
import { fromServiceError, httpStatusOf, toServiceError } from '../src/status';

function asServiceError(partial: Partial<ServiceError>): ServiceError {
  return Object.assign(new Error(partial.details ?? ''), { code: partial.code, details: partial.details, metadata: partial.metadata ?? new Metadata() }) as ServiceError;
}

describe('error mapping', () => {
  test('a domain error crosses gRPC with its code, message and details, and lands on the right HTTP status', () => {
    const sent = toServiceError(new DomainError('failedPrecondition', 'CONTENT_WORKFLOW_STEP', 'cannot publish a draft', { status: 'draft' }));
    expect(sent.code).toBe(status.FAILED_PRECONDITION);
    expect(fromServiceError(asServiceError(sent))).toEqual({
      grpcStatus: status.FAILED_PRECONDITION,
      httpStatus: 409,
      code: 'CONTENT_WORKFLOW_STEP',
      message: 'cannot publish a draft',
      details: { status: 'draft' },
    });
  });

  test('validation failures name every field', () => {
    const remote = fromServiceError(asServiceError(toServiceError(validationFailed([{ field: 'title', problem: 'is required' }, { field: 'issuedAt', problem: 'must be a date' }]))));
    expect(remote).toMatchObject({ httpStatus: 400, code: 'VALIDATION_FAILED', details: { title: 'is required', issuedAt: 'must be a date' } });
    expect(remote.message).toBe('title: is required; issuedAt: must be a date');
  });

  test('unexpected errors do not leak their text', () => {
    const remote = fromServiceError(asServiceError(toServiceError(new Error('password=hunter2 in connection string'))));
    expect(remote).toMatchObject({ httpStatus: 500, code: 'INTERNAL', message: 'internal error' });
  });

  test('transport failures without ErrorInfo still map', () => {
    expect(fromServiceError(asServiceError({ code: status.UNAVAILABLE, details: 'No connection established' }))).toMatchObject({ httpStatus: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(fromServiceError(asServiceError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }))).toMatchObject({ httpStatus: 504, code: 'DEADLINE_EXCEEDED' });
    expect(httpStatusOf(status.PERMISSION_DENIED)).toBe(403);
    expect(httpStatusOf(status.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(status.NOT_FOUND)).toBe(404);
  });
});
