/**
 * The roles a signed-in user can hold. A user may hold several; each one only adds rights.
 */
export const roles = ['superAdmin', 'orgAdmin', 'secretary', 'member', 'inspector'] as const;

export type Role = (typeof roles)[number];

/** Anonymous callers (no user id, no roles) are the public; the matrix grants to them too. */
export const publicAudience = 'public';

/** Who a matrix column speaks for: the anonymous public or one role. */
export type Audience = typeof publicAudience | Role;

export const audiences: readonly Audience[] = [publicAudience, ...roles];

/** Chinese names, for labels and the docs. */
export const audienceNames: Readonly<Record<Audience, string>> = {
  public: '公众',
  superAdmin: '超级管理员',
  orgAdmin: '党务工作者/组织管理员',
  secretary: '支部书记',
  member: '党员',
  inspector: '纪检人员',
};

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/**
 * Keeps the known roles, once each, in the order given. Unknown names (typos, roles from a
 * newer release, different case) are dropped rather than trusted, so they grant nothing.
 */
export function parseRoles(list: readonly string[]): Role[] {
  const known: Role[] = [];
  for (const name of list) {
    if (isRole(name) && !known.includes(name)) known.push(name);
  }
  return known;
}
