/**
 * Data scope: a caller sees their own organisation node and the nodes below it, never a
 * sibling's. Nodes are addressed by materialised paths such as '/a1/b7/c42/' (ids are opaque
 * strings without '/'), so a scope check is one prefix match on whole segments.
 */
import { parseRoles } from './roles';

/**
 * Who is calling, as the gateway passes it to services. Structurally a subset of
 * @repo/grpc's Identity, so an Identity can be passed wherever a Caller is expected.
 */
export interface Caller {
  /** Empty for anonymous public callers. */
  userId: string;
  /** Raw role names; unknown ones are ignored. */
  roles: readonly string[];
  /** Materialised path of the caller's node, e.g. '/a1/b7/'; empty when none. */
  orgPath: string;
}

/** The path of the whole tree; only a superAdmin's scope. */
export const rootOrgPath = '/';

export const anonymousCaller: Caller = { userId: '', roles: [], orgPath: '' };

export function isAnonymous(caller: Pick<Caller, 'userId'>): boolean {
  return caller.userId === '';
}

// One or more non-empty segments, each closed by '/'. The root '/' is handled separately.
const pathPattern = /^(?:\/[^/]+)+\/$/;

/** True for '/' and for '/id/.../id/' with non-empty ids. */
export function isValidOrgPath(path: string): boolean {
  return path === rootOrgPath || pathPattern.test(path);
}

/**
 * True when the target node is the caller's node or below it. Both paths end with '/', so a
 * plain prefix test matches whole segments: '/a1/b7/' covers '/a1/b7/c42/' but not
 * '/a1/b70/'. A malformed path on either side matches nothing.
 */
export function inScope(callerOrgPath: string, targetOrgPath: string): boolean {
  return isValidOrgPath(callerOrgPath) && isValidOrgPath(targetOrgPath) && targetOrgPath.startsWith(callerOrgPath);
}

/**
 * The path prefix that bounds what the caller may see, or undefined when they may see no
 * scoped data at all. A superAdmin's node is the root. Anyone else gets their own path, and
 * an empty or malformed path, or a claimed root, gives no scope: a missing value must never
 * widen into everything.
 */
export function scopeFilterPrefix(caller: Caller): string | undefined {
  if (isAnonymous(caller)) return undefined;
  if (parseRoles(caller.roles).includes('superAdmin')) return rootOrgPath;
  if (caller.orgPath === rootOrgPath || !isValidOrgPath(caller.orgPath)) return undefined;
  return caller.orgPath;
}

/** inScope for a caller: false when the caller has no scope. */
export function inCallerScope(caller: Caller, targetOrgPath: string): boolean {
  const prefix = scopeFilterPrefix(caller);
  return prefix !== undefined && inScope(prefix, targetOrgPath);
}

/**
 * The same prefix as a string range for an indexed query ({ orgPath: { $gte, $lt } }), which
 * avoids building a regular expression from opaque ids. Every string starting with 'x/' lies
 * in ['x/', 'x0'), because '0' is the character right after '/'.
 */
export function scopeRange(prefix: string): { gte: string; lt: string } {
  if (!isValidOrgPath(prefix)) throw new RangeError(`not an organisation path: ${JSON.stringify(prefix)}`);
  return { gte: prefix, lt: `${prefix.slice(0, -1)}0` };
}

/**
 * Every scope that covers `path`: the root, then each node down to the node itself
 * ('/a1/b7/' -> ['/', '/a1/', '/a1/b7/']). Stored beside a path, it turns "at or below a node"
 * into one equality on an array element, which a store that cannot serve a range from an index
 * (FerretDB v1 pushes only equality down to its backend) still filters before reading documents.
 */
export function scopesCovering(path: string): string[] {
  if (!isValidOrgPath(path)) throw new RangeError(`not an organisation path: ${JSON.stringify(path)}`);
  const scopes = [rootOrgPath];
  for (let end = path.indexOf('/', 1); end !== -1; end = path.indexOf('/', end + 1)) scopes.push(path.slice(0, end + 1));
  return scopes;
}
