import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError, validationFailed } from '@repo/errors';
import { fromServiceError, httpStatusOf, toServiceError } from '../src/status';

function asServiceError(partial: Partial<ServiceError>): ServiceError {
  return Object.assign(new Error(partial.details ?? ''), {
    code: partial.code,
    details: partial.details,
    metadata: partial.metadata ?? new Metadata(),
  }) as ServiceError;
}

describe('error mapping', () => {
  test('a domain error crosses gRPC with its code, message and details, and lands on the right HTTP status', () => {
    const sent = toServiceError(
      new DomainError('failedPrecondition', 'CONTENT_WORKFLOW_STEP', 'cannot publish a draft', { status: 'draft' }),
    );
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
    const remote = fromServiceError(
      asServiceError(
        toServiceError(
          validationFailed([
            { field: 'title', problem: 'is required' },
            { field: 'issuedAt', problem: 'must be a date' },
          ]),
        ),
      ),
    );
    expect(remote).toMatchObject({
      httpStatus: 400,
      code: 'VALIDATION_FAILED',
      details: { title: 'is required', issuedAt: 'must be a date' },
    });
    expect(remote.message).toBe('title: is required; issuedAt: must be a date');
  });

  test('unexpected errors do not leak their text', () => {
    const remote = fromServiceError(asServiceError(toServiceError(new Error('password=hunter2 in connection string'))));
    expect(remote).toMatchObject({ httpStatus: 500, code: 'INTERNAL', message: 'internal error' });
  });

  test('transport failures without ErrorInfo still map', () => {
    expect(fromServiceError(asServiceError({ code: status.UNAVAILABLE, details: 'No connection established' }))).toMatchObject({
      httpStatus: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(fromServiceError(asServiceError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }))).toMatchObject({
      httpStatus: 504,
      code: 'DEADLINE_EXCEEDED',
    });
    expect(httpStatusOf(status.PERMISSION_DENIED)).toBe(403);
    expect(httpStatusOf(status.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(status.NOT_FOUND)).toBe(404);
  });

  test('an error with thousands of details crosses the wire bounded, saying how many were left out', () => {
    const violations = Array.from({ length: 2_000 }, (_, i) => ({
      field: `attendance.present[${i}]`,
      problem: `${'x'.repeat(600)} is not a member`,
    }));
    const sent = toServiceError(validationFailed(violations));
    const encoded = (sent.metadata?.get('x-error-info-bin')[0] as Buffer).length;
    expect(encoded).toBeLessThan(32 * 1024);
    const remote = fromServiceError(asServiceError(sent));
    expect(Object.keys(remote.details)).toHaveLength(51);
    expect(remote.details.omittedDetails).toBe('1950');
    expect([...remote.message].length).toBeLessThanOrEqual(1_000);
    expect(remote.details['attendance.present[0]']!.length).toBeLessThanOrEqual(500);
  });

  test('a message too large for gRPC is not a rate limit', () => {
    expect(
      fromServiceError(
        asServiceError({ code: status.RESOURCE_EXHAUSTED, details: 'Received message larger than max (104857600 vs. 4194304)' }),
      ),
    ).toMatchObject({ httpStatus: 502, code: 'REPLY_TOO_LARGE' });
    expect(
      fromServiceError(
        asServiceError({ code: status.RESOURCE_EXHAUSTED, details: 'Sent message larger than max (60000000 vs. 50331648)' }),
      ),
    ).toMatchObject({ httpStatus: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(
      fromServiceError(asServiceError(toServiceError(new DomainError('resourceExhausted', 'AUTH_ACCOUNT_LOCKED', 'locked')))),
    ).toMatchObject({ httpStatus: 429 });
  });
});
