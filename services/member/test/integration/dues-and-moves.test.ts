/** Rules the service keeps for its callers (income, owed, settled), and subtree moves reaching every copy of a path. */
import { status } from '@grpc/grpc-js';
import { provinceMonth } from '@repo/calendar';
import * as pb from '@repo/proto/member/v1';
import { credentialsFor, streamEvents, waitFor } from '@repo/testbed';
import { billMonth, failure, newMember, seedTree, staff, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(90_000);

let service: MemberService;
let tree: Tree;

beforeAll(async () => {
  service = await startMember();
  tree = await seedTree(service);
});

afterAll(() => service.stop());

const asAdmin = () => credentialsFor(superAdmin);

describe('quotes', () => {
  const quote = async (category: pb.DuesCategory, incomeFen?: string) =>
    service.dues.call('quoteDues', { category, ...(incomeFen === undefined ? {} : { incomeFen }) }, await credentialsFor());

  test('a category paying a rate of income refuses a missing income, naming the field', async () => {
    for (const category of [
      pb.DuesCategory.DUES_CATEGORY_IN_SERVICE,
      pb.DuesCategory.DUES_CATEGORY_RETIRED,
      pb.DuesCategory.DUES_CATEGORY_ANNUAL_SALARY,
    ]) {
      const refused = await failure(quote(category));
      expect(refused).toMatchObject({
        grpcStatus: status.INVALID_ARGUMENT,
        code: 'VALIDATION_FAILED',
        details: { incomeFen: expect.stringMatching(/^is required for/) },
      });
    }
    // An income of zero is an income.
    expect((await quote(pb.DuesCategory.DUES_CATEGORY_IN_SERVICE, '0')).monthlyFen).toBe('0');
  });

  test('flat categories need none, and the category comes back as an enum', async () => {
    expect(await quote(pb.DuesCategory.DUES_CATEGORY_STUDENT)).toMatchObject({
      monthlyFen: '20',
      category: pb.DuesCategory.DUES_CATEGORY_STUDENT,
    });
    expect((await failure(quote(pb.DuesCategory.DUES_CATEGORY_UNSPECIFIED))).details).toHaveProperty('category');
  });
});

test('bills say what is owed and whether they are settled', async () => {
  const member = await newMember(service, tree.branchA.id, { duesIncomeFen: '400000' });
  const month = provinceMonth(new Date());
  await billMonth(service, tree.branchA.id, month);
  const pay = async (amountFen: string, reference: string) =>
    (await service.dues.call('recordPayment', { memberId: member.id, month, amountFen, reference }, await asAdmin())).bill!;
  expect(await pay('1000', 'bank-1')).toMatchObject({ amountFen: '4000', paidFen: '1000', owedFen: '3000', settled: false });
  expect(await pay('3000', 'bank-2')).toMatchObject({ paidFen: '4000', owedFen: '0', settled: true });
});

test('a subtree move rewrites every copy of its paths: users, members, bills, transfers, meetings and warnings', async () => {
  const { cityA, cityB, branchA, branchB } = tree;
  const member = await newMember(service, branchA.id);
  const user = (
    await service.auth.call(
      'createUser',
      pb.CreateUserRequest.fromPartial({
        userName: 'branch-a-secretary',
        displayName: '书记',
        password: 'Correct-Horse-42',
        roles: ['secretary'],
        organizationId: branchA.id,
      }),
      await asAdmin(),
    )
  ).user!;
  // A month of its own: branch A's run of the current month is already finished (one run per month).
  await billMonth(service, branchA.id, '2024-05');
  const transfer = (
    await service.transfers.call(
      'initiateTransfer',
      { memberId: member.id, toOrganizationId: branchB.id, reason: '工作调动' },
      await asAdmin(),
    )
  ).transfer!;
  const meeting = (
    await service.meetings.call(
      'recordMeeting',
      pb.RecordMeetingRequest.fromPartial({
        organizationId: branchA.id,
        type: pb.MeetingType.MEETING_TYPE_COMMITTEE_MEETING,
        date: '2024-03-05',
        topic: '支委会',
        attendance: { present: [member.id] },
      }),
      await asAdmin(),
    )
  ).meeting!;
  // Every branch is behind in a quarter without meetings: the job raises a warning for branch A.
  await service.app.jobs.tick();
  const warnings = service.app.connection.collection('meetingWarnings');
  expect(await warnings.countDocuments({ branchId: branchA.id })).toBeGreaterThan(0);

  const moved = await service.organizations.call('moveOrganization', { id: cityA.id, newParentId: cityB.id }, await asAdmin());
  const newBranchPath = `${cityB.path}${cityA.id}/${branchA.id}/`;
  expect(moved.movedNodes).toBe(2);
  expect(moved.movedRecords).toBeGreaterThanOrEqual(6);

  expect((await service.app.users.find(user.id))?.orgPath).toBe(newBranchPath);
  expect(
    (await service.members.call('getMember', pb.GetMemberRequest.fromPartial({ id: member.id }), await asAdmin())).member?.orgPath,
  ).toBe(newBranchPath);
  const secretaryB = staff('secretary-b', ['secretary'], cityB.path);
  const bills = await service.dues.call(
    'listBills',
    pb.ListBillsRequest.fromPartial({ memberId: member.id }),
    await credentialsFor(secretaryB),
  );
  expect(bills.bills.map((b) => b.orgPath)).toEqual([newBranchPath]);
  expect((await service.transfers.call('getTransfer', { id: transfer.id }, await asAdmin())).transfer?.fromOrgPath).toBe(newBranchPath);
  expect((await service.meetings.call('getMeeting', { id: meeting.id }, await asAdmin())).meeting?.orgPath).toBe(newBranchPath);
  expect(new Set((await warnings.find({ branchId: branchA.id }).toArray()).map((w) => w.orgPath))).toEqual(new Set([newBranchPath]));
  // Consumers keeping members by node hear of the change.
  await waitFor(
    async () =>
      (await streamEvents(service.namespace, 'member.member.pathChanged')).some(
        (e) => e.subjectId === member.id && e.data.to === newBranchPath,
      ),
    { what: 'the pathChanged event' },
  );
});
