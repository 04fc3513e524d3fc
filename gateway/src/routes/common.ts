/** Schema pieces every route family shares: ids, paging, the error responses. */
import type { Identity } from '@repo/grpc';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../errors';

export type Identify = (request: FastifyRequest) => Identity;

export const Id = (description: string) => Type.String({ format: 'uuid', description });

export const IdParam = Type.Object({ id: Id('Id') });

export const pageQuery = (maxSize = 100) => ({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: maxSize, default: 20 })),
});

export const PageFields = {
  total: Type.Integer(),
  page: Type.Integer(),
  size: Type.Integer(),
};

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
