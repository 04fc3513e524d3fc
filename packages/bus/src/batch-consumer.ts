/**
 * A durable pull consumer that hands its handler batches of events instead of one at a time:
 * for consumers that must keep up with thousands of events a second (a service's copy of
 * another's aggregates). Messages are gathered for at most `lingerMs` (or
 * `batchMax` of them) and handled as one batch while the next ones keep arriving.
 *
 * No record of processed events is kept (that would cost a store round trip an event, what
 * batching saves): the handler must be idempotent and keep order on its own, e.g. with the
 * stream sequence each event carries as a version guard (a batch that failed comes again after
 * later events were handled).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from '@repo/logging';
import { headers as natsHeaders, JSONCodec, type JsMsg } from 'nats';
import type { Bus } from './connection';
import { consumerInstruments, ensureDurable, startConsumerSpan } from './consumer';
import { isEnvelope, type EventEnvelope } from './envelope';

const codec = JSONCodec<unknown>();

/** An event as a batch consumer delivers it. */
export interface DeliveredEvent<T = unknown> {
  event: EventEnvelope<T>;
  /** Its sequence in the stream: later events of the stream have higher ones, a redelivery the same. */
  seq: number;
}

export interface BatchConsumerOptions<T> {
  bus: Bus;
  /** Domain whose stream to read. */
  domain: string;
  /** Durable name shared by every replica of the consuming service. */
  durable: string;
  /** Event types to receive, NATS wildcards allowed; absent: every subject of the domain. */
  filterType?: string;
  /** Handles a batch, events in stream order; throwing has the batch delivered again. */
  handler: (events: DeliveredEvent<T>[]) => Promise<void>;
  logger: Logger;
  /** Deliveries before an event goes to the dead-letter stream; -1: never given up on. */
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Deliveries handed out and not acknowledged yet (bounds a batch and the next ones in flight). */
  maxAckPending?: number;
  batchMax?: number;
  /** How long a batch waits for more after its first event: bounds how late a lone event is handled. */
  lingerMs?: number;
  /**
   * Whether batches may be handled while the one before is still being handled (a handler that
   * orders what it is handed itself). Default false: one batch after the other.
   */
  overlap?: boolean;
  /**
   * When a batch fails, its events are tried one by one, so one bad event is dead-lettered alone
   * at its last delivery and the others go through (default). Off: the whole batch comes again.
   */
  isolateFailures?: boolean;
  /** Consumes only while this holds (e.g. the replica holds a lease); checked every 100 ms. */
  mayConsume?: () => boolean;
  retryDelaysMs?: number[];
}

export class BatchConsumer<T = unknown> {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: BatchConsumerOptions<T>) {}

  get durable(): string {
    return this.options.durable;
  }

  get maxDeliver(): number {
    return this.options.maxDeliver ?? 5;
  }

  /** Creates or updates the durable consumer; safe to call from every replica. */
  async ensure(): Promise<void> {
    const { bus, domain, durable, filterType, ackWaitMs = 60_000, maxAckPending = 10_000 } = this.options;
    await ensureDurable(bus, domain, {
      durable,
      filterSubject: filterType ? bus.names.subject(filterType) : bus.names.domainSubjects(domain),
      maxDeliver: this.maxDeliver,
      ackWaitMs,
      maxAckPending,
    });
  }

  async start(): Promise<void> {
    await this.ensure();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { bus, domain, durable, logger, batchMax = 500, lingerMs = 50, overlap = false } = this.options;
    const mayConsume = this.options.mayConsume ?? (() => true);
    const js = bus.nc.jetstream();
    let failing = false;
    while (this.running) {
      if (!mayConsume()) {
        await sleep(250);
        continue;
      }
      try {
        const consumer = await js.consumers.get(bus.names.stream(domain), durable);
        const messages = await consumer.consume({ max_messages: batchMax * 2 });
        const inFlight = new Set<Promise<void>>();
        let batch: JsMsg[] = [];
        let timer: NodeJS.Timeout | undefined;
        // The batch before, when batches do not overlap: the next one waits for it.
        let previous: Promise<void> = Promise.resolve();
        const flush = () => {
          clearTimeout(timer);
          timer = undefined;
          const taken = batch;
          batch = [];
          if (taken.length === 0) return;
          const handled = (overlap ? this.handle(taken) : previous.then(() => this.handle(taken))).catch((err: unknown) =>
            logger.warn({ durable, err: (err as Error).message }, 'a batch failed; it is delivered again'),
          );
          previous = handled;
          inFlight.add(handled);
          void handled.finally(() => inFlight.delete(handled));
        };
        const watch = setInterval(() => {
          if (!this.running || !mayConsume()) void messages.close();
        }, 100);
        try {
          for await (const msg of messages) {
            batch.push(msg);
            if (batch.length >= batchMax) {
              flush();
              // Back pressure: no more than two batches wait behind the one being handled.
              if (!overlap && inFlight.size > 2) await previous;
            } else timer ??= setTimeout(flush, lingerMs);
          }
        } finally {
          clearInterval(watch);
          flush();
          await Promise.all(inFlight);
        }
        if (failing) logger.info({ durable }, 'consumer recovered');
        failing = false;
      } catch (err) {
        if (!failing) logger.warn({ durable, err: (err as Error).message }, 'consumer paused');
        failing = true;
        await sleep(500);
      }
    }
  }

  private attributes() {
    const { bus, domain, durable } = this.options;
    return {
      'messaging.system': 'nats',
      'messaging.consumer.group.name': durable,
      'messaging.destination.name': bus.names.stream(domain),
    };
  }

  /** Decodes a batch (what is no event is dead-lettered), hands it over, then acks or retries it. */
  private async handle(messages: JsMsg[]): Promise<void> {
    const { durable, logger, isolateFailures = true } = this.options;
    const { processDuration, redeliveries } = consumerInstruments();
    const attributes = this.attributes();
    const events: DeliveredEvent<T>[] = [];
    const taken: JsMsg[] = [];
    for (const msg of messages) {
      if (msg.info.redeliveryCount > 1) redeliveries.add(1, attributes);
      let payload: unknown;
      try {
        payload = codec.decode(msg.data);
      } catch {
        payload = undefined;
      }
      if (isEnvelope(payload)) {
        events.push({ event: payload as EventEnvelope<T>, seq: msg.seq });
        taken.push(msg);
      } else await this.deadLetter(msg, 'not an event envelope');
    }
    if (events.length === 0) return;
    // One consumer span per event, as DurableConsumer makes, so a trace goes on through the batch.
    const spans = taken.map((msg, i) => startConsumerSpan(msg, events[i]!.event, durable));
    const started = performance.now();
    try {
      await this.options.handler(events);
      for (const msg of taken) msg.ack();
      const seconds = (performance.now() - started) / 1000 / events.length;
      for (let i = 0; i < events.length; i++) processDuration.record(seconds, { ...attributes, outcome: 'acked' });
    } catch (err) {
      for (const span of spans) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      if (isolateFailures && events.length > 1) {
        logger.warn({ durable, events: events.length, err: (err as Error).message }, 'a batch failed; its events are tried one by one');
        for (let i = 0; i < events.length; i++) await this.handleAlone(taken[i]!, events[i]!);
      } else {
        for (const msg of taken) await this.retryOrGiveUp(msg, err as Error);
        throw err;
      }
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async handleAlone(msg: JsMsg, event: DeliveredEvent<T>): Promise<void> {
    try {
      await this.options.handler([event]);
      msg.ack();
    } catch (err) {
      await this.retryOrGiveUp(msg, err as Error);
    }
  }

  private async retryOrGiveUp(msg: JsMsg, err: Error): Promise<void> {
    const { durable, logger } = this.options;
    const deliveries = msg.info.redeliveryCount;
    if (this.maxDeliver > 0 && deliveries >= this.maxDeliver) {
      logger.error({ durable, seq: msg.seq, err: err.message }, 'event failed on its last delivery');
      await this.deadLetter(msg, err.message);
      return;
    }
    const delays = this.options.retryDelaysMs ?? [500, 2_000, 5_000];
    msg.nak(delays[Math.min(deliveries - 1, delays.length - 1)] ?? 1_000);
  }

  /** Keeps the message for people to inspect, then stops its redelivery. */
  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const { bus, domain, durable } = this.options;
    const h = natsHeaders();
    h.set('dead-letter-reason', reason.slice(0, 500));
    h.set('original-subject', msg.subject);
    await bus.nc.jetstream().publish(bus.names.deadLetterSubject(domain, durable), msg.data, { headers: h });
    msg.term();
    consumerInstruments().deadLetters.add(1, this.attributes());
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
