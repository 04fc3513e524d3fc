/**
 * The one way a service writes an aggregate and the events that describe the change: in one
 * update of one document (single-document atomicity holds on every MongoDB-compatible store;
 * multi-document transactions do not), then the collection's relay publishes them.
 *
 * `Outboxes` is a service's set of relays: registering a model gives its store, whose writes
 * and whose relay share one per-document lock (see KeyedMutex in @repo/db) and whose batch
 * inserts are relayed as a batch.
 */
import { randomUUID } from 'node:crypto';
import { KeyedMutex, Schema, type Model } from '@repo/db';
import type { DomainError } from '@repo/errors';
import type { Logger } from '@repo/logging';
import { createEvent, type EventEnvelope } from './envelope';
import { OutboxRelay, outboxField, toOutboxEntry, type OutboxEntry } from './outbox';
import type { EventPublisher } from './publisher';

/** Raised whenever events are added, lowered with the update that empties the outbox. */
export const outboxPendingField = 'outboxPending';

/** Fields every document with an outbox carries. */
export interface OutboxRecord {
  _id: string;
  revision: number;
  [outboxField]?: OutboxEntry[];
  /** Set on the documents of one `insertMany`: its marker names them by this equality. */
  outboxBatch?: string;
  /** True while the outbox may hold events: what the relay's sweep asks for (see OutboxRelay). */
  [outboxPendingField]?: boolean;
}

/** The markers of batch inserts whose events may not be out yet (see OutboxRelay.openBatch), one collection per service. */
export const outboxBatchesCollection = 'outboxBatches';

/** Schema fields every aggregate with an outbox declares. */
export const outboxSchemaFields = {
  [outboxField]: { type: [Schema.Types.Mixed], default: [] },
  outboxBatch: { type: String },
  [outboxPendingField]: { type: Boolean, default: false },
};

/** Projection that leaves the outbox out of reads. */
export const withoutOutboxFields = { [outboxField]: 0, outboxBatch: 0, [outboxPendingField]: 0 } as const;

export type NewEvent = Omit<EventEnvelope, 'id' | 'occurredAt'>;

export type Update = {
  $set?: Record<string, unknown>;
  $push?: Record<string, unknown>;
  $unset?: Record<string, unknown>;
  $inc?: Record<string, number>;
};

export function withoutOutbox<R extends OutboxRecord>(record: R): Omit<R, typeof outboxField | 'outboxBatch' | typeof outboxPendingField> {
  const { [outboxField]: _outbox, outboxBatch: _batch, [outboxPendingField]: _pending, ...rest } = record;
  return rest;
}

function outboxOf(events: NewEvent[]): { [outboxField]: OutboxEntry[]; [outboxPendingField]: boolean } {
  return { [outboxField]: events.map((e) => toOutboxEntry(createEvent(e))), [outboxPendingField]: events.length > 0 };
}

type NewRecord<R extends OutboxRecord> = Omit<R, typeof outboxField | 'outboxBatch' | typeof outboxPendingField>;

export class OutboxStore<R extends OutboxRecord> {
  constructor(
    readonly model: Model<R>,
    private readonly relay: OutboxRelay,
    /** Shared with the relay: both write these documents. */
    readonly locks: KeyedMutex,
    private readonly conflict: (id: string) => DomainError,
  ) {}

  get collection() {
    return this.model.collection;
  }

  async insert(record: NewRecord<R>, events: NewEvent[]): Promise<void> {
    await this.model.create({ ...record, ...outboxOf(events) });
    this.relay.kick(record._id);
  }

  /**
   * Inserts many new records (an import, a month's bills), each with its events in its own
   * outbox, and relays the events as one batch under a marker written first (see
   * OutboxRelay.openBatch): nothing is written to the records after their insert. When the
   * insert fails part way, the events of the records that went in are relayed before the error
   * is thrown (or, should that fail too, by the sweep from the marker).
   */
  async insertMany(records: { record: NewRecord<R>; events: NewEvent[] }[]): Promise<void> {
    if (records.length === 0) return;
    const outboxBatch = randomUUID();
    const docs = records.map(({ record, events }) => ({
      ...record,
      outboxBatch,
      [outboxField]: events.map((e) => toOutboxEntry(createEvent(e))),
      // Down from the start: the batch's marker, not the flag, says these events are pending.
      [outboxPendingField]: false,
    }));
    await this.relay.openBatch(outboxBatch, docs.length);
    try {
      // Lean: the records are built whole by their repository; casting and validating 1,000 of
      // them through the schema costs the service more CPU than the store's insert.
      await this.model.insertMany(docs, { ordered: true, lean: true });
    } catch (err) {
      await this.relay.relayBatch(outboxBatch).catch(() => undefined);
      throw err;
    }
    await this.relay.relayInserted(docs, outboxBatch);
  }

  /**
   * Applies `update` (with `revision` bumped and the events appended) if the record is still at
   * `revision` and matches `condition`; otherwise answers the conflict error.
   */
  async saveIf(
    id: string,
    revision: number,
    condition: Record<string, unknown>,
    update: Omit<Update, '$inc'>,
    events: NewEvent[],
  ): Promise<R> {
    const record = await this.tryUpdate(
      { _id: id, revision, ...condition },
      { ...update, $set: { ...update.$set, revision: revision + 1 } },
      events,
      id,
    );
    if (!record) throw this.conflict(id);
    return record;
  }

  /** One conditional update with events; null when nothing matched. */
  async tryUpdate(filter: Record<string, unknown>, update: Update, events: NewEvent[], lockKey: string): Promise<R | null> {
    const push: Record<string, unknown> = { ...update.$push };
    const set: Record<string, unknown> = { ...update.$set };
    if (events.length) {
      push[outboxField] = { $each: events.map((e) => toOutboxEntry(createEvent(e))) };
      set[outboxPendingField] = true;
    }
    const record = await this.locks.run(lockKey, () =>
      this.model
        // No projection: FerretDB v1 does not implement it for findAndModify.
        .findOneAndUpdate(
          filter,
          { ...update, ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(push).length ? { $push: push } : {}) },
          { new: true },
        )
        .lean<R>()
        .exec(),
    );
    if (record) this.relay.kick(String(record._id));
    return record as R | null;
  }

  /** Records events about a record without changing it (e.g. an unmasked read). */
  async recordEvents(id: string, events: NewEvent[]): Promise<boolean> {
    // The revision moves too, so a batch relay never clears an outbox holding these events.
    return (await this.tryUpdate({ _id: id }, { $inc: { revision: 1 } }, events, id)) !== null;
  }
}

export interface OutboxesOptions {
  /** Absent for tools that only read (npm run reindex): their relays never start. */
  publisher?: EventPublisher;
  logger: Logger;
  /** Interval of each relay's safety-net sweep. */
  sweepMs: number;
}

export interface RegisterOptions {
  /** The error a stale revision answers (409, naming the record). */
  conflict: (id: string) => DomainError;
  /**
   * Documents written before the pending flag existed: at start, flag those with events so
   * the sweep finds them. One scan of the collection; only for collections that may have them.
   */
  backfillPendingFlag?: boolean;
}

/** A service's outbox relays, one per collection with an outbox. */
export class Outboxes {
  private readonly relays: { relay: OutboxRelay; model: Model<never>; backfill?: () => Promise<unknown> }[] = [];

  constructor(private readonly options: OutboxesOptions) {}

  register<R extends OutboxRecord>(model: Model<R>, { conflict, backfillPendingFlag = false }: RegisterOptions): OutboxStore<R> {
    const locks = new KeyedMutex();
    const { publisher, logger, sweepMs } = this.options;
    const relay = new OutboxRelay({
      collection: model.collection as never,
      publisher: publisher ?? unpublished,
      logger,
      intervalMs: sweepMs,
      locks,
      pendingField: outboxPendingField,
      batches: model.db.collection(outboxBatchesCollection) as never,
    });
    const backfill = backfillPendingFlag
      ? () =>
          model.collection.updateMany(
            // Batch-inserted documents keep published events with the flag down: not theirs.
            { [`${outboxField}.0`]: { $exists: true }, [outboxPendingField]: { $ne: true }, outboxBatch: { $exists: false } },
            { $set: { [outboxPendingField]: true } },
          )
      : undefined;
    this.relays.push({ relay, model: model as unknown as Model<never>, ...(backfill ? { backfill } : {}) });
    return new OutboxStore(model, relay, locks, conflict);
  }

  async start(): Promise<void> {
    if (!this.options.publisher) throw new Error('these outboxes have no publisher: they are for reading only');
    for (const { backfill } of this.relays) await backfill?.();
    for (const { relay } of this.relays) relay.start();
  }

  async idle(): Promise<void> {
    await Promise.all(this.relays.map(({ relay }) => relay.idle()));
  }

  /**
   * Documents whose events are not published yet, per collection: the outbox backlog (an equality
   * on the pending flag, which FerretDB pushes down to its backend). Grows while NATS is down.
   */
  async backlog(): Promise<{ collection: string; pending: number }[]> {
    return Promise.all(
      this.relays.map(async ({ model }) => ({
        collection: model.collection.collectionName,
        pending: await model.collection.countDocuments({ [outboxPendingField]: true }),
      })),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.relays.map(({ relay }) => relay.stop()));
  }
}

/** Stands in for the publisher of outboxes that never start. */
const unpublished = {
  publish: () => Promise.reject(new Error('outboxes without a publisher do not relay')),
} as unknown as EventPublisher;
