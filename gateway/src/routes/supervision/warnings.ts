/** Early warnings over REST: lists, handling, statistics, the rules in force. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/supervision/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, expectedRevision, IdParam, oneOf, PageFields, pageOf, pageQuery } from '../common';
import type { SupervisionRouteOptions } from './clients';

const { warningStatusCodec: statuses, warningActionCodec: actions, warningSeverityCodec: severities } = pb;

const orgPath = Type.String({
  maxLength: 500,
  description: 'This organisation path and below, within your scope (e.g. /1/7/); your whole scope when left out',
});

const WarningBody = Type.Object(
  {
    id: Type.String(),
    ruleId: Type.String(),
    title: Type.String(),
    basis: Type.String({ description: 'The regulation the rule rests on' }),
    severity: Type.String({ description: 'notice 提醒, warning 预警, serious 严重' }),
    subjectId: Type.String({ description: 'Who or what it is about: a member, a branch, a user, a message' }),
    period: Type.String({ description: 'Raised once per rule, subject and period' }),
    orgPath: Type.String(),
    facts: Type.Unknown({ description: 'What the rule saw' }),
    eventId: Type.String({ description: 'The event that raised it; empty for a period judged by the rules' }),
    status: Type.String({ description: 'open -> assigned -> acknowledged -> closed' }),
    assignee: Type.String(),
    raisedAt: Type.String(),
    history: Type.Array(
      Type.Object({ action: Type.String(), actor: Type.String(), at: Type.String(), note: Type.String(), assignee: Type.String() }),
    ),
    revision: Type.Integer(),
  },
  { $id: 'Warning' },
);

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    status: Type.Optional(oneOf(statuses.values, 'open, assigned, acknowledged or closed')),
    ruleId: Type.Optional(Type.String({ maxLength: 60 })),
    subjectId: Type.Optional(Type.String({ maxLength: 120 })),
    orgPath: Type.Optional(orgPath),
    assignedToMe: Type.Optional(Type.Boolean({ description: 'Only those assigned to you' })),
  },
  { additionalProperties: false },
);

const StepBodies = {
  assign: Type.Object(
    {
      assignee: Type.String({ minLength: 1, maxLength: 120, description: 'User id to assign it to' }),
      note: Type.Optional(Type.String({ maxLength: 1_000 })),
      expectedRevision: expectedRevision(),
    },
    { additionalProperties: false },
  ),
  acknowledge: Type.Union([
    Type.Object(
      { note: Type.Optional(Type.String({ maxLength: 1_000 })), expectedRevision: expectedRevision() },
      { additionalProperties: false },
    ),
    Type.Null(),
  ]),
  close: Type.Object(
    { note: Type.String({ minLength: 1, maxLength: 1_000, description: 'What was done; required' }), expectedRevision: expectedRevision() },
    { additionalProperties: false },
  ),
};

const CountsBody = Type.Object({
  open: Type.Integer(),
  assigned: Type.Integer(),
  acknowledged: Type.Integer(),
  closed: Type.Integer(),
  total: Type.Integer(),
});

function toWarningBody(w: pb.Warning | undefined): Static<typeof WarningBody> {
  if (!w) throw new Error('service answered without a warning');
  return {
    ...w,
    severity: severities.fromProto(w.severity) ?? '',
    status: statuses.fromProto(w.status) ?? '',
    facts: JSON.parse(w.factsJson || '{}'),
    raisedAt: w.raisedAt ?? '',
    history: w.history.map((s) => ({
      action: actions.fromProto(s.action) ?? '',
      actor: s.actor,
      at: s.at ?? '',
      note: s.note,
      assignee: s.assignee,
    })),
  };
}

const countsOf = (c: pb.StatusCounts | undefined) => c ?? { open: 0, assigned: 0, acknowledged: 0, closed: 0, total: 0 };

export const warningRoutes: FastifyPluginAsyncTypebox<SupervisionRouteOptions> = async (app, { supervision }) => {
  const client = supervision.warnings;

  app.get(
    '/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Early warnings within your scope, newest first',
        querystring: ListQuery,
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(WarningBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, client, 'listWarnings', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        status: statuses.toProto(q.status),
        ruleId: q.ruleId ?? '',
        subjectId: q.subjectId ?? '',
        orgPath: q.orgPath ?? '',
        assignedToMe: q.assignedToMe ?? false,
      });
      return { ...pageOf(answer.page), items: answer.warnings.map(toWarningBody) };
    },
  );

  app.get(
    '/warnings/statistics',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Warnings counted by rule and status, and by organisation, within your scope',
        querystring: Type.Object({ orgPath: Type.Optional(orgPath) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            total: CountsBody,
            byRule: Type.Array(Type.Object({ ruleId: Type.String(), title: Type.String(), counts: CountsBody })),
            byOrganization: Type.Array(Type.Object({ orgPath: Type.String(), counts: CountsBody })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const answer = await call(request, client, 'getWarningStatistics', { orgPath: request.query.orgPath ?? '' });
      return {
        total: countsOf(answer.total),
        byRule: answer.byRule.map((r) => ({ ruleId: r.ruleId, title: r.title, counts: countsOf(r.counts) })),
        byOrganization: answer.byOrganization.map((o) => ({ orgPath: o.orgPath, counts: countsOf(o.counts) })),
      };
    },
  );

  app.get(
    '/warnings/rules',
    {
      schema: {
        tags: ['warnings'],
        summary: 'The rules in force, each with its basis',
        response: {
          200: Type.Object({
            rules: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                title: Type.String(),
                basis: Type.String(),
                severity: Type.String(),
                settings: Type.Unknown(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const answer = await call(request, client, 'listWarningRules', {});
      return {
        rules: answer.rules.map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          basis: r.basis,
          severity: severities.fromProto(r.severity) ?? '',
          settings: JSON.parse(r.settingsJson),
        })),
      };
    },
  );

  app.get(
    '/warnings/:id',
    {
      schema: {
        tags: ['warnings'],
        summary: 'One warning with its handling',
        params: IdParam,
        response: { 200: WarningBody, ...errorResponses },
      },
    },
    async (request) => toWarningBody((await call(request, client, 'getWarning', { id: request.params.id })).warning),
  );

  const summaries = {
    assign: 'Assign it to someone (inspectors); again to reassign',
    acknowledge: 'Acknowledge it (the one it is assigned to)',
    close: 'Close it with a note saying what was done (inspectors)',
  } as const;
  for (const action of ['assign', 'acknowledge', 'close'] as const) {
    app.post(
      `/warnings/:id/${action}`,
      {
        schema: {
          tags: ['warnings'],
          summary: summaries[action],
          params: IdParam,
          body: StepBodies[action],
          response: { 200: WarningBody, ...errorResponses },
        },
      },
      async (request) => {
        const body = (request.body ?? {}) as { assignee?: string; note?: string; expectedRevision?: number };
        const { warning } = await call(request, client, 'transitionWarning', {
          id: request.params.id,
          action: actions.toProto(action),
          assignee: body.assignee ?? '',
          note: body.note ?? '',
          expectedRevision: body.expectedRevision ?? 0,
        });
        return toWarningBody(warning);
      },
    );
  }
};
