/** The organisation tree over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationKindCodec as kinds, type Organization } from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, IdParam, pageOf, pageQuery, updateMask } from '../common';
import type { MemberRouteOptions } from './clients';
import {
  CreateOrganizationBody,
  MoveOrganizationBody,
  OrganizationBody,
  OrganizationListBody,
  OrganizationListQuery,
  UpdateOrganizationBody,
} from './schemas';

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
        body: CreateOrganizationBody,
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
        querystring: OrganizationListQuery,
        response: { 200: OrganizationListBody, ...errorResponses },
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
        response: { 200: OrganizationListBody, ...errorResponses },
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
        body: UpdateOrganizationBody,
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
        body: MoveOrganizationBody,
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
