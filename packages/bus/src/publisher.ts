import { context, propagation } from '@opentelemetry/api';
import { headers as natsHeaders, JSONCodec, type JetStreamClient } from 'nats';
import type { Bus } from './connection';
import type { EventEnvelope } from './envelope';

const codec = JSONCodec<EventEnvelope>();

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

  /** Publishes with the event id as Nats-Msg-Id; resolves once the stream has stored it. */
  async publish(event: EventEnvelope, trace: TraceCarrier = {}): Promise<{ duplicate: boolean }> {
    const h = natsHeaders();
    for (const [key, value] of Object.entries(trace)) h.set(key, value);
    h.set('event-type', event.type);
    const ack = await this.js.publish(this.bus.names.subject(event.type), codec.encode(event), {
      msgID: event.id,
      headers: h,
      timeout: 5_000,
    });
    return { duplicate: ack.duplicate };
  }
}
