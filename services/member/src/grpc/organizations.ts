/** The organisation tree: create, read, list, rename, move a subtree, delete an empty node. */
import { inCallerScope, rootOrgPath, type Caller } from '@repo/access';
import { failedPrecondition, notFound, permissionDenied, validationFailed } from '@repo/errors';
import { pageOf, unary } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import type * as pb from '@repo/proto/member/v1';
import { assertMoveTarget, assertParentAllowed, validateOrganization, type Organization } from '../domain/organization';
import type { OrganizationRepository } from '../store/organizations';
import { assertInScope, authorize, paging, scopeOf } from './context';
import { toProtoOrganization } from './mapping';

export interface OrganizationDeps {
  organizations: OrganizationRepository;
  /** Members recorded at the node itself (not below), so a node with members is never deleted. */
  countMembers: (organizationId: string) => Promise<number>;
  logger: Logger;
}

const orgNotFound = (id: string) => () => notFound('ORG_NOT_FOUND', `organization ${id} not found`, { id });

/** A node the caller may see, or not found. */
export async function visibleOrganization(organizations: OrganizationRepository, caller: Caller, id: string): Promise<Organization> {
  const org = id ? await organizations.find(id) : null;
  if (!org) throw orgNotFound(id)();
  assertInScope(caller, org.path, orgNotFound(id));
  return org;
}

/** Changing a node is for the staff above it: one's own node can be renamed, not moved or deleted. */
function assertStrictlyBelow(caller: Caller, org: Organization, what: string): void {
  if (scopeOf(caller) !== rootOrgPath && scopeOf(caller) === org.path) {
    throw permissionDenied('ORG_OWN_NODE', `only the organisation above may ${what} organization ${org.id}`, { id: org.id });
  }
}

/** The parent a node goes under: a visible node, or the top of the tree for a superAdmin. */
async function parentFor(organizations: OrganizationRepository, caller: Caller, parentId: string, field: string): Promise<Organization | null> {
  if (parentId) return visibleOrganization(organizations, caller, parentId);
  if (!inCallerScope(caller, rootOrgPath)) {
    throw permissionDenied('ORG_TOP_LEVEL', `only a superAdmin may work at the top of the tree; give ${field}`, { field });
  }
  return null;
}

export function organizationHandlers({ organizations, countMembers, logger }: OrganizationDeps): pb.OrganizationServiceServer {
  async function withCounts(org: Organization): Promise<pb.Organization> {
    const [childCount, memberCount] = await Promise.all([organizations.countChildren(org.id), countMembers(org.id)]);
    return toProtoOrganization(org, { childCount, memberCount });
  }

  return {
    createOrganization: unary(logger, async (request: pb.CreateOrganizationRequest, context) => {
      const caller = authorize(context, 'organization.write');
      const fields = validateOrganization(request);
      const parent = await parentFor(organizations, caller, request.parentId, 'parentId');
      assertParentAllowed(fields.kind, parent);
      const org = await organizations.create({ ...fields, parent }, caller.userId);
      return { organization: toProtoOrganization(org) };
    }),

    getOrganization: unary(logger, async (request: pb.GetOrganizationRequest, context) => {
      const caller = authorize(context, 'organization.read');
      return { organization: await withCounts(await visibleOrganization(organizations, caller, request.id)) };
    }),

    listOrganizations: unary(logger, async (request: pb.ListOrganizationsRequest, context) => {
      const caller = authorize(context, 'organization.read');
      const { page, size } = pageOf(request, paging);
      if (!request.parentId && !request.descendants) {
        // The caller's own top of the tree.
        const roots = await organizations.roots(scopeOf(caller));
        const items = roots.slice((page - 1) * size, page * size);
        return { organizations: await Promise.all(items.map(withCounts)), page: { page, size, total: String(roots.length) } };
      }
      const parent = request.parentId ? await visibleOrganization(organizations, caller, request.parentId) : null;
      const result = await organizations.list(
        {
          scope: scopeOf(caller),
          ...(parent ? { under: parent.path } : {}),
          ...(request.descendants ? {} : { parentId: parent?.id ?? '' }),
          ...(request.kind ? { kind: request.kind } : {}),
        },
        page,
        size,
      );
      // A descendants listing leaves out the node it starts from.
      const items = parent ? result.items.filter((o) => o.id !== parent.id) : result.items;
      const total = parent && request.descendants ? result.total - 1 : result.total;
      return { organizations: await Promise.all(items.map(withCounts)), page: { page, size, total: String(total) } };
    }),

    updateOrganization: unary(logger, async (request: pb.UpdateOrganizationRequest, context) => {
      const caller = authorize(context, 'organization.write');
      const current = await visibleOrganization(organizations, caller, request.id);
      const unknown = request.updateMask.filter((f) => f !== 'name' && f !== 'code');
      if (unknown.length) throw validationFailed(unknown.map((field) => ({ field, problem: 'is not an updatable field' })));
      if (request.updateMask.length === 0) throw validationFailed([{ field: 'updateMask', problem: 'name at least one field: name, code' }]);
      if (request.expectedRevision && request.expectedRevision !== current.revision) {
        throw validationFailed([{ field: 'expectedRevision', problem: `is ${request.expectedRevision} but the organization is at ${current.revision}` }]);
      }
      const fields = validateOrganization({ name: request.name, kind: current.kind, code: request.code }, request.updateMask);
      const changes = Object.fromEntries(request.updateMask.map((f) => [f, fields[f as 'name' | 'code']]));
      return { organization: toProtoOrganization(await organizations.update(current, changes, caller.userId)) };
    }),

    moveOrganization: unary(logger, async (request: pb.MoveOrganizationRequest, context) => {
      const caller = authorize(context, 'organization.write');
      const node = await visibleOrganization(organizations, caller, request.id);
      assertStrictlyBelow(caller, node, 'move');
      const newParent = await parentFor(organizations, caller, request.newParentId, 'newParentId');
      assertMoveTarget(node, newParent);
      assertParentAllowed(node.kind, newParent);
      if ((newParent?.id ?? '') === node.parentId) {
        throw failedPrecondition('ORG_MOVE_SAME_PARENT', `organization ${node.id} is already there`, { id: node.id });
      }
      const result = await organizations.move(node, newParent, caller.userId);
      return { organization: toProtoOrganization(result.organization), movedNodes: result.movedNodes, movedRecords: result.movedRecords };
    }),

    deleteOrganization: unary(logger, async (request: pb.DeleteOrganizationRequest, context) => {
      const caller = authorize(context, 'organization.write');
      const org = await visibleOrganization(organizations, caller, request.id);
      assertStrictlyBelow(caller, org, 'delete');
      const [children, members] = await Promise.all([organizations.countChildren(org.id), countMembers(org.id)]);
      if (children > 0) throw failedPrecondition('ORG_HAS_CHILDREN', `organization ${org.id} has ${children} organizations below it`, { id: org.id, children: String(children) });
      if (members > 0) throw failedPrecondition('ORG_HAS_MEMBERS', `organization ${org.id} has ${members} members; transfer them first`, { id: org.id, members: String(members) });
      await organizations.delete(org, caller.userId);
      return {};
    }),
  };
}
