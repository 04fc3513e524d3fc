/**
 * The learning service in-process on the real local stack, under a namespace of its own, with a
 * publisher of the member service's events (which learning follows) for the tests to drive.
 */
import { randomUUID } from 'node:crypto';
import { connectBus, createEvent, ensureStream, EventPublisher, type Bus, type EventEnvelope } from '@repo/bus';
import { JSONCodec } from 'nats';
import { RpcClient, type Definition } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import { cleanupNamespace, credentialsFor, ensureStack, stackEnv, uniqueNamespace, waitFor } from '@repo/testbed';
import { buildApp, type LearningApp } from '../src/app';
import type { Clock } from '../src/clock';
import { loadConfig } from '../src/config';

export interface RunningLearning {
  app: LearningApp;
  namespace: string;
  address: string;
  client<D extends Definition>(definition: D): RpcClient<D>;
  /**
   * Publishes an event of another domain (member.*, feedback.*) as its service would; `occurredAt`
   * as its publisher wrote it (now unless given, e.g. backdated to the day a change took effect).
   */
  publish(
    type: string,
    subjectId: string,
    orgPath: string,
    data: Record<string, unknown>,
    options?: { actor?: string; occurredAt?: string },
  ): Promise<string>;
  /**
   * Publishes an event published before once more, as an outbox relay does after a lost ack
   * once the stream's duplicate window is over: the same envelope under a new stream sequence.
   */
  publishAgain(eventId: string): Promise<void>;
  stop(): Promise<void>;
}

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private at = Date.now()) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
  set(at: Date): void {
    this.at = at.getTime();
  }
}

export async function startLearning(env: Record<string, string> = {}, clock?: Clock): Promise<RunningLearning> {
  await ensureStack();
  const namespace = uniqueNamespace('lrn');
  const config = loadConfig({ ...stackEnv(namespace), LEARNING_GRPC_ADDR: '127.0.0.1:0', LEARNING_SUMMARY_REFRESH_MS: '100', ...env });
  const logger = createLogger('learning-test', config.LOG_LEVEL);
  const app = await buildApp(config, logger, clock);
  const address = `127.0.0.1:${await app.start()}`;
  const bus: Bus = await connectBus({ url: config.NATS_URL, logger, name: 'learning-test-publisher', namespace });
  for (const domain of ['member', 'feedback']) await ensureStream(bus, domain);
  const publisher = new EventPublisher(bus);
  const clients: RpcClient<Definition>[] = [];
  const published = new Map<string, EventEnvelope>();
  return {
    app,
    namespace,
    address,
    client<D extends Definition>(definition: D) {
      const client = new RpcClient(definition, address, 15_000);
      clients.push(client as unknown as RpcClient<Definition>);
      return client;
    },
    async publish(type, subjectId, orgPath, data, { actor = 'member-service', occurredAt } = {}) {
      const event = createEvent({ type, actor, orgPath, subjectId, data, ...(occurredAt ? { occurredAt } : {}) });
      await publisher.publish(event);
      published.set(event.id, event);
      return event.id;
    },
    async publishAgain(eventId) {
      const event = published.get(eventId);
      if (!event) throw new Error(`event ${eventId} was not published by this test`);
      await bus.nc.jetstream().publish(bus.names.subject(event.type), JSONCodec().encode(event), { msgID: randomUUID() });
    },
    async stop() {
      for (const client of clients) client.close();
      await bus.close();
      await app.stop();
      await cleanupNamespace(namespace);
    },
  };
}

export const ids = { member: () => randomUUID(), org: () => randomUUID().slice(0, 8) };

/** Callers as the gateway would sign them. */
export const as = (userId: string, roles: string[], orgPath: string) => credentialsFor({ userId, roles, orgPath });

/** A member as the member service announces one, followed until learning knows them. */
export async function addMember(
  running: RunningLearning,
  memberId: string,
  orgPath: string,
  stage = 'full',
  organizationId = orgPath.split('/').filter(Boolean).pop() ?? '',
): Promise<void> {
  await running.publish('member.member.created', memberId, orgPath, { organizationId, stage });
}

export { waitFor };
