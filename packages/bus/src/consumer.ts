import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { meterInstruments } from '@repo/telemetry/instruments';
import type { Logger } from '@repo/logging';
import { isDuplicateKey } from '@repo/db';
import type { Collection, Document } from 'mongodb';
import { AckPolicy, DeliverPolicy, JSONCodec, headers as natsHeaders, nanos, type JsMsg } from 'nats';
import { isNotFound, type Bus } from './connection';
import { isEnvelope, type EventEnvelope } from './envelope';

const codec = JSONCodec<unknown>();
const tracer = trace.getTracer('@repo/bus');
/** The consumers' metrics, shared with BatchConsumer. */
export const consumerInstruments = meterInstruments('@repo/bus', (meter) => ({
  /** How long each event took to handle, by consumer and outcome (acked, skipped, retried, deadLettered). */
  processDuration: meter.createHistogram('messaging.process.duration', {
    unit: 's',
    description: 'Time to handle one delivered event, by durable consumer and outcome',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  }),
  /** Deliveries after the first: the event failed before, or its ack was lost (a crash, an ack timeout). */
  redeliveries: meter.createCounter('partybuilding.consumer.redeliveries', {
    unit: '{delivery}',
    description: 'Deliveries of an event after its first, by durable consumer',
  }),
  /** Events moved to dlq.<domain>.<durable> after their last delivery (or that were no event). */
  deadLetters: meter.createCounter('partybuilding.consumer.dead_letters', {
    unit: '{event}',
    description: 'Events moved to the dead-letter stream, by durable consumer',
  }),
}));

/**
 * Remembers which events a consumer has finished, so a redelivery (after a crash between the
 * work and the ack, or a re-published event) changes nothing.
 */
export class ProcessedEvents {
  constructor(private readonly collection: Collection<Document>) {}

  private key(durable: string, eventId: string): string {
    return `${durable}:${eventId}`;
  }

  async has(durable: string, eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: this.key(durable, eventId) } as never)) > 0;
  }

  async mark(durable: string, eventId: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: this.key(durable, eventId), at: new Date() } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The store has no TTL index everywhere (FerretDB v1), so old marks are pruned by hand. */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.collection.deleteMany({ at: { $lt: new Date(Date.now() - olderThanMs) } });
    return result.deletedCount;
  }
}

export interface ConsumerOptions<T> {
  bus: Bus;
  /** Domain whose stream to read, e.g. content. */
  domain: string;
  /** Durable name shared by every replica of the consuming service. */
  durable: string;
  /** Event types to receive, NATS wildcards allowed, e.g. content.document.> */
  filterType: string;
  handler: (event: EventEnvelope<T>) => Promise<void>;
  processed: ProcessedEvents;
  logger: Logger;
  /** Deliveries before a message goes to the dead-letter subject. */
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Delay before redelivering after a failure, by attempt (the last repeats). */
  retryDelaysMs?: number[];
  batchSize?: number;
  /**
   * Deliveries handed out and not yet acknowledged, across replicas. 1 makes the consumer handle
   * its events one at a time in stream order (a failure is retried before anything after it).
   */
  maxAckPending?: number;
  /**
   * Events of a fetched batch handled at the same time (1, the default: one after the other).
   * Only for handlers to which order does not matter.
   */
  concurrency?: number;
  /**
   * The handler gives the same outcome however often an event comes (it acts on current state,
   * as the search indexer does): no record of processed events is kept or read, which saves two
   * store round trips an event.
   */
  idempotent?: boolean;
}

/** What a durable pull consumer is made with (one event at a time or in batches alike). */
export interface DurableSettings {
  durable: string;
  filterSubject: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
}

/** Creates or updates a durable pull consumer on `domain`'s stream; safe to call from every replica. */
export async function ensureDurable(bus: Bus, domain: string, settings: DurableSettings): Promise<void> {
  const stream = bus.names.stream(domain);
  const config = {
    durable_name: settings.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: settings.filterSubject,
    max_deliver: settings.maxDeliver,
    ack_wait: nanos(settings.ackWaitMs),
    max_ack_pending: settings.maxAckPending,
  };
  try {
    await bus.jsm.consumers.info(stream, settings.durable);
    await bus.jsm.consumers.update(stream, settings.durable, config);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await bus.jsm.consumers.add(stream, config);
  }
}

/** An idempotent durable pull consumer with bounded redelivery and a dead-letter subject. */
export class DurableConsumer<T = unknown> {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private readonly maxDeliver: number;

  constructor(private readonly options: ConsumerOptions<T>) {
    this.maxDeliver = options.maxDeliver ?? 5;
  }

  /** The durable name, shared by the service's replicas. */
  get durable(): string {
    return this.options.durable;
  }

  /** Creates or updates the durable consumer; safe to call from every replica. */
  async ensure(): Promise<void> {
    const { bus, domain, durable, filterType, ackWaitMs = 30_000, maxAckPending = 1_000 } = this.options;
    await ensureDurable(bus, domain, {
      durable,
      filterSubject: bus.names.subject(filterType),
      maxDeliver: this.maxDeliver,
      ackWaitMs,
      maxAckPending,
    });
  }

  async start(): Promise<void> {
    await this.ensure();
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { bus, domain, durable, logger, batchSize = 64 } = this.options;
    const js = bus.nc.jetstream();
    let failing = false;
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(bus.names.stream(domain), durable);
        const batch = await consumer.fetch({ max_messages: batchSize, expires: 1_000 });
        const concurrency = this.options.concurrency ?? 1;
        if (concurrency <= 1) {
          for await (const msg of batch) await this.handle(msg);
        } else {
          // Up to `concurrency` in flight; each message is handled as soon as it arrives. As one
          // after the other, a failure (the store of processed events, the dead-letter stream)
          // stops taking messages; those left come again after the ack wait. Every handling is
          // waited for, so none fails unobserved.
          const inFlight = new Set<Promise<void>>();
          let failure: { err: unknown } | undefined;
          for await (const msg of batch) {
            if (failure) break;
            const handled: Promise<void> = this.handle(msg)
              .catch((err: unknown) => void (failure ??= { err }))
              .finally(() => inFlight.delete(handled));
            inFlight.add(handled);
            if (inFlight.size >= concurrency) await Promise.race(inFlight);
          }
          await Promise.all(inFlight);
          if (failure) throw failure.err;
        }
        if (failing) logger.info({ durable }, 'consumer recovered');
        failing = false;
      } catch (err) {
        // NATS restarting or the consumer being recreated: wait and fetch again.
        if (!failing) logger.warn({ durable, err: (err as Error).message }, 'consumer paused');
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { bus, domain, durable } = this.options;
    const attributes = {
      'messaging.system': 'nats',
      'messaging.consumer.group.name': durable,
      'messaging.destination.name': bus.names.stream(domain),
    };
    const { processDuration, redeliveries, deadLetters } = consumerInstruments();
    if (msg.info.redeliveryCount > 1) redeliveries.add(1, attributes);
    const started = performance.now();
    const outcome = await this.handleOnce(msg);
    processDuration.record((performance.now() - started) / 1000, { ...attributes, outcome });
    if (outcome === 'deadLettered') deadLetters.add(1, attributes);
  }

  private async handleOnce(msg: JsMsg): Promise<'acked' | 'skipped' | 'retried' | 'deadLettered'> {
    const { durable, processed, logger, handler } = this.options;
    let payload: unknown;
    try {
      payload = codec.decode(msg.data);
    } catch {
      payload = undefined;
    }
    if (!isEnvelope(payload)) {
      await this.deadLetter(msg, 'not an event envelope');
      return 'deadLettered';
    }
    const event = payload as EventEnvelope<T>;
    const tracked = !this.options.idempotent;
    if (tracked && (await processed.has(durable, event.id))) {
      msg.ack();
      return 'skipped';
    }
    const carrier: Record<string, string> = {};
    for (const key of msg.headers?.keys() ?? []) carrier[key.toLowerCase()] = msg.headers?.get(key) ?? '';
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    return tracer.startActiveSpan(
      `consume ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': durable, 'event.id': event.id },
      },
      parent,
      async (span) => {
        try {
          await context.with(trace.setSpan(parent, span), () => handler(event));
          if (tracked) await processed.mark(durable, event.id);
          msg.ack();
          return 'acked' as const;
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          const deliveries = msg.info.redeliveryCount;
          if (deliveries >= this.maxDeliver) {
            logger.error({ durable, eventId: event.id, err }, 'event failed on its last delivery');
            await this.deadLetter(msg, (err as Error).message);
            return 'deadLettered' as const;
          } else {
            const delays = this.options.retryDelaysMs ?? [500, 2_000, 5_000];
            const delay = delays[Math.min(deliveries - 1, delays.length - 1)] ?? 1_000;
            logger.warn({ durable, eventId: event.id, deliveries, err: (err as Error).message }, 'event failed, will retry');
            msg.nak(delay);
            return 'retried' as const;
          }
        } finally {
          span.end();
        }
      },
    );
  }

  /** Keeps the poison message for people to inspect, then stops its redelivery. */
  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const { bus, domain, durable } = this.options;
    const h = natsHeaders();
    h.set('dead-letter-reason', reason.slice(0, 500));
    h.set('original-subject', msg.subject);
    await bus.nc.jetstream().publish(bus.names.deadLetterSubject(domain, durable), msg.data, { headers: h });
    msg.term();
  }
}

/**
 * A consumer span for an event taken by a consumer of its own (the audit log's batched ingest),
 * the child of its publish span as DurableConsumer's are; the caller ends it once the event is handled.
 */
export function startConsumerSpan(msg: JsMsg, event: EventEnvelope, durable: string): Span {
  const carrier: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) carrier[key.toLowerCase()] = msg.headers?.get(key) ?? '';
  return tracer.startSpan(
    `consume ${event.type}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': durable, 'event.id': event.id } },
    propagation.extract(ROOT_CONTEXT, carrier),
  );
}
