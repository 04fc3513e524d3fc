import { verifyAccessToken } from '@repo/access';
import { unauthenticated } from '@repo/errors';
import { anonymous, type Identity } from '@repo/grpc';
import type { FastifyRequest } from 'fastify';

/**
 * Who is calling: the holder of a valid access token (`Authorization: Bearer ...`), or the
 * anonymous public when there is no Authorization header. A header that is present but
 * wrong answers 401 rather than quietly falling back to public access, so a client learns
 * its token expired. Services get the identity in gRPC metadata and enforce scope themselves.
 */
export function identityResolver(secret: string) {
  // The rate limiter and the route both ask; the token is verified once per request.
  const resolved = new WeakMap<FastifyRequest, Identity | Error>();
  return (request: FastifyRequest): Identity => {
    let identity = resolved.get(request);
    if (!identity) {
      try {
        identity = resolve(request);
      } catch (err) {
        identity = err as Error;
      }
      resolved.set(request, identity);
    }
    if (identity instanceof Error) throw identity;
    return identity;
  };

  function resolve(request: FastifyRequest): Identity {
    const requestId = String(request.id);
    const header = request.headers.authorization;
    if (header === undefined || header === '') return { ...anonymous, requestId };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated('AUTH_TOKEN_INVALID', 'Authorization header must be "Bearer <access token>"');
    const claims = verifyAccessToken(match[1]!, { secret });
    return { userId: claims.sub, roles: claims.roles, orgPath: claims.org, requestId };
  }
}
