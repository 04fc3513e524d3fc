import { Metadata } from '@grpc/grpc-js';

/** Metadata keys that carry identity from the gateway to services (see proto/common/v1/identity.proto). */
export const identityKeys = {
  userId: 'x-user-id',
  roles: 'x-user-roles',
  orgPath: 'x-org-path',
  requestId: 'x-request-id',
} as const;

export interface Identity {
  /** Empty for anonymous public callers. */
  userId: string;
  roles: string[];
  /** Materialised path of the caller's organisation node, e.g. /1/7/42/; empty when none. */
  orgPath: string;
  requestId: string;
}

export const anonymous: Identity = { userId: '', roles: [], orgPath: '', requestId: '' };

function first(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : '';
}

export function identityFromMetadata(metadata: Metadata): Identity {
  const roles = first(metadata, identityKeys.roles);
  return {
    userId: first(metadata, identityKeys.userId),
    roles: roles ? roles.split(',').map((r) => r.trim()).filter(Boolean) : [],
    orgPath: first(metadata, identityKeys.orgPath),
    requestId: first(metadata, identityKeys.requestId),
  };
}

export function identityToMetadata(identity: Partial<Identity>): Metadata {
  const metadata = new Metadata();
  if (identity.userId) metadata.set(identityKeys.userId, identity.userId);
  if (identity.roles?.length) metadata.set(identityKeys.roles, identity.roles.join(','));
  if (identity.orgPath) metadata.set(identityKeys.orgPath, identity.orgPath);
  if (identity.requestId) metadata.set(identityKeys.requestId, identity.requestId);
  return metadata;
}
