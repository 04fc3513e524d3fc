import { anonymous, identityKeys, type Identity } from '@repo/grpc';
import type { FastifyRequest } from 'fastify';

const pathPattern = /^\/(\d+\/)*$/;

/**
 * Who is calling. Until sign-in with tokens arrives, a development mode may trust identity
 * headers; otherwise every caller is anonymous (public read access only).
 */
export function identityResolver(trustHeaders: boolean) {
  return (request: FastifyRequest): Identity => {
    const requestId = String(request.id);
    if (!trustHeaders) return { ...anonymous, requestId };
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value.trim() : '';
    };
    const orgPath = header(identityKeys.orgPath);
    return {
      userId: header(identityKeys.userId).slice(0, 64),
      roles: header(identityKeys.roles).split(',').map((r) => r.trim()).filter(Boolean).slice(0, 10),
      orgPath: pathPattern.test(orgPath) ? orgPath : '',
      requestId,
    };
  };
}
