/** The organisation tree: create, read, list, rename, move a subtree, delete an empty node. */
import { authorize, inCallerScope, rootOrgPath, scopeOf, type Caller } from '@repo/access';
import type { Page } from '@repo/db';
import { failedPrecondition, permissionDenied } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import {
  assertMoveTarget,
  assertParentAllowed,
  validateOrganization,
  type Organization,
  type OrganizationKind,
} from '../domain/organization';
import type { MemberStores } from '../store';
import type { MoveResult } from '../store/organizations';
import { visibleOrganization } from './scope';

export type { Organization, MoveResult };

/** A node with what sits below it. */
export interface OrganizationView extends Organization {
  childCount: number;
  memberCount: number;
}

export interface OrganizationQuery {
  /** Children of this node; empty for the caller's own top of the tree. */
  parentId: string;
  /** Every node below the parent, not only its children. */
  descendants: boolean;
  kind?: OrganizationKind;
}

/** Changing a node is for the staff above it: one's own node can be renamed, not moved or deleted. */
function assertStrictlyBelow(caller: Caller, org: Organization, what: string): void {
  if (scopeOf(caller) !== rootOrgPath && scopeOf(caller) === org.path) {
    throw permissionDenied('ORG_OWN_NODE', `only the organisation above may ${what} organization ${org.id}`, { id: org.id });
  }
}

export class OrganizationTree {
  constructor(private readonly stores: Pick<MemberStores, 'organizations' | 'members'>) {}

  async create(caller: Caller, input: { parentId: string; name: string; kind: string; code: string }): Promise<Organization> {
    authorize(caller, 'organization.write');
    const fields = validateOrganization(input);
    const parent = await this.parentFor(caller, input.parentId, 'parentId');
    assertParentAllowed(fields.kind, parent);
    return this.stores.organizations.create({ ...fields, parent }, caller.userId);
  }

  async get(caller: Caller, id: string): Promise<OrganizationView> {
    authorize(caller, 'organization.read');
    return this.withCounts(await visibleOrganization(this.stores.organizations, caller, id));
  }

  async list(caller: Caller, query: OrganizationQuery, page: { page: number; size: number }): Promise<Page<OrganizationView>> {
    authorize(caller, 'organization.read');
    const { organizations } = this.stores;
    if (!query.parentId && !query.descendants) {
      // The caller's own top of the tree.
      const roots = await organizations.roots(scopeOf(caller));
      const items = roots.slice((page.page - 1) * page.size, page.page * page.size);
      return { items: await Promise.all(items.map((org) => this.withCounts(org))), total: roots.length };
    }
    const parent = query.parentId ? await visibleOrganization(organizations, caller, query.parentId) : null;
    const result = await organizations.list(
      {
        scope: scopeOf(caller),
        ...(parent ? { under: parent.path } : {}),
        ...(query.descendants ? {} : { parentId: parent?.id ?? '' }),
        ...(query.kind ? { kind: query.kind } : {}),
      },
      page.page,
      page.size,
    );
    // A descendants listing leaves out the node it starts from.
    const items = parent ? result.items.filter((o) => o.id !== parent.id) : result.items;
    const total = parent && query.descendants ? result.total - 1 : result.total;
    return { items: await Promise.all(items.map((org) => this.withCounts(org))), total };
  }

  async update(caller: Caller, id: string, changes: { name?: string; code?: string }, expectedRevision: number): Promise<Organization> {
    authorize(caller, 'organization.write');
    const current = await visibleOrganization(this.stores.organizations, caller, id);
    assertRevision(expectedRevision, current, 'organization');
    const named = Object.keys(changes);
    const fields = validateOrganization(
      { name: changes.name ?? current.name, kind: current.kind, code: changes.code ?? current.code },
      named,
    );
    const valid = Object.fromEntries(named.map((field) => [field, fields[field as 'name' | 'code']]));
    return this.stores.organizations.update(current, valid, caller.userId);
  }

  async move(caller: Caller, id: string, newParentId: string): Promise<MoveResult> {
    authorize(caller, 'organization.write');
    const node = await visibleOrganization(this.stores.organizations, caller, id);
    assertStrictlyBelow(caller, node, 'move');
    const newParent = await this.parentFor(caller, newParentId, 'newParentId');
    assertMoveTarget(node, newParent);
    assertParentAllowed(node.kind, newParent);
    if ((newParent?.id ?? '') === node.parentId) {
      throw failedPrecondition('ORG_MOVE_SAME_PARENT', `organization ${node.id} is already there`, { id: node.id });
    }
    return this.stores.organizations.move(node, newParent, caller.userId);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    authorize(caller, 'organization.write');
    const org = await visibleOrganization(this.stores.organizations, caller, id);
    assertStrictlyBelow(caller, org, 'delete');
    const { childCount, memberCount } = await this.withCounts(org);
    if (childCount > 0)
      throw failedPrecondition('ORG_HAS_CHILDREN', `organization ${org.id} has ${childCount} organizations below it`, {
        id: org.id,
        children: String(childCount),
      });
    if (memberCount > 0)
      throw failedPrecondition('ORG_HAS_MEMBERS', `organization ${org.id} has ${memberCount} members; transfer them first`, {
        id: org.id,
        members: String(memberCount),
      });
    await this.stores.organizations.delete(org, caller.userId);
  }

  /** Children and members recorded at the node itself (not below). */
  private async withCounts(org: Organization): Promise<OrganizationView> {
    const [childCount, memberCount] = await Promise.all([
      this.stores.organizations.countChildren(org.id),
      this.stores.members.countAt(org.id),
    ]);
    return { ...org, childCount, memberCount };
  }

  /** The parent a node goes under: a visible node, or the top of the tree for a superAdmin. */
  private async parentFor(caller: Caller, parentId: string, field: string): Promise<Organization | null> {
    if (parentId) return visibleOrganization(this.stores.organizations, caller, parentId);
    if (!inCallerScope(caller, rootOrgPath)) {
      throw permissionDenied('ORG_TOP_LEVEL', `only a superAdmin may work at the top of the tree; give ${field}`, { field });
    }
    return null;
  }
}
