import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError, type ErrorKind } from '@repo/errors';
import { ErrorInfo } from '@repo/proto/common/v1';

/** Trailing metadata key carrying common.v1.ErrorInfo with every non-OK status. */
export const errorInfoKey = 'x-error-info-bin';

const statusByKind: Record<ErrorKind, status> = {
  invalidArgument: status.INVALID_ARGUMENT,
  notFound: status.NOT_FOUND,
  alreadyExists: status.ALREADY_EXISTS,
  failedPrecondition: status.FAILED_PRECONDITION,
  permissionDenied: status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  aborted: status.ABORTED,
  resourceExhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  deadlineExceeded: status.DEADLINE_EXCEEDED,
  internal: status.INTERNAL,
};

/** The one gRPC status -> HTTP status mapping. */
const httpByStatus: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.OUT_OF_RANGE]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.ABORTED]: 409,
  [status.FAILED_PRECONDITION]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.CANCELLED]: 499,
  [status.UNIMPLEMENTED]: 501,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

const defaultCodeByStatus: Partial<Record<status, string>> = {
  [status.UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
  [status.DEADLINE_EXCEEDED]: 'DEADLINE_EXCEEDED',
  [status.UNIMPLEMENTED]: 'NOT_IMPLEMENTED',
};

export function httpStatusOf(code: status): number {
  return httpByStatus[code] ?? 500;
}

/** HTTP status of a domain error raised in the gateway itself (e.g. a bad token). */
export function httpStatusOfKind(kind: ErrorKind): number {
  return httpStatusOf(statusByKind[kind]);
}

/**
 * How much of an error crosses the wire. Trailers share the connection's header limits: an
 * error listing thousands of fields once overflowed them, and the client dropped the whole
 * HTTP/2 connection, failing every other call on it. So every error is cut to these bounds,
 * saying how many details were left out.
 */
export const errorLimits = { messageChars: 1_000, details: 50, keyChars: 200, valueChars: 500 } as const;

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The error as it may travel: message and details within errorLimits. */
export function boundedError(error: DomainError): { message: string; details: Record<string, string> } {
  const entries = Object.entries(error.details);
  const details: Record<string, string> = {};
  for (const [key, value] of entries.slice(0, errorLimits.details))
    details[cut(key, errorLimits.keyChars)] = cut(String(value), errorLimits.valueChars);
  if (entries.length > errorLimits.details) details.omittedDetails = String(entries.length - errorLimits.details);
  return { message: cut(error.message, errorLimits.messageChars), details };
}

/** Domain error (or anything thrown) -> a grpc-js ServiceError with ErrorInfo attached. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const domain = err instanceof DomainError ? err : new DomainError('internal', 'INTERNAL', 'internal error', {});
  const { message, details } = boundedError(domain);
  const metadata = new Metadata();
  const info = ErrorInfo.create({ code: domain.code, message, details });
  metadata.set(errorInfoKey, Buffer.from(ErrorInfo.encode(info).finish()));
  return { code: statusByKind[domain.kind], details: message, metadata };
}

export interface RemoteError {
  grpcStatus: status;
  httpStatus: number;
  code: string;
  message: string;
  details: Record<string, string>;
}

/** A failed call's ServiceError -> what the gateway answers, in one shape. */
export function fromServiceError(err: ServiceError): RemoteError {
  const raw = err.metadata?.get(errorInfoKey)[0];
  const info = Buffer.isBuffer(raw) ? ErrorInfo.decode(raw) : undefined;
  const grpcStatus = typeof err.code === 'number' ? err.code : status.UNKNOWN;
  // grpc-js itself refuses an oversized message with RESOURCE_EXHAUSTED: that is no rate limit,
  // and retrying later would not help.
  if (!info && grpcStatus === status.RESOURCE_EXHAUSTED && /larger than max/i.test(err.details ?? '')) {
    const sent = /^sent/i.test(err.details ?? '');
    return {
      grpcStatus,
      httpStatus: sent ? 413 : 502,
      code: sent ? 'PAYLOAD_TOO_LARGE' : 'REPLY_TOO_LARGE',
      message: sent ? 'the request is larger than a service accepts' : 'the service answered more than the gateway accepts',
      details: {},
    };
  }
  return {
    grpcStatus,
    httpStatus: httpStatusOf(grpcStatus),
    code: info?.code || defaultCodeByStatus[grpcStatus] || 'INTERNAL',
    message: info?.message || err.details || 'internal error',
    details: info?.details ?? {},
  };
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}
