/** Study points over REST: off unless an organisation turns them on; statistics per organisation only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, Id, int32 } from '../common';
import type { LearningRouteOptions } from './clients';
import { codecs, wordOf, words, Year } from './schemas';

const RulesBody = Type.Object(
  {
    version: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' }),
    effectiveFrom: calendarDate('Takes effect on (today or later)'),
    rules: Type.Array(
      Type.Object(
        {
          action: words('pointsAction', 'What earns points'),
          points: int32({ minimum: 1, maximum: 1_000 }),
          dailyCap: int32({ minimum: 0, maximum: 100_000, description: '0: no cap of its own' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    dailyMaximum: int32({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
const RulesOut = Type.Composite([RulesBody, Type.Object({ createdBy: Type.String() })]);

const toRulesBody = (r: pb.PointsRules) => ({
  version: r.version,
  effectiveFrom: r.effectiveFrom,
  rules: r.rules.map((x) => ({ action: wordOf(codecs.pointsAction, x.action), points: x.points, dailyCap: x.dailyCap })),
  dailyMaximum: r.dailyMaximum,
  createdBy: r.createdBy,
});

const OrgParams = Type.Object({ id: Id('Organisation id') }, { additionalProperties: false });

export const pointsRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.put(
    '/organizations/:id/points-setting',
    {
      schema: {
        tags: ['points'],
        summary: 'Turn study points on or off for an organisation and the nodes below it that set nothing themselves',
        params: OrgParams,
        body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ organizationId: Type.String(), enabled: Type.Boolean() }), ...errorResponses },
      },
    },
    async (request) =>
      call(request, learning.points, 'setPointsSetting', { organizationId: request.params.id, enabled: request.body.enabled }),
  );

  app.get(
    '/organizations/:id/points',
    {
      schema: {
        tags: ['points'],
        summary: 'Study points of an organisation and everything below it (no personal ranking)',
        params: OrgParams,
        querystring: Type.Object({ year: Type.Optional(Year()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            organizationId: Type.String(),
            year: Type.Integer(),
            enabled: Type.Boolean(),
            participants: Type.Integer(),
            totalPoints: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const r = await call(request, learning.points, 'getPointsStatistics', {
        organizationId: request.params.id,
        year: request.query.year ?? 0,
      });
      return {
        organizationId: r.organizationId,
        year: r.year,
        enabled: r.enabled,
        participants: r.participants,
        totalPoints: Number(r.totalPoints),
      };
    },
  );

  app.get(
    '/me/points',
    {
      schema: {
        tags: ['points'],
        summary: 'Your own study points (where your organisation turned them on)',
        querystring: Type.Object({ year: Type.Optional(Year()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ enabled: Type.Boolean(), year: Type.Integer(), total: Type.Integer(), today: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const r = await call(request, learning.points, 'getMyPoints', { year: request.query.year ?? 0 });
      return { enabled: r.enabled, year: r.year, total: Number(r.total), today: r.today };
    },
  );

  app.get(
    '/learning/points-rules',
    {
      schema: {
        tags: ['points'],
        summary: 'The versions of the points rules, oldest first',
        response: { 200: Type.Object({ items: Type.Array(RulesOut) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await call(request, learning.points, 'listPointsRules', {})).versions.map(toRulesBody),
    }),
  );

  app.post(
    '/learning/points-rules',
    {
      schema: {
        tags: ['points'],
        summary: 'Add a version of the points rules',
        body: RulesBody,
        response: { 201: RulesOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { rules } = await call(request, learning.points, 'addPointsRules', {
        rules: pb.PointsRules.create({ ...b, rules: b.rules.map((r) => ({ ...r, action: codecs.pointsAction.toProto(r.action) })) }),
      });
      return reply.status(201).send(toRulesBody(rules!));
    },
  );
};
