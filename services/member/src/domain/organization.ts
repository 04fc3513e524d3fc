/**
 * The organisation tree 组织架构: committee 党委 > generalBranch 党总支 > branch 党支部 > group 党小组.
 * Every node stores its materialised path of ids (/a/b/c/), its own id last.
 */
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';

export const organizationKinds = ['committee', 'generalBranch', 'branch', 'group'] as const;
export type OrganizationKind = (typeof organizationKinds)[number];

/** Which kinds a node of each kind may sit under; null means the top of the tree. */
export const allowedParents: Record<OrganizationKind, readonly (OrganizationKind | null)[]> = {
  committee: [null, 'committee'],
  generalBranch: ['committee'],
  branch: ['committee', 'generalBranch'],
  group: ['branch'],
};

/** Kinds whose members hold the branch-level duties (三会一课, dues collection). */
export const branchLevelKinds: readonly OrganizationKind[] = ['branch'];

export interface Organization {
  id: string;
  name: string;
  kind: OrganizationKind;
  parentId: string;
  path: string;
  depth: number;
  code: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  revision: number;
}

export function childPath(parentPath: string, id: string): string {
  return `${parentPath}${id}/`;
}

export function depthOf(path: string): number {
  return path.split('/').filter(Boolean).length;
}

function isKind(value: string): value is OrganizationKind {
  return (organizationKinds as readonly string[]).includes(value);
}

export interface OrganizationInput {
  name: string;
  kind: string;
  code: string;
}

export function validateOrganization(
  input: OrganizationInput,
  fields: readonly string[] = ['name', 'kind', 'code'],
): { name: string; kind: OrganizationKind; code: string } {
  const violations: FieldViolation[] = [];
  const name = input.name.trim();
  if (fields.includes('name') && (name.length < 1 || name.length > 100))
    violations.push({ field: 'name', problem: 'must be 1 to 100 characters' });
  if (fields.includes('kind') && !isKind(input.kind))
    violations.push({ field: 'kind', problem: `must be one of ${organizationKinds.join(', ')}` });
  if (fields.includes('code') && input.code !== '' && !/^[A-Za-z0-9_-]{1,40}$/.test(input.code)) {
    violations.push({ field: 'code', problem: 'must be 1 to 40 letters, digits, _ or -' });
  }
  if (violations.length) throw validationFailed(violations);
  return { name, kind: input.kind as OrganizationKind, code: input.code };
}

/** A node of `kind` may sit under `parent` (null: top of the tree). */
export function assertParentAllowed(kind: OrganizationKind, parent: Pick<Organization, 'kind'> | null): void {
  const parentKind = parent ? parent.kind : null;
  if (!allowedParents[kind].includes(parentKind)) {
    const allowed = allowedParents[kind].map((k) => k ?? 'the top of the tree').join(' or ');
    throw failedPrecondition('ORG_PARENT_KIND', `a ${kind} must sit under ${allowed}, not ${parentKind ?? 'the top of the tree'}`, {
      kind,
      parentKind: parentKind ?? '',
    });
  }
}

/** A subtree cannot move below itself. */
export function assertMoveTarget(node: Pick<Organization, 'id' | 'path'>, newParent: Pick<Organization, 'path'> | null): void {
  if (newParent && newParent.path.startsWith(node.path)) {
    throw failedPrecondition('ORG_MOVE_INTO_ITSELF', `organization ${node.id} cannot move below itself`, { id: node.id });
  }
}
