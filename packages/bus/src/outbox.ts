import type { Logger } from '@repo/logging';
import type { Collection, Document } from 'mongodb';
import type { EventEnvelope } from './envelope';
import { captureTraceContext, type EventPublisher, type TraceCarrier } from './publisher';

/**
 * A pending event, saved in the same document as the change it describes (single-document
 * atomicity holds on every MongoDB-compatible store), so a successful write never loses its event.
 */
export interface OutboxEntry extends EventEnvelope {
  trace: TraceCarrier;
}

/** Field on aggregate documents that holds their pending events, oldest first. */
export const outboxField = 'outbox';

export function toOutboxEntry(event: EventEnvelope): OutboxEntry {
  return { ...event, trace: captureTraceContext() };
}

export interface OutboxRelayOptions {
  collection: Collection<Document>;
  publisher: EventPublisher;
  logger: Logger;
  /**
   * Safety-net sweep over the whole collection for events no `kick(id)` delivered (a crash
   * between write and publish, NATS down). Retried every second while publishing fails.
   */
  intervalMs?: number;
  /**
   * Documents relayed at the same time (each in order within itself). 1 by default: removing
   * sent events is a write, and FerretDB on SQLite takes one writer at a time.
   */
  concurrency?: number;
  /**
   * Per-document write lock shared with the service's repository (see KeyedMutex in @repo/db):
   * removing sent events is a write to the aggregate's document.
   */
  locks?: { run<T>(key: string, work: () => Promise<T>): Promise<T> };
  /**
   * A boolean field the writers set to true whenever they add events. When given, the sweep asks
   * for `{ [pendingField]: true }`, an equality FerretDB pushes down to its backend, instead of
   * "has an outbox entry", which it answers by decoding every document; the relay sets it back
   * to false in the same update that empties the outbox.
   */
  pendingField?: string;
  /**
   * Where batch inserts leave their marker until their events are out (see `openBatch`): one
   * small document per batch, `{ _id: batch, collection, count, at }`, shared by a service's relays.
   */
  batches?: Collection<Document>;
}

/** A batch whose marker is this old is relayed by the sweep even when not all its documents went in. */
const staleBatchMs = 10 * 60_000;

/** Runs `work` now, or once more right after the current run: never two at a time. */
class SerialRunner {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly work: () => Promise<boolean>) {}

  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        // work() answers whether there is more to do right away.
        if (await this.work()) this.again = true;
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}

/**
 * Publishes pending events, then removes them from their documents. Any replica may run it:
 * an event published twice (crash between publish and removal, or two relays) is dropped by
 * the stream's duplicate window and by idempotent consumers.
 *
 * Writers call `kick(id)` after a write, and that document's events go out at once by a
 * primary-key read. The sweep that finds any document with pending events cannot use an index
 * on FerretDB (about 0.24 ms per stored document there), so it runs every `intervalMs` at the
 * soonest and never more than a tenth of the time (a 3 s sweep waits 30 s for the next), off the
 * writers' path; one sweep streams every pending document, however many there are.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private failing = false;
  private lastSweepEnd = 0;
  private lastSweepMs = 0;
  private readonly kicked = new Map<string, unknown>();
  /** Batches a relayInserted call of this process is relaying: its sweep leaves them to it. */
  private readonly batchInFlight = new Set<string>();
  private readonly targeted = new SerialRunner(() => this.relayKicked());
  private readonly sweeper = new SerialRunner(() => this.sweep());

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    const interval = this.options.intervalMs ?? 10_000;
    this.timer = setInterval(
      () => {
        // While publishing fails, retry every second, but still within a tenth of the time.
        const wait = Math.max(this.failing ? 1_000 : interval, 10 * this.lastSweepMs);
        if (Date.now() - this.lastSweepEnd >= wait) this.sweeper.trigger();
      },
      Math.min(1_000, interval),
    );
    this.timer.unref();
    this.sweeper.trigger();
  }

  /** Relays the events of document `id` now (or a sweep when no id is given). */
  kick(id?: unknown): void {
    if (this.stopped) return;
    if (id === undefined) return this.sweeper.trigger();
    this.kicked.set(String(id), id);
    this.targeted.trigger();
  }

  /**
   * Marks a batch insert (an import, a month's bills) before it is written. Its documents carry
   * their events in their outboxes with the pending flag down, so that relaying them afterwards
   * writes nothing to them: on FerretDB an update of 1,000 documents costs about three times their
   * insert, while this marker is one small write before and one delete after. Until the marker is
   * deleted the sweep knows the batch may hold unpublished events (a crash between insert and
   * publish) and relays it.
   */
  async openBatch(outboxBatch: string, count: number): Promise<void> {
    const batches = this.batchMarkers();
    await batches.insertOne({
      _id: outboxBatch as never,
      collection: this.options.collection.collectionName,
      count,
      at: new Date().toISOString(),
    });
  }

  /**
   * Relays the events of documents just inserted together under `openBatch(outboxBatch)`:
   * publish them all, then delete the marker. Their outboxes keep the published events (the
   * flag is down, so nothing reads them as pending); a later change of a document relays its
   * outbox whole, publishing those again, which the stream's duplicate window and idempotent
   * consumers absorb (event ids). Never throws: what fails is left to the sweep.
   */
  async relayInserted(docs: Document[], outboxBatch: string): Promise<void> {
    if (this.stopped || docs.length === 0) return;
    this.batchInFlight.add(outboxBatch);
    try {
      await this.publishAll(docs);
      await this.closeBatch(outboxBatch);
      this.recovered();
    } catch (err) {
      this.paused(err);
    } finally {
      this.batchInFlight.delete(outboxBatch);
    }
  }

  /**
   * Relays whatever documents of a batch are stored (after an insert that failed part way, or a
   * marker the sweep found), then deletes its marker. Throws when publishing fails.
   */
  async relayBatch(outboxBatch: string): Promise<void> {
    const docs = await this.options.collection.find({ outboxBatch }, { projection: { [outboxField]: 1 } }).toArray();
    await this.publishAll(docs);
    await this.closeBatch(outboxBatch);
  }

  private async publishAll(docs: Document[]): Promise<void> {
    // Publishing only touches NATS: many at a time (each document's events in order).
    await this.forEach(
      docs,
      async (doc) => {
        for (const entry of (doc[outboxField] ?? []) as OutboxEntry[]) {
          const { trace, ...event } = entry;
          await this.options.publisher.publish(event, trace);
        }
      },
      32,
    );
    if (this.stopped) throw new Error('the relay stopped before the batch was published');
  }

  private async closeBatch(outboxBatch: string): Promise<void> {
    const batches = this.batchMarkers();
    // FerretDB on SQLite answers "database is locked" when another write holds it: retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await batches.deleteOne({ _id: outboxBatch as never });
        return;
      } catch (err) {
        if (attempt === 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private batchMarkers(): Collection<Document> {
    if (!this.options.batches) throw new Error(`the relay of ${this.options.collection.collectionName} has no batch markers collection`);
    return this.options.batches;
  }

  /** The sweep's part for batches: markers left by a replica that stopped between insert and publish. */
  private async relayLeftBatches(): Promise<void> {
    const { batches, collection } = this.options;
    if (!batches) return;
    const markers = await batches.find({ collection: collection.collectionName }).toArray();
    const staleBefore = new Date(Date.now() - staleBatchMs).toISOString();
    for (const marker of markers) {
      const id = String(marker._id);
      if (this.batchInFlight.has(id) || this.stopped) continue;
      // Fewer documents than marked: the insert may still be under way on another replica (or
      // failed part way there, which relays its own); only an old marker is taken as it is.
      const stored = await collection.countDocuments({ outboxBatch: id });
      if (stored < Number(marker.count) && String(marker.at) > staleBefore) continue;
      await this.relayBatch(id);
    }
  }

  /** Resolves when no relaying is in progress. */
  async idle(): Promise<void> {
    await Promise.all([this.targeted.idle(), this.sweeper.idle()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async relayKicked(): Promise<boolean> {
    const ids = [...this.kicked.values()];
    this.kicked.clear();
    const { collection } = this.options;
    try {
      await this.forEach(ids, async (id) => {
        // One primary-key read per document: FerretDB serves `_id` equality from its key, not `$in`.
        const doc = await collection.findOne({ _id: id as never }, { projection: { [outboxField]: 1 } });
        if (doc) await this.relayDocument(doc);
      });
      this.recovered();
    } catch (err) {
      // The sweep picks these up once publishing works again.
      this.paused(err);
    }
    return this.kicked.size > 0 && !this.failing && !this.stopped;
  }

  private async sweep(): Promise<boolean> {
    const started = Date.now();
    try {
      await this.relayOnce();
      this.recovered();
    } catch (err) {
      this.paused(err);
    } finally {
      this.lastSweepEnd = Date.now();
      this.lastSweepMs = this.lastSweepEnd - started;
    }
    return false;
  }

  /** Runs `work` over `items`, `concurrency` at a time; stops at the first failure. */
  private async forEach<T>(items: T[], work: (item: T) => Promise<void>, concurrency = this.options.concurrency ?? 1): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length && !this.stopped) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }

  private recovered(): void {
    if (this.failing) this.options.logger.info('outbox relay recovered');
    this.failing = false;
  }

  private paused(err: unknown): void {
    // Typically NATS is down; events stay in their documents until publishing works again.
    if (!this.failing) this.options.logger.warn({ err: (err as Error).message }, 'outbox relay paused');
    this.failing = true;
  }

  /** One sweep over every document with pending events; returns how many events were published. */
  async relayOnce(): Promise<number> {
    await this.relayLeftBatches();
    const { pendingField } = this.options;
    const pending = pendingField ? { [pendingField]: true } : { [`${outboxField}.0`]: { $exists: true } };
    const cursor = this.options.collection.find(pending, { projection: { [outboxField]: 1 }, batchSize: 500 });
    let published = 0;
    try {
      for (;;) {
        const page: Document[] = [];
        let read = 0;
        while (read < 500 && (await cursor.hasNext())) {
          const doc = (await cursor.next())!;
          read++;
          page.push(doc);
        }
        if (read === 0 || this.stopped) break;
        await this.forEach(page, async (doc) => void (published += await this.relayDocument(doc)));
      }
    } finally {
      await cursor.close();
    }
    return published;
  }

  private async relayDocument(doc: Document): Promise<number> {
    const { collection, publisher } = this.options;
    const entries = (doc[outboxField] ?? []) as OutboxEntry[];
    const sent: OutboxEntry[] = [];
    try {
      for (const entry of entries) {
        const { trace, ...event } = entry;
        await publisher.publish(event, trace);
        sent.push(entry);
      }
    } finally {
      const remove = async () => {
        // Everything read went out and nobody added more: empty the outbox and lower the flag.
        if (this.options.pendingField && sent.length === entries.length) {
          const emptied = await collection.updateOne({ _id: doc._id, [outboxField]: entries } as never, { $set: this.emptied() } as never);
          if (emptied.matchedCount === 1) return;
        }
        // $pullAll of the exact entries read: FerretDB v1 ignores $pull with a condition.
        if (sent.length > 0) await collection.updateOne({ _id: doc._id }, { $pullAll: { [outboxField]: sent } } as never);
      };
      await (this.options.locks ? this.options.locks.run(String(doc._id), remove) : remove());
    }
    return sent.length;
  }

  /** The update of a document whose events have all been published. */
  private emptied(): Document {
    return { [outboxField]: [], ...(this.options.pendingField ? { [this.options.pendingField]: false } : {}) };
  }
}
