/**
 * The module contract: what a service hands the kit, and what each of its modules is built
 * from. A feature module is its gRPC services (thin adapters over its use cases), its jobs, its
 * consumers and the collections of organisation paths it keeps.
 */
import type { Bus, DeliveredEvent, EventEnvelope, Outboxes } from '@repo/bus';
import type { Connection } from '@repo/db';
import type { ServiceRegistration } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import type { Job } from './jobs';
import type { Leases } from './leases';
import type { PathHolder } from './organization-paths';

/** The configuration every service has (serviceShape in @repo/config). */
export interface KitConfig {
  MONGO_URL: string;
  NATS_URL: string;
  BUS_NAMESPACE?: string | undefined;
  OUTBOX_SWEEP_MS: number;
  JOB_INTERVAL_MS: number;
  CALLER_VERIFY_KEYS: string[];
}

/** A durable consumer a module asks for: events of `filterType` from `domain`'s stream. */
export interface EventConsumerSpec {
  domain: string;
  /** Shared by every replica of the service, e.g. content-indexer. */
  durable: string;
  /** Event types, NATS wildcards allowed, e.g. content.document.> */
  filterType: string;
  handler: (event: EventEnvelope) => Promise<void>;
  /** 1 to handle events one at a time, in order. */
  maxAckPending?: number;
  /** Events handled at the same time, for handlers to which order does not matter (DurableConsumer). */
  concurrency?: number;
  /** The handler acts on current state, so no record of processed events is kept (DurableConsumer). */
  idempotent?: boolean;
}

/**
 * A consumer that takes its events in batches (BatchConsumer of @repo/bus): its handler is
 * idempotent and keeps order itself (each event comes with its stream sequence).
 */
export interface BatchConsumerSpec {
  domain: string;
  durable: string;
  filterType: string;
  batchHandler: (events: DeliveredEvent[]) => Promise<void>;
  /** Events per batch (default 500). */
  batchMax?: number;
  /** How long a batch waits for more after its first event (default 50 ms). */
  lingerMs?: number;
}

export type ConsumerSpec = EventConsumerSpec | BatchConsumerSpec;

/** What a module is built from. */
export interface ModuleContext {
  /** The service's name: its stream's domain, its durable names' prefix. */
  service: string;
  connection: Connection;
  bus: Bus;
  /** Register a model here to get its outbox store (writes and their events in one update). */
  outboxes: Outboxes;
  /** The service's leases: work that must run on one replica at a time (a long background run). */
  leases: Leases;
  logger: Logger;
}

/**
 * A feature of a service: its gRPC services (thin adapters over its use cases), its scheduled
 * jobs, its consumers, and the collections holding organisation paths that follow subtree moves.
 */
export interface ServiceModule {
  grpc?: ServiceRegistration[];
  jobs?: Job[];
  consumers?: ConsumerSpec[];
  /** Rewritten when the member service moves a subtree (see organizationMoveFollower). */
  organizationPaths?: PathHolder[];
  /** Runs after the relays, consumers and jobs started, before the server listens. */
  start?(): Promise<void> | void;
  /** Runs after the server stopped taking calls. */
  stop?(): Promise<void> | void;
}
