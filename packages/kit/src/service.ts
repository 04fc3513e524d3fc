/**
 * The service kit: one function boots a service from its feature modules. It connects the
 * document store and the bus (under the namespace, when one is set), ensures the service's
 * stream and the dead-letter stream, builds the outbox relays, the scheduled jobs, the durable
 * consumers and the gRPC server (health included, every caller verified), and starts and stops
 * them in the right order. A service's app.ts only hands it its modules.
 */
import { AssertionVerifier } from '@repo/access';
import {
  BatchConsumer,
  connectBus,
  DurableConsumer,
  ensureDeadLetterStream,
  ensureStream,
  EventPublisher,
  Outboxes,
  ProcessedEvents,
  type Bus,
} from '@repo/bus';
import { connectMongo, type Connection } from '@repo/db';
import { createGrpcServer, type GrpcServer } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { JobRunner } from './jobs';
import { Leases } from './leases';
import { instrumentStore, observeQueues, timedRegistrations } from './metrics';
import type { KitConfig, ModuleContext, ServiceModule } from './modules';
import { organizationMoveFollower } from './organization-moves';

/** A consumer the kit runs: one event at a time, or in batches. */
export type ServiceConsumer = DurableConsumer | BatchConsumer;

export interface ServiceSpec {
  name: string;
  config: KitConfig;
  /** Where the gRPC server listens, host:port (port 0 picks a free one). */
  address: string;
  logger: Logger;
  /** The event domains (besides its own) whose streams the service reads. */
  reads?: string[];
  /** The service's modules, built on the connected store and bus. */
  modules(context: ModuleContext): Promise<ServiceModule[]> | ServiceModule[];
  /** Channel option overrides for the gRPC server (tests shorten the connection age). */
  grpcOverrides?: Record<string, number>;
}

export interface ServiceApp {
  name: string;
  grpc: GrpcServer;
  connection: Connection;
  bus: Bus;
  outboxes: Outboxes;
  jobs: JobRunner;
  consumers: ServiceConsumer[];
  /** Starts relays, consumers, jobs and modules, then listens; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

export async function bootService(spec: ServiceSpec): Promise<ServiceApp> {
  const { name, config, logger } = spec;
  // A key that cannot verify anything stops the service before it connects anywhere.
  const verifier = new AssertionVerifier(config.CALLER_VERIFY_KEYS);
  const connection = await connectMongo({ url: config.MONGO_URL, logger, monitorCommands: true });
  instrumentStore(connection);
  const bus = await connectBus({
    url: config.NATS_URL,
    logger,
    name,
    ...(config.BUS_NAMESPACE ? { namespace: config.BUS_NAMESPACE } : {}),
  });
  const domains = [...new Set([name, ...(spec.reads ?? [])])];
  try {
    // Streams of the domains read are ensured too: a consumer may start before their publisher.
    for (const domain of domains) await ensureStream(bus, domain);
    await ensureDeadLetterStream(bus);
  } catch (err) {
    await bus.close();
    await connection.close();
    throw err;
  }

  const outboxes = new Outboxes({ publisher: new EventPublisher(bus), logger, sweepMs: config.OUTBOX_SWEEP_MS });
  const leases = new Leases(connection);
  const modules = await spec.modules({ service: name, connection, bus, outboxes, leases, logger });

  const processed = new ProcessedEvents(connection.collection('processed_events'));
  const holders = modules.flatMap((m) => m.organizationPaths ?? []);
  const consumerSpecs = [
    ...modules.flatMap((m) => m.consumers ?? []),
    ...(holders.length ? [organizationMoveFollower(name, holders, logger)] : []),
  ];
  for (const consumer of consumerSpecs) {
    if (!domains.includes(consumer.domain))
      throw new Error(`${name}: consumer ${consumer.durable} reads ${consumer.domain}, which the service does not list in reads`);
  }
  const consumerDomains = new Map<ServiceConsumer, string>();
  const consumers = consumerSpecs.map((c): ServiceConsumer => {
    const consumer =
      'batchHandler' in c
        ? new BatchConsumer({
            bus,
            domain: c.domain,
            durable: c.durable,
            filterType: c.filterType,
            handler: c.batchHandler,
            logger,
            ...(c.batchMax ? { batchMax: c.batchMax } : {}),
            ...(c.lingerMs ? { lingerMs: c.lingerMs } : {}),
          })
        : new DurableConsumer({
            bus,
            domain: c.domain,
            durable: c.durable,
            filterType: c.filterType,
            handler: c.handler,
            processed,
            logger,
            ...(c.maxAckPending ? { maxAckPending: c.maxAckPending } : {}),
            ...(c.concurrency ? { concurrency: c.concurrency } : {}),
            ...(c.idempotent ? { idempotent: c.idempotent } : {}),
          });
    consumerDomains.set(consumer, c.domain);
    return consumer;
  });
  const jobs = new JobRunner(
    modules.flatMap((m) => m.jobs ?? []),
    leases,
    config.JOB_INTERVAL_MS,
    logger,
  );
  const grpc = createGrpcServer(
    timedRegistrations(
      modules.flatMap((m) => m.grpc ?? []),
      logger,
    ),
    { verifier, logger, ...(spec.grpcOverrides ? { overrides: spec.grpcOverrides } : {}) },
  );

  let unobserve: (() => void) | undefined;

  return {
    name,
    grpc,
    connection,
    bus,
    outboxes,
    jobs,
    consumers,
    async start() {
      await outboxes.start();
      for (const consumer of consumers) await consumer.start();
      jobs.start();
      for (const module of modules) await module.start?.();
      unobserve = observeQueues({ bus, consumers, consumerDomains, outboxes, logger });
      return grpc.listen(spec.address);
    },
    async stop() {
      await grpc.shutdown();
      unobserve?.();
      for (const module of [...modules].reverse()) await module.stop?.();
      await jobs.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      await outboxes.stop();
      await bus.close();
      await connection.close();
    },
  };
}
