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
}

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
  /** Ids of documents a relayInserted call is relaying: a sweep meanwhile leaves them to it. */
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
   * Relays the events of documents just inserted together (an import, a month's bills): publish
   * them all, then empty their outboxes with ONE update, where one update per document would
   * cost a collection scan each on FerretDB. `inserted` selects exactly these documents while
   * unchanged, by equality only (e.g. `{ outboxBatch: id, revision: 1 }`, a field the insert
   * gave them alone): FerretDB pushes equality down to its backend, but evaluates `_id: { $in }`
   * against every stored document. A document that changed meanwhile keeps its outbox for the
   * sweep; publishing twice is harmless (event ids). Never throws: what fails is left to the sweep.
   */
  async relayInserted(docs: Document[], inserted: Record<string, unknown>): Promise<void> {
    if (this.stopped || docs.length === 0) return;
    const ids = docs.map((doc) => String(doc._id));
    for (const id of ids) this.batchInFlight.add(id);
    try {
      await this.forEach(
        docs,
        async (doc) => {
          for (const entry of (doc[outboxField] ?? []) as OutboxEntry[]) {
            const { trace, ...event } = entry;
            await this.options.publisher.publish(event, trace);
          }
        },
        8,
      );
      // Publishing only touches NATS, so it runs 8 at a time; the store sees one update.
      const clear = () => this.options.collection.updateMany(inserted as never, { $set: this.emptied() } as never);
      // FerretDB on SQLite answers "database is locked" when another write holds it: retry.
      for (let attempt = 1; ; attempt++) {
        try {
          await clear();
          break;
        } catch (err) {
          if (attempt === 5) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
      this.recovered();
    } catch (err) {
      this.paused(err);
    } finally {
      for (const id of ids) this.batchInFlight.delete(id);
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
          // One update per document on FerretDB reads the collection; the batch empties its own with one.
          if (!this.batchInFlight.has(String(doc._id))) page.push(doc);
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
