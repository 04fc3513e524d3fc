/** member.v1.OrganizationService over the organisation tree's use cases. */
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { Organization, OrganizationTree, OrganizationView } from '../organizations/tree';
import { kindCodec, paging } from './codecs';

export function toProtoOrganization(org: Organization | OrganizationView): pb.Organization {
  return pb.Organization.create({
    id: org.id,
    name: org.name,
    kind: kindCodec.toProto(org.kind),
    parentId: org.parentId,
    path: org.path,
    depth: org.depth,
    code: org.code,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
    revision: org.revision,
    childCount: 'childCount' in org ? org.childCount : 0,
    memberCount: 'memberCount' in org ? org.memberCount : 0,
  });
}

const updatable = ['name', 'code'] as const;

export function organizationService(tree: OrganizationTree): ServiceRegistration {
  return defineService('member.v1.OrganizationService', pb.OrganizationServiceService, {
    async createOrganization(request, { caller }) {
      const org = await tree.create(caller, {
        parentId: request.parentId,
        name: request.name,
        kind: kindCodec.fromProto(request.kind) ?? '',
        code: request.code,
      });
      return { organization: toProtoOrganization(org) };
    },

    async getOrganization(request, { caller }) {
      return { organization: toProtoOrganization(await tree.get(caller, request.id)) };
    },

    async listOrganizations(request, { caller }) {
      const page = pageOf(request, paging);
      const kind = kindCodec.fromProto(request.kind);
      const result = await tree.list(
        caller,
        { parentId: request.parentId, descendants: request.descendants, ...(kind ? { kind } : {}) },
        page,
      );
      return { organizations: result.items.map(toProtoOrganization), page: pageAnswer(page, result.total) };
    },

    async updateOrganization(request, { caller }) {
      const fields = updateMaskOf(request.updateMask, updatable);
      const changes = Object.fromEntries(fields.map((field) => [field, request[field]]));
      return { organization: toProtoOrganization(await tree.update(caller, request.id, changes, request.expectedRevision)) };
    },

    async moveOrganization(request, { caller }) {
      const result = await tree.move(caller, request.id, request.newParentId);
      return { organization: toProtoOrganization(result.organization), movedNodes: result.movedNodes, movedRecords: result.movedRecords };
    },

    async deleteOrganization(request, { caller }) {
      await tree.delete(caller, request.id);
      return {};
    },
  });
}
