/** Accounts and signing in, called over gRPC: links to member records, lockout, disabling, rehashing. */
import { status } from '@grpc/grpc-js';
import { hashPassword, needsRehash, type Caller } from '@repo/access';
import * as pb from '@repo/proto/member/v1';
import { credentialsFor, streamEvents, waitFor } from '@repo/testbed';
import { failure, newMember, seedTree, staff, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(90_000);

const password = 'Correct-Horse-42';
let service: MemberService;
let tree: Tree;
let memberA: pb.Member;
let memberB: pb.Member;
let cityAdmin: Caller;

beforeAll(async () => {
  service = await startMember({ AUTH_LOCKOUT_THRESHOLD: '3' });
  tree = await seedTree(service);
  memberA = await newMember(service, tree.branchA.id);
  memberB = await newMember(service, tree.branchB.id);
  cityAdmin = staff('city-admin', ['orgAdmin'], tree.cityA.path);
});

afterAll(() => service.stop());

let serial = 0;

async function createUser(caller: Caller, fields: Partial<pb.CreateUserRequest> = {}): Promise<pb.User> {
  serial += 1;
  const request = pb.CreateUserRequest.fromPartial({
    userName: `user-${serial}`,
    displayName: `用户${serial}`,
    password,
    roles: ['secretary'],
    organizationId: tree.branchA.id,
    ...fields,
  });
  return (await service.auth.call('createUser', request, await credentialsFor(caller))).user!;
}

const updateUser = async (caller: Caller, fields: Partial<pb.UpdateUserRequest>) =>
  (await service.auth.call('updateUser', pb.UpdateUserRequest.fromPartial(fields), await credentialsFor(caller))).user!;

const login = async (userName: string, secret = password) =>
  service.auth.call('login', pb.LoginRequest.fromPartial({ userName, password: secret, clientIp: '127.0.0.1' }), await credentialsFor());

describe('linking a user to a member record', () => {
  test("the member must be in the caller's scope, at creation and on update", async () => {
    const elsewhere = await failure(createUser(cityAdmin, { memberId: memberB.id }));
    expect(elsewhere).toMatchObject({
      grpcStatus: status.INVALID_ARGUMENT,
      code: 'VALIDATION_FAILED',
      details: { memberId: `no member ${memberB.id}` },
    });
    expect((await failure(createUser(cityAdmin, { memberId: 'no-such-member' }))).details).toEqual({
      memberId: 'no member no-such-member',
    });

    const user = await createUser(cityAdmin, { memberId: memberA.id, roles: ['member'] });
    expect(user.memberId).toBe(memberA.id);
    const self = staff(user.id, ['member'], tree.branchA.path);
    const read = await service.members.call('getMember', pb.GetMemberRequest.fromPartial({ id: memberA.id }), await credentialsFor(self));
    expect(read.member?.id).toBe(memberA.id);

    const moved = await failure(updateUser(cityAdmin, { id: user.id, updateMask: ['memberId'], memberId: memberB.id }));
    expect(moved).toMatchObject({ code: 'VALIDATION_FAILED', details: { memberId: `no member ${memberB.id}` } });
    // The refused link changed nothing: the user still reads their own record, not the other.
    expect(
      (await failure(service.members.call('getMember', pb.GetMemberRequest.fromPartial({ id: memberB.id }), await credentialsFor(self))))
        .code,
    ).toBe('MEMBER_NOT_FOUND');
    expect((await updateUser(cityAdmin, { id: user.id, updateMask: ['memberId'], memberId: '' })).memberId).toBe('');
  });
});

describe('the lockout', () => {
  /** The answers to four wrong passwords for `userName`: status, code and the detail names. */
  async function fourWrong(userName: string) {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const { grpcStatus, code, details } = await failure(login(userName, 'Wrong-Password-1'));
      answers.push({ grpcStatus, code, details: Object.keys(details).sort() });
    }
    return answers;
  }

  test('a name without an account locks exactly like one with, and is kept only as a hash until it expires', async () => {
    const real = await createUser(superAdmin);
    const forReal = await fourWrong(real.userName);
    expect(forReal.map((a) => a.code)).toEqual([
      'AUTH_INVALID_CREDENTIALS',
      'AUTH_INVALID_CREDENTIALS',
      'AUTH_ACCOUNT_LOCKED',
      'AUTH_ACCOUNT_LOCKED',
    ]);
    expect(forReal[2]).toEqual({
      grpcStatus: status.RESOURCE_EXHAUSTED,
      code: 'AUTH_ACCOUNT_LOCKED',
      details: ['lockedUntil', 'retryAfterSeconds'],
    });
    expect(await fourWrong('nobody-by-this-name')).toEqual(forReal);
    // The right password does not get past the lock, for either.
    expect((await failure(login(real.userName))).code).toBe('AUTH_ACCOUNT_LOCKED');
    expect((await failure(login('NOBODY-by-this-name'))).code).toBe('AUTH_ACCOUNT_LOCKED');

    const counters = service.app.connection.collection('loginFailures');
    const records = await counters.find({}).toArray();
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain('nobody');
    // The purge leaves a record while its lock lasts, and removes it after.
    await service.app.jobs.tick(new Date());
    expect(await counters.countDocuments()).toBe(1);
    await service.app.jobs.tick(new Date(Date.now() + 24 * 3_600_000));
    expect(await counters.countDocuments()).toBe(0);
  });
});

describe('disabled accounts', () => {
  test('sign in no more and cannot refresh; their sessions end, and enabling restores them', async () => {
    const user = await createUser(superAdmin);
    const signedIn = await login(user.userName);
    const disabled = await updateUser(superAdmin, {
      id: user.id,
      updateMask: ['disabled'],
      disabled: true,
      expectedRevision: user.revision,
    });
    expect(disabled).toMatchObject({ disabled: true, revision: user.revision + 1 });

    const refresh = await failure(service.auth.call('refresh', { refreshToken: signedIn.tokens!.refreshToken }, await credentialsFor()));
    expect(refresh).toMatchObject({ grpcStatus: status.UNAUTHENTICATED, code: 'AUTH_REFRESH_INVALID' });
    expect(await failure(login(user.userName))).toMatchObject({ grpcStatus: status.PERMISSION_DENIED, code: 'AUTH_ACCOUNT_DISABLED' });
    // Whoever does not know the password learns nothing about the account.
    expect((await failure(login(user.userName, 'Wrong-Password-1'))).code).toBe('AUTH_INVALID_CREDENTIALS');

    await waitFor(async () => (await streamEvents(service.namespace, 'member.user.disabled')).some((e) => e.subjectId === user.id), {
      what: 'the disabled event',
    });
    await updateUser(superAdmin, { id: user.id, updateMask: ['disabled'], disabled: false });
    expect((await login(user.userName)).user?.disabled).toBe(false);
  });

  test('nobody disables themselves, and an orgAdmin does not shut out a superAdmin', async () => {
    const admin = await createUser(superAdmin, { roles: ['superAdmin'] });
    const self = await failure(
      updateUser(staff(admin.id, ['superAdmin'], '/'), { id: admin.id, updateMask: ['disabled'], disabled: true }),
    );
    expect(self).toMatchObject({ grpcStatus: status.PERMISSION_DENIED, code: 'USER_OWN_ROLES' });
    const below = await failure(updateUser(cityAdmin, { id: admin.id, updateMask: ['disabled'], disabled: true }));
    expect(below).toMatchObject({ grpcStatus: status.PERMISSION_DENIED, code: 'ACCESS_ROLE_NOT_GRANTABLE' });
  });
});

describe('changing a user by update mask', () => {
  test('only the named fields change; a stale revision is 409 STALE_REVISION; a bad mask is 400', async () => {
    const user = await createUser(cityAdmin);
    const renamed = await updateUser(cityAdmin, {
      id: user.id,
      updateMask: ['displayName'],
      displayName: '新名字',
      roles: [],
      expectedRevision: user.revision,
    });
    expect(renamed).toMatchObject({ displayName: '新名字', roles: ['secretary'] });
    const stale = await failure(
      updateUser(cityAdmin, { id: user.id, updateMask: ['displayName'], displayName: '又一个', expectedRevision: user.revision }),
    );
    expect(stale).toMatchObject({
      grpcStatus: status.ABORTED,
      code: 'STALE_REVISION',
      details: { expectedRevision: String(user.revision), revision: String(renamed.revision) },
    });
    expect(await failure(updateUser(cityAdmin, { id: user.id, updateMask: [] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { updateMask: expect.any(String) },
    });
    expect(await failure(updateUser(cityAdmin, { id: user.id, updateMask: ['userName'] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { userName: 'is not an updatable field' },
    });
  });
});

test('a password hash made with older parameters is replaced at the next login', async () => {
  const old = await hashPassword(password, { N: 1024, r: 8, p: 1, keyLength: 32 });
  const user = await service.app.users.create({
    userName: 'old-hash',
    displayName: '旧用户',
    passwordHash: old,
    roles: ['secretary'],
    organizationId: tree.branchA.id,
    orgPath: tree.branchA.path,
    memberId: '',
    createdBy: 'test',
  });
  await login('old-hash');
  const stored = (await service.app.users.find(user.id))!.passwordHash;
  expect(stored).not.toBe(old);
  expect(needsRehash(stored)).toBe(false);
  expect((await login('old-hash')).user?.id).toBe(user.id);
});
