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
  /** Safety-net poll; writes also `kick()` the relay for low latency. */
  intervalMs?: number;
  batchSize?: number;
  /**
   * Per-document write lock shared with the service's repository (see KeyedMutex in @repo/db):
   * removing sent events is a write to the aggregate's document.
   */
  locks?: { run<T>(key: string, work: () => Promise<T>): Promise<T> };
}

/**
 * Publishes pending events, then removes them from their documents. Any replica may run it:
 * an event published twice (crash between publish and removal, or two relays) is dropped by
 * the stream's duplicate window and by idempotent consumers.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = true;
  private failing = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Runs a round now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.rerun = false;
      try {
        const sent = await this.relayOnce();
        if (this.failing) this.options.logger.info({ sent }, 'outbox relay recovered');
        this.failing = false;
        if (sent === (this.options.batchSize ?? 100)) this.rerun = true;
      } catch (err) {
        // Typically NATS is down; events stay in their documents until the next round.
        if (!this.failing) {
          this.options.logger.warn({ err: (err as Error).message }, 'outbox relay paused');
        }
        this.failing = true;
        return;
      }
    } while (this.rerun && !this.stopped);
  }

  /** One pass over documents with pending events; returns how many events were published. */
  async relayOnce(): Promise<number> {
    const { collection, publisher, batchSize = 100 } = this.options;
    const pending = await collection
      .find({ [`${outboxField}.0`]: { $exists: true } }, { projection: { [outboxField]: 1 } })
      .limit(batchSize)
      .toArray();
    let published = 0;
    for (const doc of pending) {
      const entries = (doc[outboxField] ?? []) as OutboxEntry[];
      const sent: OutboxEntry[] = [];
      try {
        for (const entry of entries) {
          const { trace, ...event } = entry;
          await publisher.publish(event, trace);
          sent.push(entry);
        }
      } finally {
        if (sent.length > 0) {
          // $pullAll of the exact entries read: FerretDB v1 ignores $pull with a condition.
          const remove = () => collection.updateOne({ _id: doc._id }, { $pullAll: { [outboxField]: sent } } as never);
          await (this.options.locks ? this.options.locks.run(String(doc._id), remove) : remove());
          published += sent.length;
        }
      }
    }
    return published;
  }
}
