/**
 * Sessions of the web portal: sign-in, refresh and sign-out wrapping the member service's login,
 * refresh and logout RPCs, with the refresh token in a cookie scripts cannot read (HttpOnly,
 * SameSite=Strict, Secure behind TLS, sent only to these routes). The portal keeps the access
 * token in memory and asks here for a new one; the refresh token never reaches JavaScript.
 * Programs keep using /auth/login and /auth/refresh, which answer both tokens in the body.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';
import { call, errorResponses } from './routes/common';
import { toUserBody } from './routes/member/auth';
import { UserBody } from './routes/member/schemas';

export const sessionCookie = 'pb_refresh';
const cookiePath = '/api/v1/session';

export interface SessionOptions {
  /** Where the member service listens. */
  memberAddress: string;
  deadlineMs: number;
  /** Sign-in attempts per minute per client address (shared with /auth/login). */
  authLimitPerMinute: number;
}

const SessionBody = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  accessExpiresAt: Type.String(),
  refreshExpiresAt: Type.String({ description: 'When the session cookie stops working unless refreshed' }),
  user: UserBody,
});

const SignInBody = Type.Object(
  {
    userName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/** The value of one cookie of the request, or undefined. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const attributes = [
    `${sessionCookie}=${value}`,
    `Path=${cookiePath}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (request.protocol === 'https') attributes.push('Secure');
  void reply.header('set-cookie', attributes.join('; '));
}

/**
 * A browser sends Origin with every POST and DELETE; one from another origin is refused even
 * though SameSite=Strict already keeps the cookie from cross-site requests.
 */
function refuseForeignOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (origin !== `${request.protocol}://${request.host}`) {
    throw new HttpError(403, 'SESSION_FOREIGN_ORIGIN', "session requests are accepted from the portal's own origin only", { origin });
  }
}

function refreshTokenOf(request: FastifyRequest): string {
  const token = cookieOf(request, sessionCookie);
  if (!token || token.length > 200) throw new HttpError(401, 'SESSION_REQUIRED', 'no session: sign in first', {});
  return token;
}

export const sessionRoutes: FastifyPluginAsyncTypebox<SessionOptions> = async (app, options) => {
  const auth = new RpcClient(pb.AuthServiceService, options.memberAddress, options.deadlineMs);
  app.addHook('onClose', async () => auth.close());
  const config = {
    rateLimit: { max: options.authLimitPerMinute, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `auth:${request.ip}` },
    ignoresBadToken: true,
  };

  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    response: { tokens?: pb.TokenPair | undefined; user?: pb.User | undefined },
  ) {
    const tokens = response.tokens;
    if (!tokens) throw new Error('member service answered without tokens');
    const expiresAt = tokens.refreshExpiresAt ?? '';
    setCookie(request, reply, tokens.refreshToken, (Date.parse(expiresAt) - Date.now()) / 1000);
    void reply.header('cache-control', 'no-store');
    return {
      tokenType: 'Bearer' as const,
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.accessExpiresAt ?? '',
      refreshExpiresAt: expiresAt,
      user: toUserBody(response.user),
    };
  }

  app.post(
    '/session',
    {
      config,
      schema: {
        tags: ['auth'],
        summary: 'Sign in to the web portal: the access token in the body, the refresh token in an HttpOnly cookie',
        security: [],
        body: SignInBody,
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      return answer(request, reply, await call(request, auth, 'login', { ...request.body, clientIp: request.ip }));
    },
  );

  app.post(
    '/session/refresh',
    {
      config,
      schema: {
        tags: ['auth'],
        summary: 'A new access token for the session cookie (which is rotated)',
        security: [],
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const refreshToken = refreshTokenOf(request);
      try {
        return answer(request, reply, await call(request, auth, 'refresh', { refreshToken }));
      } catch (err) {
        // A refused refresh token is of no further use: the browser forgets it.
        setCookie(request, reply, '', 0);
        throw err;
      }
    },
  );

  app.delete(
    '/session',
    {
      config,
      schema: {
        tags: ['auth'],
        summary: 'Sign out of the web portal: ends the session and clears its cookie',
        security: [],
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const refreshToken = cookieOf(request, sessionCookie);
      setCookie(request, reply, '', 0);
      // Logging out of an unknown or ended session is no error at the member service either.
      if (refreshToken && refreshToken.length <= 200) await call(request, auth, 'logout', { refreshToken });
      return reply.status(204).send(null);
    },
  );
};
