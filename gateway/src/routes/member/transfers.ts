/** Not built yet. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MemberRouteOptions } from './auth';

export const transferRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async () => undefined;
