/**
 * A month's dues billing as a background run on the real stack: one run per organisation and
 * month, its status and counts, a run a dead replica left taken up again without billing or
 * counting anybody twice, and who may see a run.
 */
import { status } from '@grpc/grpc-js';
import { Leases } from '@repo/kit';
import * as pb from '@repo/proto/member/v1';
import { credentialsFor, waitFor } from '@repo/testbed';
import { billMonth, failure, newMember, seedTree, staff, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(120_000);

let service: MemberService;
let tree: Tree;

beforeAll(async () => {
  service = await startMember();
  tree = await seedTree(service);
  // Two full members in branch A, one in B, and an applicant (who pays no dues) in A.
  await newMember(service, tree.branchA.id, { duesIncomeFen: '400000' });
  await newMember(service, tree.branchA.id, { duesIncomeFen: '400000' });
  await newMember(service, tree.branchB.id, { duesIncomeFen: '400000' });
  await newMember(service, tree.branchA.id, {
    stage: pb.MemberStage.MEMBER_STAGE_APPLICANT,
    keyDates: pb.KeyDates.fromPartial({ applicationDate: '2024-01-01' }),
  });
});

afterAll(() => service.stop());

const asAdmin = () => credentialsFor(superAdmin);
const bills = () => service.app.connection.collection('duesBills');

test('starting answers a queued or running run at once; it finishes with its counts, and starting again answers the same run', async () => {
  const started = await service.dues.call('startBillingRun', { organizationId: tree.province.id, month: '2024-01' }, await asAdmin());
  expect(started.started).toBe(true);
  expect(started.run).toMatchObject({
    organizationId: tree.province.id,
    orgPath: tree.province.path,
    month: '2024-01',
    requestedBy: superAdmin.userId,
  });
  expect([
    pb.BillingRunState.BILLING_RUN_STATE_QUEUED,
    pb.BillingRunState.BILLING_RUN_STATE_RUNNING,
    pb.BillingRunState.BILLING_RUN_STATE_FINISHED,
  ]).toContain(started.run!.state);

  const finished = await billMonth(service, tree.province.id, '2024-01');
  expect(finished).toMatchObject({
    id: started.run!.id,
    state: pb.BillingRunState.BILLING_RUN_STATE_FINISHED,
    membersRead: 4,
    created: 3,
    existing: 0,
    skipped: 0,
    totalFen: '12000',
    attempts: 1,
    error: '',
  });
  expect(finished.finishedAt >= finished.startedAt).toBe(true);

  const again = await service.dues.call('startBillingRun', { organizationId: tree.province.id, month: '2024-01' }, await asAdmin());
  expect(again).toMatchObject({ started: false, run: { id: started.run!.id, created: 3 } });
  expect(await bills().countDocuments({ month: '2024-01' })).toBe(3);
});

test('a city billed after its province finds every member billed: a run of its own, nobody billed twice', async () => {
  await billMonth(service, tree.province.id, '2024-02');
  const city = await billMonth(service, tree.cityA.id, '2024-02');
  expect(city).toMatchObject({ created: 0, existing: 2, totalFen: '8000' });
  expect(await bills().countDocuments({ month: '2024-02' })).toBe(3);
});

test('a run a dead replica left is taken up once its lease expires, and counts the bills its first attempt created', async () => {
  const month = '2024-03';
  const { run } = await service.dues.call('startBillingRun', { organizationId: tree.province.id, month }, await asAdmin());
  await billMonth(service, tree.province.id, month);
  // Turn the finished run back into the state a replica dying after its first batch leaves:
  // running, attempt 1, one of its bills written, the other two not, the lease held by the dead one.
  const branchB = await bills().find({ month, organizationId: tree.branchB.id }).toArray();
  await bills().deleteMany({ month, organizationId: tree.branchA.id });
  expect(branchB).toHaveLength(1);
  await service.app.connection
    .collection('duesBillingRuns')
    .updateOne({ _id: run!.id as never }, { $set: { state: 'running', attempts: 1, created: 1, finishedAt: '' } });
  const dead = new Leases(service.app.connection);
  expect(await dead.acquire(`dues-billing:${run!.id}`, 60_000)).toBe(true);

  // While the dead replica's lease lasts, nobody takes the run.
  await service.app.jobs.tick();
  await waitFor(
    async () =>
      (await service.dues.call('getBillingRun', { id: run!.id }, await asAdmin())).run!.state ===
      pb.BillingRunState.BILLING_RUN_STATE_RUNNING,
    { what: 'the run still running' },
  );
  expect(await bills().countDocuments({ month })).toBe(1);

  // The lease expires (as it does a minute after the replica stopped renewing it).
  await service.app.connection
    .collection('leases')
    .updateOne({ _id: `dues-billing:${run!.id}` as never }, { $set: { expiresAt: new Date(0).toISOString() } });
  await service.app.jobs.tick();
  const resumed = await waitFor(
    async () => {
      const current = (await service.dues.call('getBillingRun', { id: run!.id }, await asAdmin())).run!;
      return current.state === pb.BillingRunState.BILLING_RUN_STATE_FINISHED ? current : undefined;
    },
    { timeoutMs: 60_000, what: 'the resumed run to finish' },
  );
  expect(resumed).toMatchObject({ attempts: 2, created: 3, existing: 0, totalFen: '12000' });
  expect(await bills().countDocuments({ month })).toBe(3);
});

test('a run is seen by those who see its organisation, and refused with the field named', async () => {
  await billMonth(service, tree.branchA.id, '2024-04');
  const { run } = await service.dues.call('startBillingRun', { organizationId: tree.branchA.id, month: '2024-04' }, await asAdmin());
  const secretaryA = staff('secretary-a', ['secretary'], tree.branchA.path);
  const secretaryB = staff('secretary-b', ['secretary'], tree.branchB.path);
  expect((await service.dues.call('getBillingRun', { id: run!.id }, await credentialsFor(secretaryA))).run!.id).toBe(run!.id);
  expect(await failure(service.dues.call('getBillingRun', { id: run!.id }, await credentialsFor(secretaryB)))).toMatchObject({
    grpcStatus: status.NOT_FOUND,
    code: 'DUES_BILLING_RUN_NOT_FOUND',
  });
  expect(
    (await failure(service.dues.call('startBillingRun', { organizationId: tree.branchA.id, month: '2099-01' }, await asAdmin()))).details,
  ).toHaveProperty('month');
  expect(
    (await failure(service.dues.call('startBillingRun', { organizationId: '', month: '2024-04' }, await asAdmin()))).details,
  ).toHaveProperty('organizationId');
});
