/**
 * The member service on the local stack, called over gRPC as the gateway would: each test file
 * gets its own namespace (database, streams) and callers signed with the test key pair.
 */
import type { Caller } from '@repo/access';
import { fromServiceError, isServiceError, RpcClient } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import * as pb from '@repo/proto/member/v1';
import {
  cleanupNamespace,
  credentialsFor,
  ensureStack,
  randomSecret,
  stackEnv,
  syntheticId,
  uniqueNamespace,
  waitFor,
} from '@repo/testbed';

export { credentialsFor as as };
import { buildApp, type MemberApp } from '../src/app';
import { loadConfig } from '../src/config';

export interface MemberService {
  namespace: string;
  app: MemberApp;
  address: string;
  auth: RpcClient<typeof pb.AuthServiceService>;
  organizations: RpcClient<typeof pb.OrganizationServiceService>;
  members: RpcClient<typeof pb.MemberServiceService>;
  dues: RpcClient<typeof pb.DuesServiceService>;
  transfers: RpcClient<typeof pb.TransferServiceService>;
  meetings: RpcClient<typeof pb.MeetingServiceService>;
  stop(): Promise<void>;
}

/**
 * A member service in a namespace of its own, or, with `replicaOf`, another replica of a running
 * one (same database and streams; stopping it leaves the namespace to the first).
 */
export async function startMember(overrides: Record<string, string> = {}, replicaOf?: MemberService): Promise<MemberService> {
  await ensureStack(['ferretdb', 'nats']);
  const namespace = replicaOf?.namespace ?? uniqueNamespace('mb');
  const env = stackEnv(namespace);
  const config = loadConfig({ ...env, MEMBER_GRPC_ADDR: '127.0.0.1:0', AUTH_TOKEN_SECRET: randomSecret(), ...overrides });
  const app = await buildApp(config, createLogger('member-test', env.LOG_LEVEL!));
  const address = `127.0.0.1:${await app.start()}`;
  const clients = {
    auth: new RpcClient(pb.AuthServiceService, address, 30_000),
    organizations: new RpcClient(pb.OrganizationServiceService, address, 30_000),
    members: new RpcClient(pb.MemberServiceService, address, 30_000),
    dues: new RpcClient(pb.DuesServiceService, address, 30_000),
    transfers: new RpcClient(pb.TransferServiceService, address, 30_000),
    meetings: new RpcClient(pb.MeetingServiceService, address, 30_000),
  };
  return {
    namespace,
    app,
    address,
    ...clients,
    async stop() {
      for (const c of Object.values(clients)) c.close();
      await app.stop();
      if (!replicaOf) await cleanupNamespace(namespace);
    },
  };
}

/** The error a call failed with, as the gateway reads it. */
export async function failure(call: Promise<unknown>): Promise<{ grpcStatus: number; code: string; details: Record<string, string> }> {
  try {
    await call;
  } catch (err) {
    if (!isServiceError(err)) throw err;
    const { grpcStatus, code, details } = fromServiceError(err);
    return { grpcStatus, code, details };
  }
  throw new Error('expected the call to fail');
}

export const superAdmin: Caller = { userId: 'admin-1', roles: ['superAdmin'], orgPath: '/' };

/** A caller at `orgPath` with `roles`. */
export const staff = (userId: string, roles: string[], orgPath: string): Caller => ({ userId, roles, orgPath });

export interface Tree {
  province: pb.Organization;
  cityA: pb.Organization;
  cityB: pb.Organization;
  branchA: pb.Organization;
  branchB: pb.Organization;
}

/** A province committee, two city committees below it and a branch in each. */
export async function seedTree(service: MemberService): Promise<Tree> {
  const credentials = await credentialsFor(superAdmin);
  const create = async (name: string, kind: pb.OrganizationKind, parentId = '') =>
    (
      await service.organizations.call(
        'createOrganization',
        pb.CreateOrganizationRequest.fromPartial({ name, kind, parentId }),
        credentials,
      )
    ).organization!;
  const province = await create('江川省委', pb.OrganizationKind.ORGANIZATION_KIND_COMMITTEE);
  const cityA = await create('甲市委', pb.OrganizationKind.ORGANIZATION_KIND_COMMITTEE, province.id);
  const cityB = await create('乙市委', pb.OrganizationKind.ORGANIZATION_KIND_COMMITTEE, province.id);
  const branchA = await create('甲市第一支部', pb.OrganizationKind.ORGANIZATION_KIND_BRANCH, cityA.id);
  const branchB = await create('乙市第一支部', pb.OrganizationKind.ORGANIZATION_KIND_BRANCH, cityB.id);
  return { province, cityA, cityB, branchA, branchB };
}

let sequence = 0;

/** A full member of `organizationId`, made by the superAdmin. */
export async function newMember(
  service: MemberService,
  organizationId: string,
  overrides: Partial<pb.MemberProfile> = {},
): Promise<pb.Member> {
  sequence += 1;
  const profile = pb.MemberProfile.fromPartial({
    name: `测试党员${sequence}`,
    gender: pb.Gender.GENDER_MALE,
    ethnicity: '汉族',
    birthDate: '1990-01-01',
    nationalId: syntheticId('1990-01-01', 'male', {
      sequence: String(sequence % 100).padStart(2, '0'),
      region: String(110101 + Math.floor(sequence / 100)),
    }),
    education: pb.Education.EDUCATION_BACHELOR,
    organizationId,
    stage: pb.MemberStage.MEMBER_STAGE_FULL,
    keyDates: {
      applicationDate: '2010-01-01',
      activistDate: '2010-07-01',
      candidateDate: '2011-07-01',
      probationaryDate: '2012-01-01',
      fullDate: '2013-01-01',
    },
    ...overrides,
  });
  return (await service.members.call('createMember', { profile }, await credentialsFor(superAdmin))).member!;
}

/** Starts the month's billing run of a subtree (as the superAdmin unless told) and waits until it is finished. */
export async function billMonth(
  service: MemberService,
  organizationId: string,
  month: string,
  caller: Caller = superAdmin,
): Promise<pb.BillingRun> {
  const credentials = await credentialsFor(caller);
  const { run } = await service.dues.call('startBillingRun', { organizationId, month }, credentials);
  return waitFor(
    async () => {
      const current = (await service.dues.call('getBillingRun', { id: run!.id }, credentials)).run!;
      if (current.state === pb.BillingRunState.BILLING_RUN_STATE_FAILED) throw new Error(`billing run failed: ${current.error}`);
      return current.state === pb.BillingRunState.BILLING_RUN_STATE_FINISHED ? current : undefined;
    },
    { timeoutMs: 60_000, what: `the billing run of ${organizationId} ${month}` },
  );
}
