/**
 * Who is calling, resolved once per request in an onRequest hook: the holder of a valid access
 * token (`Authorization: Bearer ...`), or the anonymous public when there is no Authorization
 * header. A header that is present but wrong answers 401 rather than quietly falling back to
 * public access, so a client learns its token expired. Handlers read `request.identity` and get
 * the credentials for a service call from `request.credentials()`: a caller assertion signed by
 * the gateway, which services verify (they never trust plain identity metadata).
 */
import { anonymousCaller, AssertionSigner, verifyAccessToken, type Caller } from '@repo/access';
import { unauthenticated } from '@repo/errors';
import type { CallCredentials } from '@repo/grpc';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller: a signed-in user, or the public (userId ''). */
    identity: Caller;
    /** Why the Authorization header was refused; answered as 401 after the rate limit counted it. */
    identityError: Error | null;
    /** Credentials for calling a service as this request's caller. */
    credentials(): Promise<CallCredentials>;
  }
}

export interface IdentityOptions {
  secret: string;
  signingKey: string;
  maxLifetimeSeconds: number;
}

async function resolve(request: FastifyRequest, { secret, maxLifetimeSeconds }: IdentityOptions): Promise<Caller> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return anonymousCaller;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('AUTH_TOKEN_INVALID', 'Authorization header must be "Bearer <access token>"');
  const claims = await verifyAccessToken(match[1]!, { secret, maxLifetimeSeconds });
  return { userId: claims.sub, roles: claims.roles, orgPath: claims.org };
}

/**
 * Resolves `request.identity` in the first onRequest hook (the rate limiter, registered next,
 * counts the caller); `refuseBadTokens` is the hook that answers 401, registered after it.
 */
export function registerIdentity(
  app: FastifyInstance,
  options: IdentityOptions,
): { refuseBadTokens: (request: FastifyRequest) => Promise<void> } {
  const signer = new AssertionSigner(options.signingKey, 'gateway');
  app.decorateRequest('identity', null as unknown as Caller);
  app.decorateRequest('identityError', null);
  app.decorateRequest('credentials', async function (this: FastifyRequest) {
    return { assertion: await signer.sign(this.identity), requestId: String(this.id) };
  });
  app.addHook('onRequest', async (request) => {
    try {
      request.identity = await resolve(request, options);
    } catch (err) {
      // Counted against the client's address by the rate limiter, then answered 401.
      request.identity = anonymousCaller;
      request.identityError = err as Error;
    }
  });
  return {
    refuseBadTokens: async (request) => {
      // Sign-in, refresh and sign-out act as the public whatever Authorization says.
      if (request.identityError && !(request.routeOptions.config as { ignoresBadToken?: boolean } | undefined)?.ignoresBadToken)
        throw request.identityError;
    },
  };
}
