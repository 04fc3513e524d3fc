/** Domain records <-> proto messages. */
import type * as pb from '@repo/proto/member/v1';
import type { Organization } from '../domain/organization';
import type { User } from '../store/users';

export function toProtoOrganization(org: Organization, counts: { childCount?: number; memberCount?: number } = {}): pb.Organization {
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    parentId: org.parentId,
    path: org.path,
    depth: org.depth,
    code: org.code,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
    revision: org.revision,
    childCount: counts.childCount ?? 0,
    memberCount: counts.memberCount ?? 0,
  };
}

export function toProtoUser(user: User): pb.User {
  return {
    id: user.id,
    userName: user.userName,
    displayName: user.displayName,
    roles: user.roles,
    organizationId: user.organizationId,
    orgPath: user.orgPath,
    memberId: user.memberId,
    lockedUntil: user.lockedUntil ?? undefined,
    createdAt: user.createdAt,
    createdBy: user.createdBy,
  };
}
