/** Sign in, refresh, sign out, who am I, and user accounts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type * as pb from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from '../../errors';
import { call, errorResponses, Id, IdParam, PageFields, pageOf, pageQuery, updateMask, type RouteContext } from '../common';
import type { MemberRouteOptions } from './clients';
import { ChangePasswordBody, CreateUserBody, LoginBody, RefreshBody, TokensBody, UpdateUserBody, UserBody } from './schemas';

export function toUserBody(user: pb.User | undefined): Static<typeof UserBody> {
  if (!user) throw new Error('service answered without a user');
  return {
    id: user.id,
    userName: user.userName,
    displayName: user.displayName,
    roles: user.roles,
    organizationId: user.organizationId,
    orgPath: user.orgPath,
    memberId: user.memberId,
    lockedUntil: user.lockedUntil ?? null,
    disabled: user.disabled,
    createdAt: user.createdAt ?? '',
    revision: user.revision,
  };
}

function toTokens(response: { tokens?: pb.TokenPair | undefined; user?: pb.User | undefined }): Static<typeof TokensBody> {
  const tokens = response.tokens;
  if (!tokens) throw new Error('service answered without tokens');
  return {
    tokenType: 'Bearer',
    accessToken: tokens.accessToken,
    accessExpiresAt: tokens.accessExpiresAt ?? '',
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt ?? '',
    user: toUserBody(response.user),
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions & Pick<RouteContext, 'authLimit'>> = async (
  app,
  { member, authLimit },
) => {
  // Sign-in and refresh answer to anyone, so they get their own, stricter limit per address; a
  // stale Authorization header must not stop anyone from signing in again.
  const limited = { rateLimit: authLimit, ignoresBadToken: true };

  app.post(
    '/auth/login',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with user name and password',
        security: [],
        body: LoginBody,
        response: { 200: TokensBody, ...errorResponses },
      },
    },
    async (request) => {
      const response = await call(request, member.auth, 'login', { ...request.body, clientIp: request.ip });
      return toTokens(response);
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'New tokens for a refresh token (which stops working)',
        security: [],
        body: RefreshBody,
        response: { 200: TokensBody, ...errorResponses },
      },
    },
    async (request) => toTokens(await call(request, member.auth, 'refresh', request.body)),
  );

  app.post(
    '/auth/logout',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'End the session of a refresh token',
        security: [],
        body: RefreshBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await call(request, member.auth, 'logout', request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      // A wrong current password counts towards the lockout; the per-address limit of sign-in applies too.
      config: limited,
      schema: {
        tags: ['auth'],
        summary: "Change one's own password: every other session ends, new tokens for this one",
        body: ChangePasswordBody,
        response: { 200: TokensBody, ...errorResponses },
      },
    },
    async (request) => toTokens(await call(request, member.auth, 'changePassword', { ...request.body, clientIp: request.ip })),
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who the access token speaks for',
        response: { 200: Type.Object({ userId: Type.String(), roles: Type.Array(Type.String()), orgPath: Type.String() }), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const { userId, roles, orgPath } = request.identity;
      if (!userId) return reply.status(401).send({ error: { code: 'AUTH_REQUIRED', message: 'sign in first', details: {} } });
      return { userId, roles: [...roles], orgPath };
    },
  );

  app.post(
    '/users',
    {
      schema: { tags: ['users'], summary: 'Create a user account', body: CreateUserBody, response: { 201: UserBody, ...errorResponses } },
    },
    async (request, reply) => {
      const body = request.body;
      const { user } = await call(request, member.auth, 'createUser', {
        ...body,
        organizationId: body.organizationId ?? '',
        memberId: body.memberId ?? '',
      });
      return reply.status(201).header('location', `/api/v1/users/${user?.id}`).send(toUserBody(user));
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: "Users of an organisation subtree (default: the caller's scope)",
        querystring: Type.Object(
          { ...pageQuery(), organizationId: Type.Optional(Id('Organisation node')) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(UserBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, member.auth, 'listUsers', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        organizationId: q.organizationId ?? '',
      });
      return { ...pageOf(response.page), items: response.users.map(toUserBody) };
    },
  );

  app.get(
    '/users/:id',
    {
      schema: { tags: ['users'], summary: 'One user', params: IdParam, response: { 200: UserBody, ...errorResponses } },
    },
    async (request) => toUserBody((await call(request, member.auth, 'getUser', { id: request.params.id })).user),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's display name, roles, organisation, member record, or disable the account",
        params: IdParam,
        body: UpdateUserBody,
        response: { 200: UserBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      const { user } = await call(request, member.auth, 'updateUser', {
        id: request.params.id,
        displayName: body.displayName ?? '',
        roles: body.roles ?? [],
        organizationId: body.organizationId ?? '',
        memberId: body.memberId ?? '',
        disabled: body.disabled ?? false,
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toUserBody(user);
    },
  );

  app.post(
    '/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: 'Lift a lockout after failed logins',
        params: IdParam,
        response: { 200: UserBody, ...errorResponses },
      },
    },
    async (request) => toUserBody((await call(request, member.auth, 'unlockUser', { id: request.params.id })).user),
  );
};
