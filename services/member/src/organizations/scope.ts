/** The tree as a caller sees it: nodes in their scope, or not found. */
import { scopeOf, visible, type Caller } from '@repo/access';
import { notFound } from '@repo/errors';
import type { Organization } from '../domain/organization';
import type { OrganizationRepository } from '../store/organizations';

export const organizationNotFound = (id: string) => () => notFound('ORG_NOT_FOUND', `organization ${id} not found`, { id });

/** A node the caller may see, or ORG_NOT_FOUND for one missing and one hidden alike. */
export async function visibleOrganization(
  organizations: Pick<OrganizationRepository, 'find'>,
  caller: Caller,
  id: string,
): Promise<Organization> {
  return visible(caller, id ? await organizations.find(id) : null, (org) => org.path, organizationNotFound(id));
}

/** The subtree a list or report covers: a visible node's, or everything the caller sees. */
export async function subtreeOf(
  organizations: Pick<OrganizationRepository, 'find'>,
  caller: Caller,
  organizationId: string,
): Promise<string> {
  return organizationId ? (await visibleOrganization(organizations, caller, organizationId)).path : scopeOf(caller);
}
