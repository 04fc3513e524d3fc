/**
 * A dues billing run across two replicas of the member service on the real stack (one database,
 * one bus): asked for again on the other replica while it runs, it answers the running run; the
 * replica running it stops mid-run and the other one's job takes the run over and finishes it,
 * nobody billed or counted twice.
 */
import * as pb from '@repo/proto/member/v1';
import { cleanupNamespace, credentialsFor, waitFor } from '@repo/testbed';
import { newMember, seedTree, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(180_000);

// One member per batch, so a run of the members below takes many batches; the jobs tick only
// when the test says, so which replica takes the run is the test's doing.
const replicaEnv = { DUES_BILLING_BATCH: '1', JOB_INTERVAL_MS: '3600000' };
const payers = 30;

let first: MemberService;
let second: MemberService | undefined;
let tree: Tree;

beforeAll(async () => {
  first = await startMember(replicaEnv);
  tree = await seedTree(first);
  for (let i = 0; i < payers; i++) await newMember(first, i % 2 ? tree.branchA.id : tree.branchB.id, { duesIncomeFen: '400000' });
  // An applicant, who pays no dues.
  await newMember(first, tree.branchA.id, {
    stage: pb.MemberStage.MEMBER_STAGE_APPLICANT,
    keyDates: pb.KeyDates.fromPartial({ applicationDate: '2024-01-01' }),
  });
  second = await startMember(replicaEnv, first);
});

let firstStopped = false;

afterAll(async () => {
  await second?.stop();
  if (!firstStopped) return first.stop();
  // Its app was stopped by the test: what is left is its clients and the namespace.
  for (const client of [first.auth, first.organizations, first.members, first.dues, first.transfers, first.meetings]) client.close();
  await cleanupNamespace(first.namespace);
});

const asAdmin = () => credentialsFor(superAdmin);
const runOf = async (service: MemberService, id: string) => (await service.dues.call('getBillingRun', { id }, await asAdmin())).run!;

test('asked again on another replica while it runs: the running run; its replica stopped mid-run: the other finishes it, nobody billed twice', async () => {
  const month = '2024-06';
  const started = await first.dues.call('startBillingRun', { organizationId: tree.province.id, month }, await asAdmin());
  expect(started.started).toBe(true);
  const id = started.run!.id;

  // Under way on the first replica: some members read, not all.
  const underWay = await waitFor(
    async () => {
      const run = await runOf(first, id);
      return run.state === pb.BillingRunState.BILLING_RUN_STATE_RUNNING && run.membersRead > 0 ? run : undefined;
    },
    { timeoutMs: 60_000, what: 'the run to be under way' },
  );
  expect(underWay.membersRead).toBeLessThan(payers);

  // The second replica is asked for the same month: it answers the run already there, not a new one.
  const again = await second!.dues.call('startBillingRun', { organizationId: tree.province.id, month }, await asAdmin());
  expect(again.started).toBe(false);
  expect(again.run).toMatchObject({ id, state: pb.BillingRunState.BILLING_RUN_STATE_RUNNING });
  expect(await first.app.connection.collection('duesBillingRuns').countDocuments({ month })).toBe(1);

  // The first replica stops (as on a rolling restart): it ends after the batch in hand, leaving the run unfinished.
  await first.app.stop();
  firstStopped = true;
  const left = await runOf(second!, id);
  expect(left).toMatchObject({ state: pb.BillingRunState.BILLING_RUN_STATE_RUNNING, attempts: 1 });
  expect(left.created).toBeLessThan(payers);

  // The second replica's scheduled job takes the run over and finishes it. Ticked until then: a
  // tick asked for while one is under way (the one at start) answers that one.
  const finished = await waitFor(
    async () => {
      await second!.app.jobs.tick();
      const run = await runOf(second!, id);
      return run.state === pb.BillingRunState.BILLING_RUN_STATE_FINISHED ? run : undefined;
    },
    { timeoutMs: 120_000, what: 'the run taken over to finish' },
  );
  expect(finished).toMatchObject({
    attempts: 2,
    membersRead: payers + 1,
    created: payers,
    existing: 0,
    skipped: 0,
    totalFen: String(payers * 4_000),
    error: '',
  });
  const bills = second!.app.connection.collection('duesBills');
  expect(await bills.countDocuments({ month })).toBe(payers);
  expect((await bills.distinct('memberId', { month })).length).toBe(payers);
});
