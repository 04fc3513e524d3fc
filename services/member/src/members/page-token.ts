/**
 * The page token of the member list: where a page ended (organisation path, name, id), opaque
 * to callers. A token that does not decode is refused naming the field.
 */
import { validationFailed } from '@repo/errors';
import type { ListKey } from '../store/members';

export function encodePageToken(key: ListKey): string {
  return Buffer.from(JSON.stringify([key.orgPath, key.name, key.id]), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): ListKey {
  const refused = () => validationFailed([{ field: 'pageToken', problem: 'is not a token this list answered' }]);
  if (token.length > 1_000) throw refused();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((p) => typeof p === 'string')) throw refused();
  const [orgPath, name, id] = parts as [string, string, string];
  if (!orgPath.startsWith('/') || !orgPath.endsWith('/')) throw refused();
  return { orgPath, name, id };
}
