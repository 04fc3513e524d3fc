/** Every failure leaves the gateway in one shape: { error: { code, message, details } }. */
import { DomainError } from '@repo/errors';
import { fromServiceError, httpStatusOfKind, isServiceError } from '@repo/grpc';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable rule name, e.g. VALIDATION_FAILED or CONTENT_WORKFLOW_STEP' }),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.String()),
    }),
  },
  { $id: 'ErrorBody', title: 'Error' },
);

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Names the field an ajv error is about: body.title, query.size, params.id ... */
function fieldOf(error: AjvError, part: string): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = (error.params.missingProperty as string | undefined) ?? (error.params.additionalProperty as string | undefined);
  return [part, path, extra].filter(Boolean).join('.');
}

function problemOf(error: AjvError): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
  return error.message ?? 'is invalid';
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
    if (error.validation) {
      const details: Record<string, string> = {};
      // Callers know "query" (the URL's query string), not fastify's "querystring".
      const part = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
      for (const v of error.validation) details[fieldOf(v, part)] = problemOf(v);
      const message = Object.entries(details)
        .map(([field, problem]) => `${field} ${problem}`)
        .join('; ');
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message, details } });
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error instanceof DomainError) {
      const status = httpStatusOfKind(error.kind);
      if (error.details.retryAfterSeconds) void reply.header('retry-after', error.details.retryAfterSeconds);
      return reply.status(status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (isServiceError(error)) {
      const remote = fromServiceError(error);
      if (remote.httpStatus >= 500) request.log.error({ err: error, grpcStatus: remote.grpcStatus }, 'service call failed');
      if (remote.details.retryAfterSeconds) void reply.header('retry-after', remote.details.retryAfterSeconds);
      return reply.status(remote.httpStatus).send({ error: { code: remote.code, message: remote.message, details: remote.details } });
    }
    const status = error.statusCode ?? 500;
    if ((status === 400 && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') || error instanceof SyntaxError) {
      return reply.status(400).send({ error: { code: 'MALFORMED_JSON', message: 'request body is not valid JSON', details: {} } });
    }
    if (status < 500) {
      const code = error.code?.startsWith('FST_') ? fastifyCode(status) : (error.code ?? fastifyCode(status));
      return reply.status(status).send({ error: { code, message: error.message, details: {} } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: {} },
    }),
  );
}

function fastifyCode(status: number): string {
  switch (status) {
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'BAD_REQUEST';
  }
}

function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message, details: {} } });
}

/**
 * What Node's HTTP parser refuses before fastify sees a request (headers too large, a broken
 * request line, a client too slow), answered in the error shape like everything else.
 */
export function sendClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'request headers (with the URL) exceed the size allowed']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
        : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = errorJson(code, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Errors fastify's router raises before any route: a URL it cannot decode, a path segment too long. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(414).type('application/json').send(errorJson('URI_TOO_LONG', 'a path segment is longer than allowed'));
    return;
  }
  void reply.status(400).type('application/json').send(errorJson('BAD_URL', 'the URL cannot be decoded'));
}
