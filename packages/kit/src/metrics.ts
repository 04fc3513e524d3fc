/**
 * The metrics every service booted by the kit records through @opentelemetry/api (no-ops until
 * the SDK is started with `--require @repo/telemetry/register`):
 *
 * | metric | kind | attributes |
 * | --- | --- | --- |
 * | `rpc.server.call.duration` (s) | histogram | `rpc.service`, `rpc.method`, `rpc.grpc.status_code`: rate, errors and duration per RPC |
 * | `partybuilding.consumer.lag` | gauge | `messaging.consumer.group.name`, `messaging.destination.name`: events not yet delivered |
 * | `partybuilding.consumer.ack_pending` | gauge | same: delivered, not yet acknowledged |
 * | `partybuilding.consumer.redelivered` | gauge | same: events delivered more than once and not yet acknowledged |
 * | `partybuilding.outbox.backlog` | gauge | `db.collection.name`: documents whose events are not published yet |
 * | `db.client.operation.duration` (s) | histogram | `db.operation.name`, `db.collection.name`, `error.type`: every command of the MongoDB driver |
 *
 * plus, recorded where the work happens: `partybuilding.job.runs` and `partybuilding.job.duration`
 * (jobs.ts), `messaging.process.duration`, `partybuilding.consumer.redeliveries` and
 * `partybuilding.consumer.dead_letters` (@repo/bus consumer), `partybuilding.outbox.published`
 * (@repo/bus publisher).
 */
import type { Attributes } from '@opentelemetry/api';
import type { BatchConsumer, Bus, DurableConsumer, Outboxes } from '@repo/bus';
import type { Connection } from '@repo/db';
import { toServiceError, type ServiceRegistration } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { meterInstruments } from '@repo/telemetry/instruments';
import { asUnavailable } from './availability';

const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const instruments = meterInstruments('@repo/kit', (meter) => ({
  meter,
  rpcDuration: meter.createHistogram('rpc.server.call.duration', {
    unit: 's',
    description: 'Duration of the gRPC calls a service handled, by service, method and status code',
    advice: { explicitBucketBoundaries: seconds },
  }),
  operationDuration: meter.createHistogram('db.client.operation.duration', {
    unit: 's',
    description: 'Duration of the document store commands, by command and collection',
    advice: { explicitBucketBoundaries: seconds },
  }),
}));

/**
 * The registrations with every handler timed (one `rpc.server.call.duration` record per call) and
 * an unreachable store answered UNAVAILABLE with a retry hint, a query its time limit stopped
 * DEADLINE_EXCEEDED (availability.ts).
 */
export function timedRegistrations(registrations: ServiceRegistration[], logger: Logger): ServiceRegistration[] {
  return registrations.map((registration) => ({
    ...registration,
    handlers: Object.fromEntries(
      Object.entries(registration.handlers).map(([method, handler]) => [
        method,
        async (request: never, context: Parameters<typeof handler>[1]) => {
          const started = performance.now();
          let code = 0;
          try {
            return await handler(request, context);
          } catch (err) {
            const answered = asUnavailable(err);
            if (answered !== err)
              logger.warn(
                { method, err: (err as Error).message, answered: (answered as Error).message },
                'a store failed; answered as its kind',
              );
            code = toServiceError(answered).code ?? 2;
            throw answered;
          } finally {
            instruments().rpcDuration.record((performance.now() - started) / 1000, {
              'rpc.system': 'grpc',
              'rpc.service': registration.name,
              'rpc.method': method.charAt(0).toUpperCase() + method.slice(1),
              'rpc.grpc.status_code': code,
            });
          }
        },
      ]),
    ),
  }));
}

/** Starts the batch callbacks that read consumer lag from JetStream and the outbox backlog from the store. */
export function observeQueues(options: {
  bus: Bus;
  consumers: (DurableConsumer | BatchConsumer)[];
  consumerDomains: Map<DurableConsumer | BatchConsumer, string>;
  outboxes: Outboxes;
  logger: Logger;
}): () => void {
  const { bus, consumers, consumerDomains, outboxes, logger } = options;
  const { meter } = instruments();
  const lag = meter.createObservableGauge('partybuilding.consumer.lag', {
    unit: '{event}',
    description: "Events of the consumer's filter not delivered yet (JetStream num_pending)",
  });
  const ackPending = meter.createObservableGauge('partybuilding.consumer.ack_pending', {
    unit: '{event}',
    description: 'Events delivered and not acknowledged yet (num_ack_pending)',
  });
  const redelivered = meter.createObservableGauge('partybuilding.consumer.redelivered', {
    unit: '{event}',
    description: 'Events delivered more than once and not acknowledged yet (num_redelivered)',
  });
  const backlog = meter.createObservableGauge('partybuilding.outbox.backlog', {
    unit: '{document}',
    description: 'Documents whose events the outbox relay has not published yet',
  });
  let warned = false;
  const callback = async (observer: Parameters<Parameters<typeof meter.addBatchObservableCallback>[0]>[0]) => {
    try {
      for (const consumer of consumers) {
        const stream = bus.names.stream(consumerDomains.get(consumer)!);
        const info = await bus.jsm.consumers.info(stream, consumer.durable);
        const attributes: Attributes = {
          'messaging.system': 'nats',
          'messaging.consumer.group.name': consumer.durable,
          'messaging.destination.name': stream,
        };
        observer.observe(lag, info.num_pending, attributes);
        observer.observe(ackPending, info.num_ack_pending, attributes);
        observer.observe(redelivered, info.num_redelivered, attributes);
      }
      for (const { collection, pending } of await outboxes.backlog())
        observer.observe(backlog, pending, { 'db.collection.name': collection });
      warned = false;
    } catch (err) {
      // NATS or the store down: this export lacks the gauges; the next one tries again.
      if (!warned) logger.warn({ err: (err as Error).message }, 'queue metrics not read');
      warned = true;
    }
  };
  meter.addBatchObservableCallback(callback, [lag, ackPending, redelivered, backlog]);
  return () => meter.removeBatchObservableCallback(callback, [lag, ackPending, redelivered, backlog]);
}

interface CommandEvent {
  commandName: string;
  duration: number;
  requestId: number;
  databaseName: string;
  failure?: Error;
}

/**
 * Times every command of the connection's driver (its command events: connectMongo with
 * `monitorCommands: true`), as `db.client.operation.duration`, with the collection the command
 * names (remembered from its start event).
 */
export function instrumentStore(connection: Connection): void {
  const client = connection.getClient();
  const collections = new Map<number, string>();
  client.on('commandStarted', (event: { requestId: number; commandName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    // Every started command ends in one of the two events below; the cap only guards a driver bug.
    if (collections.size > 10_000) collections.clear();
    if (typeof target === 'string') collections.set(event.requestId, target);
  });
  const record = (event: CommandEvent) => {
    const collection = collections.get(event.requestId);
    collections.delete(event.requestId);
    instruments().operationDuration.record(event.duration / 1000, {
      'db.system': 'mongodb',
      'db.namespace': event.databaseName,
      'db.operation.name': event.commandName,
      ...(collection ? { 'db.collection.name': collection } : {}),
      ...(event.failure ? { 'error.type': event.failure.name } : {}),
    });
  };
  client.on('commandSucceeded', record);
  client.on('commandFailed', record);
}
