import type { Logger } from '@repo/logging';
import { connect, nanos, type JetStreamManager, type NatsConnection } from 'nats';
import { BusNames } from './naming';

export interface BusOptions {
  url: string;
  logger: Logger;
  name: string;
  namespace?: string;
}

export interface Bus {
  nc: NatsConnection;
  jsm: JetStreamManager;
  names: BusNames;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Connects with endless reconnects: a NATS restart pauses publishing (the outbox keeps events)
 * and consuming (the durable consumer keeps its place) instead of killing the service.
 */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const { url, logger, name, namespace } = options;
  // The first connection waits for as long as NATS is away: say so, so a pod stuck here is
  // explained by its log (the servers without any user:password they may carry).
  logger.info({ servers: url.split(',').map(withoutCredentials) }, 'connecting to NATS (waits until a server answers)');
  const nc = await connect({
    servers: url.split(','),
    name,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        logger.warn({ status: status.type, data: String(status.data) }, 'nats connection status');
      }
    }
  })();
  const jsm = await nc.jetstreamManager();
  return {
    nc,
    jsm,
    names: new BusNames(namespace),
    logger,
    async close() {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/** A NATS server address without the credentials it may carry: nats://user:pw@host:4222 -> nats://host:4222. */
export function withoutCredentials(server: string): string {
  return server.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, '$1');
}

/** Idempotent: creates the domain's stream, or updates it to this configuration. */
export async function ensureStream(bus: Bus, domain: string): Promise<string> {
  const name = bus.names.stream(domain);
  const config = {
    name,
    subjects: [bus.names.domainSubjects(domain)],
    // Re-publishing an event within this window is dropped by its Nats-Msg-Id.
    duplicate_window: nanos(10 * 60_000),
    max_age: nanos(30 * 24 * 3_600_000),
  };
  try {
    await bus.jsm.streams.info(name);
    await bus.jsm.streams.update(name, config);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await bus.jsm.streams.add(config);
  }
  return name;
}

export async function ensureDeadLetterStream(bus: Bus): Promise<string> {
  const name = bus.names.deadLetterStream();
  try {
    await bus.jsm.streams.info(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await bus.jsm.streams.add({
      name,
      subjects: [bus.names.subject('dlq.>')],
      max_age: nanos(90 * 24 * 3_600_000),
    });
  }
  return name;
}

export function isNotFound(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /not found/i.test(message);
}
