/** Wires store, domain, gRPC handlers, relays and jobs. Listening is main.ts's job. */
import { connectBus, ensureDeadLetterStream, ensureStream, EventPublisher, OutboxRelay } from '@repo/bus';
import { connectMongo, KeyedMutex, type Connection } from '@repo/db';
import { createGrpcServer, type GrpcServer } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { AuthServiceService, OrganizationServiceService } from '@repo/proto/member/v1';
import type { MemberConfig } from './config';
import { authHandlers } from './grpc/auth';
import { organizationHandlers } from './grpc/organizations';
import type { Aggregates, AggregateRecord } from './store/aggregates';
import { OrganizationRepository } from './store/organizations';
import { SessionRepository, UserRepository } from './store/users';

export const serviceNames = {
  auth: 'member.v1.AuthService',
  organizations: 'member.v1.OrganizationService',
} as const;

export interface MemberApp {
  grpc: GrpcServer;
  connection: Connection;
  organizations: OrganizationRepository;
  users: UserRepository;
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Each collection with an outbox gets its relay; writes kick it with the written id. */
class Relays {
  private readonly relays = new Map<string, OutboxRelay>();

  constructor(private readonly make: (store: Aggregates<AggregateRecord>, locks: KeyedMutex) => OutboxRelay) {}

  /** The write callback and lock set for a new repository of `name`. */
  for(name: string): { onWrite: (id: string) => void; locks: KeyedMutex; attach: (store: Aggregates<AggregateRecord>) => void } {
    const locks = new KeyedMutex();
    return {
      onWrite: (id) => this.relays.get(name)?.kick(id),
      locks,
      attach: (store) => void this.relays.set(name, this.make(store, locks)),
    };
  }

  start(): void {
    for (const relay of this.relays.values()) relay.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
  }
}

export async function buildMemberApp(config: MemberConfig, logger: Logger): Promise<MemberApp> {
  const connection = await connectMongo({ url: config.MONGO_URL, logger });
  const bus = await connectBus({ url: config.NATS_URL, logger, name: 'member', ...(config.BUS_NAMESPACE ? { namespace: config.BUS_NAMESPACE } : {}) });
  await ensureStream(bus, 'member');
  await ensureDeadLetterStream(bus);
  const publisher = new EventPublisher(bus);
  const relays = new Relays(
    (store, locks) => new OutboxRelay({ collection: store.collection as never, publisher, logger, intervalMs: config.OUTBOX_SWEEP_MS, locks }),
  );

  const orgWiring = relays.for('organizations');
  const organizations = new OrganizationRepository(connection, orgWiring.onWrite, orgWiring.locks);
  orgWiring.attach(organizations.store as never);
  const userWiring = relays.for('users');
  const users = new UserRepository(connection, userWiring.onWrite, userWiring.locks);
  userWiring.attach(users.store as never);
  organizations.addPathRewriter(users.rewritePaths);
  const sessions = new SessionRepository(connection);

  const countMembers = async (organizationId: string) => connection.collection('members').countDocuments({ organizationId });

  const grpc = createGrpcServer([
    { name: serviceNames.auth, definition: AuthServiceService, implementation: authHandlers({ users, sessions, organizations, config, logger }) },
    { name: serviceNames.organizations, definition: OrganizationServiceService, implementation: organizationHandlers({ organizations, countMembers, logger }) },
  ]);

  return {
    grpc,
    connection,
    organizations,
    users,
    async start() {
      relays.start();
      const resumed = await organizations.resumeMoves();
      if (resumed) logger.info({ resumed }, 'finished interrupted subtree moves');
      return grpc.listen(config.MEMBER_GRPC_ADDR);
    },
    async stop() {
      await grpc.shutdown();
      await relays.stop();
      await bus.close();
      await connection.close();
    },
  };
}
