/**
 * Who calls is known only from a caller assertion signed with a trusted key: identity sent as
 * plain metadata, as the gateway once did, is no caller at all.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import * as pb from '@repo/proto/member/v1';
import { credentialsFor } from '@repo/testbed';
import { newMember, seedTree, startMember, superAdmin, type MemberService } from '../support';

jest.setTimeout(60_000);

let service: MemberService;
let memberId: string;

beforeAll(async () => {
  service = await startMember();
  memberId = (await newMember(service, (await seedTree(service)).branchA.id)).id;
});

afterAll(() => service.stop());

/** A call with the given metadata and nothing else, the way any client on the network could make it. */
function rawCall<K extends keyof typeof pb.MemberServiceService>(
  method: K,
  request: unknown,
  metadata: Metadata,
): Promise<ServiceError | null> {
  const rpc = pb.MemberServiceService[method];
  const client = new Client(service.address, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      rpc.path,
      rpc.requestSerialize as (value: unknown) => Buffer,
      rpc.responseDeserialize as (bytes: Buffer) => unknown,
      request,
      metadata,
      (err: ServiceError | null) => {
        client.close();
        resolve(err);
      },
    );
  });
}

const plainSuperAdmin = () => {
  const metadata = new Metadata();
  metadata.set('x-user-id', 'admin-1');
  metadata.set('x-user-roles', 'superAdmin');
  metadata.set('x-org-path', '/');
  return metadata;
};

test.each([
  ['ListMembers', 'listMembers' as const, () => pb.ListMembersRequest.create()],
  [
    'GetMember revealing the national ID',
    'getMember' as const,
    () => pb.GetMemberRequest.create({ id: memberId, revealNationalId: true, revealReason: '组织关系核查' }),
  ],
])('%s with plain superAdmin metadata and no assertion is UNAUTHENTICATED', async (_name, method, request) => {
  const err = await rawCall(method, request(), plainSuperAdmin());
  expect(err?.code).toBe(status.UNAUTHENTICATED);
  // The same call signed for the same caller goes through.
  const signed = plainSuperAdmin();
  signed.set('x-caller-assertion', (await credentialsFor(superAdmin)).assertion);
  expect(await rawCall(method, request(), signed)).toBeNull();
});
