/**
 * The organisation tree as this service knows it: a copy kept from the member service's events
 * (committee 党委 > generalBranch 党总支 > branch 党支部 > group 党小组), with materialised paths.
 */
export const organizationLevels = ['committee', 'generalBranch', 'branch', 'group'] as const;
export type OrganizationLevel = (typeof organizationLevels)[number];

export interface Organization {
  id: string;
  name: string;
  level: OrganizationLevel;
  parentId: string;
  path: string;
  deleted: boolean;
}

/** The path of the node above, or undefined at the top of the tree ('/a/b/' -> '/a/'). */
export function parentPathOf(path: string): string | undefined {
  const cut = path.lastIndexOf('/', path.length - 2);
  return cut <= 0 ? undefined : path.slice(0, cut + 1);
}

/** The node's own id: the last segment of its path. */
export function idOfPath(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}

export function isLevel(value: string): value is OrganizationLevel {
  return (organizationLevels as readonly string[]).includes(value);
}
