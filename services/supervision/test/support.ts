/** Starts the supervision service in-process on the real local stack, and feeds it events as other services would. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { connectBus, createEvent, ensureStream, EventPublisher, type Bus, type EventEnvelope } from '@repo/bus';
import { createLogger } from '@repo/logging';
import { fromServiceError, isServiceError, RpcClient, type RemoteError } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import { credentialsFor, stackEnv, stackUrls, waitFor } from '@repo/testbed';
import { buildApp, type SupervisionApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loggedDomains } from '../src/audit/module';

export const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/** Fixed per test process, so a restarted service signs as before. */
export const logKey = ed25519Pem();
export const witnessKey = ed25519Pem();

export interface RunningSupervision {
  app: SupervisionApp;
  address: string;
  audit: RpcClient<typeof pb.AuditLogServiceService>;
  stop(): Promise<void>;
}

/** Quick checkpoints and witness, a short lease: what the tests wait for comes within a second. */
export const fastAudit = {
  AUDIT_CHECKPOINT_INTERVAL_MS: '100',
  AUDIT_WITNESS_INTERVAL_MS: '150',
  AUDIT_SEQUENCER_LEASE_MS: '2000',
};

export async function startSupervision(namespace: string, env: Record<string, string> = {}): Promise<RunningSupervision> {
  const config = loadConfig({
    ...stackEnv(namespace),
    SUPERVISION_GRPC_ADDR: '127.0.0.1:0',
    AUDIT_LOG_SIGNING_KEY: logKey,
    AUDIT_WITNESS_KEY: witnessKey,
    ...fastAudit,
    ...env,
  });
  const app = await buildApp(config, createLogger('supervision-test', config.LOG_LEVEL));
  const port = await app.start();
  const address = `127.0.0.1:${port}`;
  const audit = new RpcClient(pb.AuditLogServiceService, address);
  return {
    app,
    address,
    audit,
    async stop() {
      audit.close();
      await app.stop();
    },
  };
}

/** Publishes events into the test namespace's streams, as the other services' outbox relays do. */
export class EventFeed {
  private constructor(
    readonly bus: Bus,
    private readonly publisher: EventPublisher,
  ) {}

  static async open(namespace: string): Promise<EventFeed> {
    const bus = await connectBus({ url: stackUrls().natsUrl, logger: createLogger('feed', 'silent'), name: 'test-feed', namespace });
    for (const domain of loggedDomains) await ensureStream(bus, domain);
    return new EventFeed(bus, new EventPublisher(bus));
  }

  async publish(fields: Partial<EventEnvelope> & { type: string }): Promise<EventEnvelope> {
    const event = createEvent({ actor: 'user-1', orgPath: '/1/7/', subjectId: randomUUID(), data: {}, ...fields });
    if (fields.id) event.id = fields.id;
    await this.publisher.publish(event);
    return event;
  }

  /** The same event again under another message id: a redelivery the stream's duplicate window does not catch. */
  async republish(event: EventEnvelope): Promise<void> {
    await this.bus.nc.jetstream().publish(this.bus.names.subject(event.type), Buffer.from(JSON.stringify(event)), { msgID: randomUUID() });
  }

  /** A message that is no event envelope. */
  async publishGarbage(type: string): Promise<void> {
    await this.bus.nc.jetstream().publish(this.bus.names.subject(type), Buffer.from('not json'), { msgID: randomUUID() });
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

export const superAdmin = { userId: 'admin-1', roles: ['superAdmin'], orgPath: '/' };
export const provincialInspector = { userId: 'inspector-1', roles: ['inspector'], orgPath: '/1/' };
export const countyInspector = { userId: 'inspector-2', roles: ['inspector'], orgPath: '/1/7/' };
export const otherCountyInspector = { userId: 'inspector-3', roles: ['inspector'], orgPath: '/1/8/' };

export const as = (caller: Parameters<typeof credentialsFor>[0]) => credentialsFor(caller);

/** A page of entries as `caller` reads them. */
export async function listEntries(
  target: RunningSupervision,
  caller: Parameters<typeof credentialsFor>[0],
  filter: Partial<pb.ListAuditEntriesRequest> = {},
) {
  return target.audit.call('listAuditEntries', pb.ListAuditEntriesRequest.create({ pageSize: 50, ...filter }), await as(caller));
}

/** Waits until the latest signed checkpoint covers `size` entries; answers it. */
export async function checkpointCovering(running: RunningSupervision, size: number, { witnessed = false, timeoutMs = 15_000 } = {}) {
  return waitFor(
    async () => {
      const { checkpoint } = await running.audit.call('getCheckpoint', { witnessed }, await as({}));
      return checkpoint && Number(checkpoint.size) >= size ? checkpoint : undefined;
    },
    { timeoutMs, what: `a ${witnessed ? 'witnessed ' : ''}checkpoint of ${size} entries` },
  );
}

/** What a refused call answered: its gRPC status, the rule's code and the details (fields named). */
export async function refusal(call: Promise<unknown>): Promise<RemoteError> {
  try {
    await call;
  } catch (err) {
    if (isServiceError(err)) return fromServiceError(err);
    throw err;
  }
  throw new Error('the call was not refused');
}
