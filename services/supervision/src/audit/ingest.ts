/**
 * Every stream of the platform into the audit log. One durable pull consumer per domain
 * (supervision-audit-<domain>, shared by the replicas), read only by the replica that holds the
 * sequencer lease. Each fetch is handed to the sequencer as one batch and acknowledged once it is
 * stored; a failure is redelivered. Redeliveries are harmless: the log keeps one leaf per event id.
 *
 * Not the kit's DurableConsumer, which handles one event at a time with a store round trip each
 * to remember it: the log needs thousands a second, and its unique event id already is the memory.
 */
import { isEnvelope, isNotFound, startConsumerSpan, type Bus, type EventEnvelope } from '@repo/bus';
import type { Logger } from '@repo/logging';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, JSONCodec, nanos, type JsMsg } from 'nats';
import type { Sequencer } from './sequencer';

const codec = JSONCodec<unknown>();

export const auditDurable = (domain: string) => `supervision-audit-${domain}`;

export interface IngestOptions {
  /** Messages handed to the sequencer at once, per domain. */
  batchMax?: number;
  /** How long a batch waits for more messages after its first: bounds how soon a lone event is logged. */
  lingerMs?: number;
}

export class AuditIngest {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly domains: readonly string[],
    private readonly sequencer: Sequencer,
    /** Whether this replica may write now (it holds the sequencer lease). */
    private readonly mayWrite: () => boolean,
    private readonly logger: Logger,
    private readonly options: IngestOptions = {},
  ) {}

  async start(): Promise<void> {
    for (const domain of this.domains) await this.ensure(domain);
    this.running = true;
    this.loops = this.domains.map((domain) => this.run(domain));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async ensure(domain: string): Promise<void> {
    const stream = this.bus.names.stream(domain);
    const config = {
      durable_name: auditDurable(domain),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.bus.names.domainSubjects(domain),
      // Never given up on: an event not in the log is a hole in the record.
      max_deliver: -1,
      ack_wait: nanos(60_000),
      max_ack_pending: 20_000,
    };
    try {
      await this.bus.jsm.consumers.info(stream, config.durable_name);
      await this.bus.jsm.consumers.update(stream, config.durable_name, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.bus.jsm.consumers.add(stream, config);
    }
  }

  /**
   * Consumes while this replica may write: messages are gathered for at most `lingerMs` (or
   * `batchMax` of them) and handed over as one batch, while the next ones keep arriving.
   */
  private async run(domain: string): Promise<void> {
    const { batchMax = 1_000, lingerMs = 50 } = this.options;
    const js = this.bus.nc.jetstream();
    let failing = false;
    while (this.running) {
      if (!this.mayWrite()) {
        await sleep(250);
        continue;
      }
      try {
        const consumer = await js.consumers.get(this.bus.names.stream(domain), auditDurable(domain));
        const messages = await consumer.consume({ max_messages: batchMax * 2 });
        const inFlight = new Set<Promise<void>>();
        let batch: JsMsg[] = [];
        let timer: NodeJS.Timeout | undefined;
        const flush = () => {
          clearTimeout(timer);
          timer = undefined;
          const taken = batch;
          batch = [];
          if (taken.length === 0) return;
          const logged = this.log(domain, taken).catch((err: unknown) =>
            this.logger.warn({ domain, err: (err as Error).message }, 'audit ingest: a batch failed; it is delivered again'),
          );
          inFlight.add(logged);
          void logged.finally(() => inFlight.delete(logged));
        };
        // Stop consuming as soon as the lease is lost or the service stops.
        const watch = setInterval(() => {
          if (!this.running || !this.mayWrite()) void messages.close();
        }, 100);
        try {
          for await (const msg of messages) {
            batch.push(msg);
            if (batch.length >= batchMax) flush();
            else timer ??= setTimeout(flush, lingerMs);
          }
        } finally {
          clearInterval(watch);
          flush();
          await Promise.all(inFlight);
        }
        if (failing) this.logger.info({ domain }, 'audit ingest recovered');
        failing = false;
      } catch (err) {
        if (!failing) this.logger.warn({ domain, err: (err as Error).message }, 'audit ingest paused');
        failing = true;
        await sleep(500);
      }
    }
  }

  private async log(domain: string, messages: JsMsg[]): Promise<void> {
    const events: EventEnvelope[] = [];
    const logged: JsMsg[] = [];
    for (const msg of messages) {
      let payload: unknown;
      try {
        payload = codec.decode(msg.data);
      } catch {
        payload = undefined;
      }
      if (isEnvelope(payload)) {
        events.push(payload);
        logged.push(msg);
      } else {
        await this.deadLetter(domain, msg);
      }
    }
    // One consumer span per event, as the kit's consumers make, so a trace reaches the audit log too.
    const spans = logged.map((msg, i) => startConsumerSpan(msg, events[i]!, auditDurable(domain)));
    try {
      await this.sequencer.append(events);
    } catch (err) {
      for (const msg of logged) msg.nak(1_000);
      for (const span of spans) span.end();
      throw err;
    }
    for (const msg of logged) msg.ack();
    for (const span of spans) span.end();
  }

  /** A message that is no event envelope cannot be a leaf: kept on the dead-letter stream for people to look at. */
  private async deadLetter(domain: string, msg: JsMsg): Promise<void> {
    const h = natsHeaders();
    h.set('dead-letter-reason', 'not an event envelope');
    h.set('original-subject', msg.subject);
    await this.bus.nc.jetstream().publish(this.bus.names.deadLetterSubject(domain, auditDurable(domain)), msg.data, { headers: h });
    msg.term();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
