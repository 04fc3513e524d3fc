/** Power lists (权力清单) over REST: items in six parts, their versions, their recorded executions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/supervision/v1';
import { Type, type Static } from '@sinclair/typebox';
import {
  calendarDate,
  call,
  errorResponses,
  expectedRevision,
  Id,
  IdParam,
  int32,
  oneOf,
  PageFields,
  pageOf,
  pageQuery,
  publicSecurity,
  updateMask,
} from '../common';
import type { SupervisionRouteOptions } from './clients';

const { powerItemKindCodec: kinds, powerVersionStatusCodec: versionStatuses, powerExecutionStatusCodec: executionStatuses } = pb;

const text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

const parts = {
  name: text(100, '事项名称, e.g. 村级重大事项决策'),
  kind: oneOf(kinds.values, 'publicPower 公共权力事项 or publicService 便民服务事项'),
  responsibleBody: text(200, '实施责任主体, e.g. 村党组织、村民委员会'),
  basis: Type.Array(
    Type.Object(
      {
        document: text(200, 'The rule, e.g. 《中华人民共和国村民委员会组织法》'),
        article: Type.String({ maxLength: 200, description: 'e.g. 第二十四条' }),
      },
      { additionalProperties: false },
    ),
    {
      minItems: 1,
      maxItems: 20,
      description: '来源依据',
    },
  ),
  process: Type.Array(
    Type.Object(
      {
        name: text(100, 'The step, e.g. 村党组织提议'),
        actor: text(100, 'Who acts, e.g. 村党组织'),
        timeLimitDays: int32({ minimum: 1, maximum: 365, description: 'Working days allowed after the previous step (or the start)' }),
      },
      { additionalProperties: false },
    ),
    { minItems: 1, maxItems: 30, description: '运行流程' },
  ),
  publicity: Type.Object(
    {
      content: text(2_000, 'What is made public'),
      channel: text(200, 'Where, e.g. 村务公开栏'),
      timing: text(200, 'When, e.g. 决议后5个工作日内'),
    },
    { additionalProperties: false, description: '公开公示' },
  ),
  accountability: text(2_000, '责任追究'),
};

const ContentBody = Type.Object(parts, { additionalProperties: false });
type ContentBody = Static<typeof ContentBody>;

const ItemBody = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    post: Type.String({ description: 'The post (岗位) it belongs to; empty for the whole organisation' }),
    version: Type.Integer(),
    status: Type.String({ description: 'draft, published or superseded' }),
    content: Type.Object({ ...parts, kind: Type.String() }),
    createdBy: Type.String(),
    createdAt: Type.String(),
    publishedBy: Type.String(),
    publishedAt: Type.String(),
    publishedVersion: Type.Integer({ description: 'The version in force; 0 before the first is published' }),
    versions: Type.Array(Type.Object({ version: Type.Integer(), status: Type.String(), publishedAt: Type.String() })),
    revision: Type.Integer(),
  },
  { $id: 'PowerItem' },
);

const ExecutionBody = Type.Object(
  {
    id: Type.String(),
    itemId: Type.String(),
    version: Type.Integer({ description: 'The item version in force when it began' }),
    organizationId: Type.String(),
    orgPath: Type.String(),
    title: Type.String(),
    startedAt: Type.String(),
    status: Type.String({ description: 'inProgress or completed' }),
    steps: Type.Array(
      Type.Object({
        index: Type.Integer(),
        name: Type.String(),
        expectedActor: Type.String(),
        actor: Type.String(),
        recordedBy: Type.String(),
        date: Type.String(),
        note: Type.String(),
        workingDays: Type.Integer({ description: 'Since the previous step; -1 when the working-day calendar does not cover the dates' }),
        timeLimitDays: Type.Integer(),
        byExpectedActor: Type.Boolean(),
        withinLimit: Type.String({ description: 'yes, no, or unknown' }),
      }),
    ),
    process: Type.Array(Type.Object({ name: Type.String(), actor: Type.String(), timeLimitDays: Type.Integer() }), {
      description: 'The steps of the item, for what comes next',
    }),
    createdBy: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'PowerExecution' },
);

const toProtoContent = (c: Partial<ContentBody>) =>
  pb.PowerItemContent.create({
    name: c.name ?? '',
    kind: kinds.toProto(c.kind),
    responsibleBody: c.responsibleBody ?? '',
    basis: (c.basis ?? []).map((b) => pb.PowerBasis.create(b)),
    process: (c.process ?? []).map((s) => pb.ProcessStep.create(s)),
    publicity: pb.Publicity.create(c.publicity ?? {}),
    accountability: c.accountability ?? '',
  });

function toItemBody(item: pb.PowerItem | undefined): Static<typeof ItemBody> {
  const version = item?.version;
  if (!item || !version?.content) throw new Error('service answered without an item');
  const content = version.content;
  return {
    id: item.id,
    organizationId: item.organizationId,
    orgPath: item.orgPath,
    post: item.post,
    version: version.version,
    status: versionStatuses.fromProto(version.status) ?? '',
    content: {
      ...content,
      kind: kinds.fromProto(content.kind) ?? '',
      publicity: content.publicity ?? { content: '', channel: '', timing: '' },
    },
    createdBy: version.createdBy,
    createdAt: version.createdAt,
    publishedBy: version.publishedBy,
    publishedAt: version.publishedAt,
    publishedVersion: item.publishedVersion,
    versions: item.versions.map((v) => ({
      version: v.version,
      status: versionStatuses.fromProto(v.status) ?? '',
      publishedAt: v.publishedAt,
    })),
    revision: item.revision,
  };
}

function toExecutionBody(execution: pb.PowerExecution | undefined): Static<typeof ExecutionBody> {
  if (!execution) throw new Error('service answered without an execution');
  return { ...execution, status: executionStatuses.fromProto(execution.status) ?? '' };
}

export const powerRoutes: FastifyPluginAsyncTypebox<SupervisionRouteOptions> = async (app, { supervision }) => {
  const client = supervision.power;

  app.post(
    '/power-items',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Draft a power list item (version 1) of an organisation or a post',
        body: Type.Object(
          {
            organizationId: Id('Whose list'),
            post: Type.Optional(Type.String({ maxLength: 100, description: 'The post (岗位), e.g. 村党组织书记' })),
            content: ContentBody,
          },
          { additionalProperties: false },
        ),
        response: { 201: ItemBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { item } = await call(request, client, 'createPowerItem', {
        organizationId: b.organizationId,
        post: b.post ?? '',
        content: toProtoContent(b.content),
      });
      return reply.status(201).header('location', `/api/v1/power-items/${item?.id}`).send(toItemBody(item));
    },
  );

  app.get(
    '/power-items',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Published power list items (and drafts of your scope when you write them)',
        security: publicSecurity,
        querystring: Type.Object(
          {
            ...pageQuery(),
            organizationId: Type.Optional(Id('This organisation and below')),
            post: Type.Optional(Type.String({ maxLength: 100 })),
            kind: Type.Optional(parts.kind),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(ItemBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, client, 'listPowerItems', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        organizationId: q.organizationId ?? '',
        post: q.post ?? '',
        kind: kinds.toProto(q.kind),
      });
      return { ...pageOf(answer.page), items: answer.items.map(toItemBody) };
    },
  );

  app.get(
    '/power-items/:id',
    {
      schema: {
        tags: ['power lists'],
        summary: 'The version in force of an item (public once published)',
        security: publicSecurity,
        params: IdParam,
        response: { 200: ItemBody, ...errorResponses },
      },
    },
    async (request) => toItemBody((await call(request, client, 'getPowerItem', { id: request.params.id, version: 0 })).item),
  );

  app.get(
    '/power-items/:id/versions/:version',
    {
      schema: {
        tags: ['power lists'],
        summary: 'One version of an item: published and superseded ones are public',
        security: publicSecurity,
        params: Type.Object({ id: Id('Item id'), version: int32({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: ItemBody, ...errorResponses },
      },
    },
    async (request) =>
      toItemBody((await call(request, client, 'getPowerItem', { id: request.params.id, version: request.params.version })).item),
  );

  app.patch(
    '/power-items/:id',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Change parts of the draft; parts left out keep their values',
        params: IdParam,
        body: Type.Object(
          { ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Type.Optional(v)])), expectedRevision: expectedRevision() },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ItemBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as Partial<ContentBody> & { expectedRevision?: number };
      const { item } = await call(request, client, 'updatePowerItemDraft', {
        id: request.params.id,
        content: toProtoContent(body),
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toItemBody(item);
    },
  );

  app.post(
    '/power-items/:id/versions',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Start a new version (a draft copied from the one in force)',
        params: IdParam,
        response: { 201: ItemBody, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(toItemBody((await call(request, client, 'draftPowerItemVersion', { id: request.params.id })).item)),
  );

  app.post(
    '/power-items/:id/publish',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Publish the draft: it comes into force and the version it replaces stays readable',
        params: IdParam,
        body: Type.Union([Type.Object({ expectedRevision: expectedRevision() }, { additionalProperties: false }), Type.Null()]),
        response: { 200: ItemBody, ...errorResponses },
      },
    },
    async (request) =>
      toItemBody(
        (await call(request, client, 'publishPowerItem', { id: request.params.id, expectedRevision: request.body?.expectedRevision ?? 0 }))
          .item,
      ),
  );

  app.post(
    '/power-items/:id/executions',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Begin recording an execution of the item’s version in force',
        params: IdParam,
        body: Type.Object(
          { title: text(200, 'What is being decided or done, e.g. 2026年村道硬化项目'), startedAt: calendarDate('When it began') },
          { additionalProperties: false },
        ),
        response: { 201: ExecutionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { execution } = await call(request, client, 'startPowerExecution', {
        itemId: request.params.id,
        title: request.body.title,
        startedAt: request.body.startedAt,
      });
      return reply.status(201).header('location', `/api/v1/power-executions/${execution?.id}`).send(toExecutionBody(execution));
    },
  );

  app.get(
    '/power-executions',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Recorded executions within your scope',
        querystring: Type.Object(
          {
            ...pageQuery(),
            itemId: Type.Optional(Id('Of this item')),
            organizationId: Type.Optional(Id('This organisation and below')),
            status: Type.Optional(oneOf(executionStatuses.values, 'inProgress or completed')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...PageFields, items: Type.Array(ExecutionBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const answer = await call(request, client, 'listPowerExecutions', {
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        itemId: q.itemId ?? '',
        organizationId: q.organizationId ?? '',
        status: executionStatuses.toProto(q.status),
      });
      return { ...pageOf(answer.page), items: answer.executions.map(toExecutionBody) };
    },
  );

  app.get(
    '/power-executions/:id',
    {
      schema: {
        tags: ['power lists'],
        summary: 'One execution with its steps',
        params: IdParam,
        response: { 200: ExecutionBody, ...errorResponses },
      },
    },
    async (request) => toExecutionBody((await call(request, client, 'getPowerExecution', { id: request.params.id })).execution),
  );

  app.post(
    '/power-executions/:id/steps',
    {
      schema: {
        tags: ['power lists'],
        summary: 'Record the next step as it happened; one by another actor or past its limit is flagged and warned',
        params: IdParam,
        body: Type.Object(
          {
            actor: text(100, 'Who acted (the body or post)'),
            date: calendarDate('When'),
            note: Type.Optional(Type.String({ maxLength: 2_000 })),
            expectedRevision: expectedRevision(),
          },
          { additionalProperties: false },
        ),
        response: { 200: ExecutionBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { execution } = await call(request, client, 'recordPowerStep', {
        id: request.params.id,
        actor: b.actor,
        date: b.date,
        note: b.note ?? '',
        expectedRevision: b.expectedRevision ?? 0,
      });
      return toExecutionBody(execution);
    },
  );
};
