/** Wires store, domain, gRPC handlers, relays and jobs. Listening is main.ts's job. */
import { connectBus, ensureDeadLetterStream, ensureStream, EventPublisher, OutboxRelay } from '@repo/bus';
import { connectMongo, type Connection } from '@repo/db';
import { createGrpcServer, type GrpcServer, type ServiceRegistration } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { AuthServiceService, MemberServiceService, OrganizationServiceService } from '@repo/proto/member/v1';
import type { MemberConfig } from './config';
import { authHandlers } from './grpc/auth';
import { memberHandlers } from './grpc/members';
import { organizationHandlers } from './grpc/organizations';
import { JobRunner, type Job } from './jobs';
import { duesModule } from './grpc/dues';
import { meetingModule } from './grpc/meetings';
import { transferModule } from './grpc/transfers';
import { Leases } from './store/leases';
import { MemberRepository } from './store/members';
import { outboxPendingField } from './store/aggregates';
import { Relays } from './store/relays';
import { OrganizationRepository } from './store/organizations';
import { SessionRepository, UserRepository } from './store/users';

export const serviceNames = {
  auth: 'member.v1.AuthService',
  organizations: 'member.v1.OrganizationService',
  members: 'member.v1.MemberService',
} as const;

/** What a feature module (dues, transfers, meetings) gets to build its store and handlers. */
export interface ModuleContext {
  connection: Connection;
  relays: Relays;
  organizations: OrganizationRepository;
  members: MemberRepository;
  config: MemberConfig;
  logger: Logger;
}

export interface ServiceModule {
  registration: ServiceRegistration;
  jobs?: Job[];
}

export interface MemberApp {
  grpc: GrpcServer;
  connection: Connection;
  organizations: OrganizationRepository;
  users: UserRepository;
  members: MemberRepository;
  jobs: JobRunner;
  start(): Promise<number>;
  stop(): Promise<void>;
}

export async function buildMemberApp(config: MemberConfig, logger: Logger): Promise<MemberApp> {
  const connection = await connectMongo({ url: config.MONGO_URL, logger });
  const bus = await connectBus({ url: config.NATS_URL, logger, name: 'member', ...(config.BUS_NAMESPACE ? { namespace: config.BUS_NAMESPACE } : {}) });
  await ensureStream(bus, 'member');
  await ensureDeadLetterStream(bus);
  const publisher = new EventPublisher(bus);
  const relays = new Relays(
    (store, locks) => new OutboxRelay({ collection: store.collection as never, publisher, logger, intervalMs: config.OUTBOX_SWEEP_MS, locks, pendingField: outboxPendingField }),
  );

  const orgWiring = relays.for('organizations');
  const organizations = new OrganizationRepository(connection, orgWiring.onWrite, orgWiring.locks);
  orgWiring.attach(organizations.store);
  const userWiring = relays.for('users');
  const users = new UserRepository(connection, userWiring.onWrite, userWiring.locks);
  userWiring.attach(users.store);
  const memberWiring = relays.for('members');
  const members = new MemberRepository(connection, memberWiring.onWrite, memberWiring.locks);
  memberWiring.attach(members.store);
  organizations.addPathRewriter(users.rewritePaths);
  organizations.addPathRewriter(members.rewritePaths);
  const sessions = new SessionRepository(connection);
  const countMembers = (organizationId: string) => members.countAt(organizationId);

  const context: ModuleContext = { connection, relays, organizations, members, config, logger };
  const modules = [duesModule(context), transferModule(context), meetingModule(context)];
  const jobs = new JobRunner(
    [{ name: 'resume-moves', run: async () => ({ resumed: await organizations.resumeMoves() }) }, ...modules.flatMap((m) => m.jobs ?? [])],
    new Leases(connection),
    config.JOB_INTERVAL_MS,
    logger,
  );

  const grpc = createGrpcServer([
    { name: serviceNames.auth, definition: AuthServiceService, implementation: authHandlers({ users, sessions, organizations, config, logger }) },
    { name: serviceNames.organizations, definition: OrganizationServiceService, implementation: organizationHandlers({ organizations, countMembers, logger }) },
    { name: serviceNames.members, definition: MemberServiceService, implementation: memberHandlers({ members, organizations, users, logger }) },
    ...modules.map((m) => m.registration),
  ]);

  return {
    grpc,
    connection,
    organizations,
    users,
    members,
    jobs,
    async start() {
      relays.start();
      // The first tick also finishes subtree moves a crash interrupted.
      jobs.start();
      return grpc.listen(config.MEMBER_GRPC_ADDR);
    },
    async stop() {
      await grpc.shutdown();
      await jobs.stop();
      await relays.stop();
      await bus.close();
      await connection.close();
    },
  };
}
