/** What every collection of the learning service shares. */
import type { OutboxRecord, OutboxStore } from '@repo/bus';
import type { Model, Page } from '@repo/db';
import { aborted } from '@repo/errors';
import type { PathHolder } from '@repo/kit';

/** A stored record as the domain sees it: `_id` as `id`, no outbox fields. */
export function idOf<R extends { _id: string }>(record: R): Omit<R, '_id'> & { id: string } {
  const { _id, ...rest } = record;
  return { id: _id, ...rest };
}

export const revisionConflict = (what: string) => (id: string) =>
  aborted('LEARNING_REVISION_CONFLICT', `${what} ${id} was changed by someone else meanwhile; reload and retry`, { id });

/** A collection of records placed at a node (orgPath and orgScopes), following subtree moves. */
export function placedHolder(name: string, store: OutboxStore<never>): PathHolder {
  return { name, store: store as unknown as OutboxStore<OutboxRecord>, pathFields: ['orgPath'], scopesField: 'orgScopes' };
}

/** One page of a query and the count of all it matches. */
export async function pageOf<R, T>(
  model: Model<R>,
  query: Record<string, unknown>,
  options: { projection?: Record<string, 0 | 1>; sort?: Record<string, 1 | -1>; page: number; size: number },
  map: (record: R) => T,
): Promise<Page<T>> {
  const [records, total] = await Promise.all([
    model
      .find(query, options.projection ?? {})
      .sort(options.sort ?? { _id: 1 })
      .skip((options.page - 1) * options.size)
      .limit(options.size)
      .lean<R[]>()
      .exec(),
    model.countDocuments(query).exec(),
  ]);
  return { items: records.map(map), total };
}
