/**
 * Organisation paths kept outside the tree. Every service stores the materialised path of the
 * node a record belongs to (scope checks are one prefix match), so when the member service moves
 * a subtree, every copy under the old path must follow it. The member service rewrites its own
 * collections while it moves; every other service follows the move's event.
 */
import { scopeRange, scopesCovering } from '@repo/access';
import type { NewEvent, OutboxRecord, OutboxStore } from '@repo/bus';

/** The event the member service publishes when a subtree moves (data: `from` and `to` paths). */
export const organizationMovedEvent = 'member.organization.moved';

export interface OrganizationMoved {
  from: string;
  to: string;
}

/** A collection holding organisation paths, and how they are rewritten. */
export interface PathHolder {
  /** For logs. */
  name: string;
  /** Only what rewriting uses, so a store of any record type serves. */
  store: Pick<OutboxStore<OutboxRecord>, 'collection' | 'tryUpdate'>;
  /** Fields holding a path; each is rewritten on its own (a transfer has an origin and a target). */
  pathFields: readonly string[];
  /**
   * Field holding every scope that covers the first path field (see placedAt): found by one
   * equality instead of a range, and rewritten with it.
   */
  scopesField?: string;
  /** An event recorded with each rewritten record, for collections whose consumers need one. */
  event?: (record: OutboxRecord, change: { field: string; from: string; to: string; actor: string }) => NewEvent | undefined;
}

/** Query condition for paths at or below `prefix`: a string range, which an index serves. */
export function under(prefix: string): { $gte: string; $lt: string } {
  const range = scopeRange(prefix);
  return { $gte: range.gte, $lt: range.lt };
}

/**
 * Where a record of a large collection sits: its path and every scope covering it, written
 * together wherever the path is written, so "at or below a node" is one equality.
 */
export function placedAt(orgPath: string): { orgPath: string; orgScopes: string[] } {
  return { orgPath, orgScopes: scopesCovering(orgPath) };
}

/**
 * Query condition for records placed at or below `scope` (see placedAt): one equality, which
 * FerretDB pushes down to PostgreSQL, where a range on `orgPath` makes it read every document.
 */
export function within(scope: string): { orgScopes: string } {
  return { orgScopes: scope };
}

/** Schema fields of a record written with placedAt. */
export const placementSchemaFields = {
  orgPath: { type: String, required: true },
  orgScopes: { type: [String], required: true },
};

/** `path` with the prefix `from` replaced by `to`; other paths unchanged. */
export function rebasePath(path: string, from: string, to: string): string {
  return path.startsWith(from) ? to + path.slice(from.length) : path;
}

/**
 * Rewrites the paths under `from` to lie under `to` in one collection; answers how many
 * records changed. Each update is conditional on the old path, so running it again (a move
 * resumed after a crash, an event delivered twice) changes nothing more.
 */
export async function rewriteOrgPaths(holder: PathHolder, from: string, to: string, actor: string): Promise<number> {
  let changed = 0;
  for (const [index, field] of holder.pathFields.entries()) {
    const scoped = index === 0 && holder.scopesField;
    const filter = scoped ? { [holder.scopesField!]: from } : { [field]: under(from) };
    const records = await holder.store.collection
      .find<OutboxRecord & Record<string, unknown>>(filter, { projection: { [field]: 1 } })
      .toArray();
    for (const record of records) {
      const old = String(record[field]);
      const path = rebasePath(old, from, to);
      if (path === old) continue;
      const event = holder.event?.(record, { field, from: old, to: path, actor });
      const $set = scoped ? { [field]: path, [holder.scopesField!]: scopesCovering(path) } : { [field]: path };
      const updated = await holder.store.tryUpdate(
        { _id: record._id, [field]: old },
        { $set, $inc: { revision: 1 } },
        event ? [event] : [],
        record._id,
      );
      if (updated) changed++;
    }
  }
  return changed;
}
