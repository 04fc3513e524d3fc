/**
 * Writes of an aggregate and its events in one document update (the outbox pattern of
 * DESIGN.md), shared by every collection of the member service.
 */
import { randomUUID } from 'node:crypto';
import { scopeRange, scopesCovering } from '@repo/access';
import { createEvent, outboxField, toOutboxEntry, type EventEnvelope, type OutboxEntry } from '@repo/bus';
import { KeyedMutex, Schema, type Model } from '@repo/db';
import type { DomainError } from '@repo/errors';

/** The relay's `pendingField` on every collection of this service. */
export const outboxPendingField = 'outboxPending';

export interface AggregateRecord {
  _id: string;
  revision: number;
  [outboxField]?: OutboxEntry[];
  /** Set on the documents of one `insertMany`, so their outboxes are emptied by one equality. */
  outboxBatch?: string;
  /** True while the outbox may hold events: what the relay's sweep asks for (see OutboxRelay). */
  [outboxPendingField]?: boolean;
}

/** Schema fields every aggregate with an outbox declares. */
export const outboxSchemaFields = {
  [outboxField]: { type: [Schema.Types.Mixed], default: [] },
  outboxBatch: { type: String },
  [outboxPendingField]: { type: Boolean, default: false },
};

export type NewEvent = Omit<EventEnvelope, 'id' | 'occurredAt'>;

export interface Page<T> {
  items: T[];
  total: number;
}

/** Query condition for paths at or below `prefix`: a string range, which an index serves. */
export function under(prefix: string): { $gte: string; $lt: string } {
  const range = scopeRange(prefix);
  return { $gte: range.gte, $lt: range.lt };
}

/**
 * Where a record of a large collection (members, bills) sits: its path and every scope that
 * covers it. Write both together wherever the path is written.
 */
export function placedAt(orgPath: string): { orgPath: string; orgScopes: string[] } {
  return { orgPath, orgScopes: scopesCovering(orgPath) };
}

/**
 * Query condition for records placed at or below `scope` (see placedAt): one equality, which
 * FerretDB pushes down to PostgreSQL, where the `orgPath` range of `under` makes it read and
 * decode every document of the collection.
 */
export function within(scope: string): { orgScopes: string } {
  return { orgScopes: scope };
}

/** Schema fields of a record written with placedAt. */
export const placementSchemaFields = {
  orgPath: { type: String, required: true },
  orgScopes: { type: [String], required: true },
};

export function withoutOutbox<R extends AggregateRecord>(record: R): Omit<R, typeof outboxField | 'outboxBatch' | typeof outboxPendingField> {
  const { [outboxField]: _outbox, outboxBatch: _batch, [outboxPendingField]: _pending, ...rest } = record;
  return rest;
}

/** The outbox fields of a new document carrying `events`. */
function outboxOf(events: NewEvent[]): { [outboxField]: OutboxEntry[]; [outboxPendingField]: boolean } {
  return { [outboxField]: events.map((e) => toOutboxEntry(createEvent(e))), [outboxPendingField]: events.length > 0 };
}

export class Aggregates<R extends AggregateRecord> {
  constructor(
    readonly model: Model<R>,
    /** Nudges the outbox relay of this collection after a write. */
    private readonly onWrite: (id: string) => void,
    /** Shared with the collection's outbox relay: both write these documents. */
    readonly locks: KeyedMutex,
    private readonly conflict: (id: string) => DomainError,
  ) {}

  get collection() {
    return this.model.collection;
  }

  async insert(record: Omit<R, typeof outboxField>, events: NewEvent[]): Promise<void> {
    await this.model.create({ ...record, ...outboxOf(events) });
    this.onWrite(record._id);
  }

  /** Set by the collection's relay: relays a batch of inserts at once (see OutboxRelay.relayInserted). */
  relayInserted: ((docs: Record<string, unknown>[], inserted: Record<string, unknown>) => Promise<void>) | undefined;

  async insertMany(records: { record: Omit<R, typeof outboxField>; events: NewEvent[] }[]): Promise<void> {
    if (records.length === 0) return;
    const outboxBatch = randomUUID();
    const docs = records.map(({ record, events }) => ({ ...record, outboxBatch, ...outboxOf(events) }));
    await this.model.insertMany(docs, { ordered: true });
    // Still at the revision they were inserted with: nobody else has added events since.
    if (this.relayInserted) await this.relayInserted(docs, { outboxBatch, revision: 1 });
    else for (const { record } of records) this.onWrite(record._id);
  }

  /**
   * Applies `update` (with `revision` bumped and the events appended) if the record is still at
   * `revision` and matches `condition`; otherwise answers the conflict error.
   */
  async saveIf(id: string, revision: number, condition: Record<string, unknown>, update: { $set?: Record<string, unknown>; $push?: Record<string, unknown>; $unset?: Record<string, unknown> }, events: NewEvent[]): Promise<R> {
    const record = await this.tryUpdate({ _id: id, revision, ...condition }, { ...update, $set: { ...update.$set, revision: revision + 1 } }, events, id);
    if (!record) throw this.conflict(id);
    return record;
  }

  /** One conditional update with events; null when nothing matched. */
  async tryUpdate(filter: Record<string, unknown>, update: { $set?: Record<string, unknown>; $push?: Record<string, unknown>; $unset?: Record<string, unknown>; $inc?: Record<string, number> }, events: NewEvent[], lockKey: string): Promise<R | null> {
    const push: Record<string, unknown> = { ...update.$push };
    const set: Record<string, unknown> = { ...update.$set };
    if (events.length) {
      push[outboxField] = { $each: events.map((e) => toOutboxEntry(createEvent(e))) };
      set[outboxPendingField] = true;
    }
    const record = await this.locks.run(lockKey, () =>
      this.model
        // No projection: FerretDB v1 does not implement it for findAndModify.
        .findOneAndUpdate(filter, { ...update, ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(push).length ? { $push: push } : {}) }, { new: true })
        .lean<R>()
        .exec(),
    );
    if (record) this.onWrite(String(record._id));
    return record as R | null;
  }
}
