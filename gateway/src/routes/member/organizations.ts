/** The organisation tree over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationKindCodec as kinds, type Organization } from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, expectedRevision, Id, IdParam, oneOf, PageFields, pageOf, pageQuery, updateMask } from '../common';
import type { MemberRouteOptions } from './clients';

const kindText = 'committee 党委, generalBranch 党总支, branch 党支部, group 党小组';

export const OrganizationBody = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: oneOf(kinds.values, kindText),
    parentId: Type.String(),
    path: Type.String({ description: 'Materialised path of ids, this node last: /a/b/c/' }),
    depth: Type.Integer(),
    code: Type.String(),
    childCount: Type.Integer(),
    memberCount: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Organization' },
);

const name = Type.String({ minLength: 1, maxLength: 100, description: 'e.g. 中共江川省委组织部机关第一党支部' });
const code = Type.String({ maxLength: 40, pattern: '^[A-Za-z0-9_-]*$', description: 'Optional code used by imports (组织编码); unique' });

const CreateBody = Type.Object(
  {
    parentId: Type.Optional(Id('Parent node; omit for a top-level committee (superAdmin only)')),
    name,
    kind: oneOf(kinds.values, kindText),
    code: Type.Optional(code),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  { name: Type.Optional(name), code: Type.Optional(code), expectedRevision: expectedRevision() },
  { additionalProperties: false, minProperties: 1 },
);
const MoveBody = Type.Object(
  { newParentId: Type.Union([Id('New parent node'), Type.Null()], { description: 'null moves a committee to the top (superAdmin only)' }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    ...pageQuery(),
    parentId: Type.Optional(Id("Children of this node; omit for the caller's own top nodes")),
    descendants: Type.Optional(Type.Boolean({ description: 'Every node below parentId, not only its children' })),
    kind: Type.Optional(oneOf(kinds.values, kindText)),
  },
  { additionalProperties: false },
);
const ListBody = Type.Object({ ...PageFields, items: Type.Array(OrganizationBody) });

function toBody(org: Organization | undefined): Static<typeof OrganizationBody> {
  if (!org) throw new Error('service answered without an organization');
  return { ...org, kind: kinds.fromProto(org.kind) ?? '', createdAt: org.createdAt ?? '', updatedAt: org.updatedAt ?? '' };
}

export const organizationRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.organizations;

  app.post(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create a node under a parent',
        body: CreateBody,
        response: { 201: OrganizationBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { organization } = await call(request, client, 'createOrganization', {
        parentId: body.parentId ?? '',
        name: body.name,
        kind: kinds.toProto(body.kind),
        code: body.code ?? '',
      });
      return reply.status(201).header('location', `/api/v1/organizations/${organization?.id}`).send(toBody(organization));
    },
  );

  app.get(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: "Children of a node (or the caller's top nodes), or a whole subtree",
        querystring: ListQuery,
        response: { 200: ListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listOrganizations', {
        parentId: q.parentId ?? '',
        descendants: q.descendants ?? false,
        kind: kinds.toProto(q.kind),
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.organizations.map(toBody) };
    },
  );

  app.get(
    '/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'One node with its counts of children and members',
        params: IdParam,
        response: { 200: OrganizationBody, ...errorResponses },
      },
    },
    async (request) => toBody((await call(request, client, 'getOrganization', { id: request.params.id })).organization),
  );

  app.get(
    '/organizations/:id/children',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Children of a node',
        params: IdParam,
        querystring: Type.Object(pageQuery(), { additionalProperties: false }),
        response: { 200: ListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listOrganizations', {
        parentId: request.params.id,
        descendants: false,
        kind: kinds.toProto(undefined),
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.organizations.map(toBody) };
    },
  );

  app.patch(
    '/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Rename a node or change its code',
        params: IdParam,
        body: UpdateBody,
        response: { 200: OrganizationBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      const { organization } = await call(request, client, 'updateOrganization', {
        id: request.params.id,
        name: body.name ?? '',
        code: body.code ?? '',
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toBody(organization);
    },
  );

  app.post(
    '/organizations/:id/move',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Move a node and everything below it under a new parent',
        params: IdParam,
        body: MoveBody,
        response: {
          200: Type.Object({ organization: OrganizationBody, movedNodes: Type.Integer(), movedRecords: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const response = await call(request, client, 'moveOrganization', {
        id: request.params.id,
        newParentId: request.body.newParentId ?? '',
      });
      return { organization: toBody(response.organization), movedNodes: response.movedNodes, movedRecords: response.movedRecords };
    },
  );

  app.delete(
    '/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Delete a node with no children and no members',
        params: IdParam,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await call(request, client, 'deleteOrganization', { id: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
