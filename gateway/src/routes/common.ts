/** What every route family shares: its context, the one-RPC helper, ids, paging, errors. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Definition, RequestOf, ResponseOf, RpcClient } from '@repo/grpc';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../errors';

/** What the gateway hands each service's routes (routes/<service>/index.ts). */
export interface RouteContext {
  /** Where the service listens (its <NAME>_ADDR). */
  address: string;
  /** The deadline of an ordinary call. */
  deadlineMs: number;
  /** Limits for sign-in and refresh: per client address, stricter than the rest. */
  authLimit: { max: number; timeWindow: number; keyGenerator: (request: FastifyRequest) => string };
}

/** The default export of routes/<service>/index.ts: the service's REST routes under /api/v1. */
export type ServiceRoutes = FastifyPluginAsyncTypebox<RouteContext>;

/**
 * The one way a route calls a service: one RPC with the request's caller (its signed assertion)
 * and the service's deadline, so no route ever forgets the credentials or sets its own.
 */
export async function call<D extends Definition, K extends keyof D & string>(
  request: FastifyRequest,
  client: RpcClient<D>,
  method: K,
  message: RequestOf<D[K]>,
  deadlineMs?: number,
): Promise<ResponseOf<D[K]>> {
  return client.call(method, message, await request.credentials(), ...(deadlineMs ? [deadlineMs] : []));
}

export const Id = (description: string) => Type.String({ format: 'uuid', description });

export const IdParam = Type.Object({ id: Id('Id') }, { additionalProperties: false });

/** An integer a proto int32 field carries: bounded so nothing past it reaches a service. */
export const int32 = (options: { minimum?: number; maximum?: number; default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: options.minimum ?? -2_147_483_648, maximum: options.maximum ?? 2_147_483_647, ...options });

/**
 * An integer a proto int64 field carries: bounded to what a JSON number holds exactly, since past
 * it the number is no longer the digits sent (2e22 reached the service as "2.1e+22" and failed
 * to serialise: a 500).
 */
export const int64 = (options: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Integer({ minimum: options.minimum ?? Number.MIN_SAFE_INTEGER, maximum: options.maximum ?? Number.MAX_SAFE_INTEGER, ...options });

export const pageQuery = (maxSize = 100) => ({
  page: Type.Optional(int32({ minimum: 1, default: 1 })),
  size: Type.Optional(int32({ minimum: 1, maximum: maxSize, default: 20 })),
});

export const PageFields = {
  total: Type.Integer(),
  page: Type.Integer(),
  size: Type.Integer(),
};

/** The optimistic-concurrency field of an update body. */
export const expectedRevision = () =>
  Type.Optional(int32({ minimum: 1, description: 'Refuse the update (409 STALE_REVISION) unless the record is still at this revision' }));

/** A closed list of words: one `enum` keyword gives one clear error and a clean OpenAPI enum. */
export const oneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

export const calendarDate = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD)`, examples: ['2024-03-01'] });

export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };

/** Paging of a proto list answer, for a REST body. */
export function pageOf(page: { page: number; size: number; total: string } | undefined): { total: number; page: number; size: number } {
  return { total: Number(page?.total ?? 0), page: page?.page ?? 1, size: page?.size ?? 0 };
}

/** The update mask of a PATCH body: the fields it names (camelCase, as proto update masks take them). */
export function updateMask(body: object, controlFields: readonly string[] = ['expectedRevision']): string[] {
  return Object.keys(body).filter((key) => !controlFields.includes(key));
}

/** OpenAPI security of a public route: anyone, and a signed-in caller may send a token (a bad one is 401). */
export const publicSecurity: { [scheme: string]: string[] }[] = [{}, { bearer: [] }];
