import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace as traces } from '@opentelemetry/api';
import { meterInstruments } from '@repo/telemetry/instruments';
import { headers as natsHeaders, JSONCodec, type JetStreamClient } from 'nats';
import type { Bus } from './connection';
import type { EventEnvelope } from './envelope';

const codec = JSONCodec<EventEnvelope>();
const tracer = traces.getTracer('@repo/bus');
/** Events the outbox relays published, by stream; `duplicate` when the stream had it already. */
const instruments = meterInstruments('@repo/bus', (meter) => ({
  published: meter.createCounter('partybuilding.outbox.published', {
    unit: '{event}',
    description: 'Events published to JetStream by the outbox relays, by stream and whether the stream dropped them as duplicates',
  }),
}));

/** Trace context captured when an event is written, carried to the consumer as NATS headers. */
export type TraceCarrier = Record<string, string>;

export function captureTraceContext(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(private readonly bus: Bus) {
    this.js = bus.nc.jetstream();
  }

  /**
   * Publishes with the event id as Nats-Msg-Id; resolves once the stream has stored it. The
   * publish is a producer span in the trace of the write (`trace`, captured with the event), and
   * the consumers' spans follow from it through the message's headers.
   */
  async publish(event: EventEnvelope, trace: TraceCarrier = {}): Promise<{ duplicate: boolean }> {
    const subject = this.bus.names.subject(event.type);
    const parent = propagation.extract(ROOT_CONTEXT, trace);
    return tracer.startActiveSpan(
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.message.id': event.id },
      },
      parent,
      async (span) => {
        try {
          const h = natsHeaders();
          const carrier: TraceCarrier = { ...trace };
          propagation.inject(traces.setSpan(parent, span), carrier);
          for (const [key, value] of Object.entries(carrier)) h.set(key, value);
          h.set('event-type', event.type);
          const ack = await this.js.publish(subject, codec.encode(event), { msgID: event.id, headers: h, timeout: 5_000 });
          span.setAttribute('messaging.nats.duplicate', ack.duplicate);
          instruments().published.add(1, {
            'messaging.system': 'nats',
            'messaging.destination.name': ack.stream,
            duplicate: ack.duplicate,
          });
          return { duplicate: ack.duplicate };
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }
}
