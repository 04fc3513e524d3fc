/**
 * Every stream of the platform into the audit log. One durable pull consumer per domain
 * (supervision-audit-<domain>, shared by the replicas), read only by the replica that holds the
 * sequencer lease. Each batch is handed to the sequencer and acknowledged once it is stored; a
 * failure is redelivered. Redeliveries are harmless: the log keeps one leaf per event id.
 *
 * The bus's BatchConsumer, not the kit's DurableConsumer, which handles one event at a time with
 * a store round trip each to remember it: the log needs thousands a second, and its unique event
 * id already is the memory.
 */
import { BatchConsumer, type Bus } from '@repo/bus';
import type { Logger } from '@repo/logging';
import type { Sequencer } from './sequencer';

export const auditDurable = (domain: string) => `supervision-audit-${domain}`;

export interface IngestOptions {
  /** Messages handed to the sequencer at once, per domain. */
  batchMax?: number;
  /** How long a batch waits for more messages after its first: bounds how soon a lone event is logged. */
  lingerMs?: number;
}

export class AuditIngest {
  private readonly consumers: BatchConsumer[];

  constructor(
    bus: Bus,
    domains: readonly string[],
    sequencer: Sequencer,
    /** Whether this replica may write now (it holds the sequencer lease). */
    mayWrite: () => boolean,
    logger: Logger,
    options: IngestOptions = {},
  ) {
    this.consumers = domains.map(
      (domain) =>
        new BatchConsumer({
          bus,
          domain,
          durable: auditDurable(domain),
          handler: (events) => sequencer.append(events.map((e) => e.event)),
          logger,
          // Never given up on: an event not in the log is a hole in the record.
          maxDeliver: -1,
          ackWaitMs: 60_000,
          maxAckPending: 20_000,
          batchMax: options.batchMax ?? 1_000,
          lingerMs: options.lingerMs ?? 50,
          // The sequencer orders what it is handed; a failed batch comes again whole.
          overlap: true,
          isolateFailures: false,
          retryDelaysMs: [1_000],
          mayConsume: mayWrite,
        }),
    );
  }

  async start(): Promise<void> {
    for (const consumer of this.consumers) await consumer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
