/**
 * The member list on the real stack: keyset pages over a province (organisations walked in path
 * order), the same order as numbered pages, totals only when asked, filters, and a bad token
 * refused naming the field.
 */
import * as pb from '@repo/proto/member/v1';
import { credentialsFor } from '@repo/testbed';
import { failure, newMember, seedTree, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(120_000);

let service: MemberService;
let tree: Tree;
const ids: string[] = [];

beforeAll(async () => {
  service = await startMember();
  tree = await seedTree(service);
  for (const org of [tree.branchA, tree.branchB, tree.branchA, tree.branchB, tree.branchA]) ids.push((await newMember(service, org.id)).id);
  ids.push(
    (
      await newMember(service, tree.branchB.id, {
        stage: pb.MemberStage.MEMBER_STAGE_APPLICANT,
        keyDates: pb.KeyDates.fromPartial({ applicationDate: '2024-01-01' }),
      })
    ).id,
  );
});

afterAll(() => service.stop());

const list = async (request: Partial<pb.ListMembersRequest>) =>
  service.members.call('listMembers', pb.ListMembersRequest.fromPartial(request), await credentialsFor(superAdmin));

test('a province is paged by token in the order of path, name and id, the same members as numbered pages, with no total unless asked', async () => {
  const everyone = await list({ organizationId: tree.province.id, page: { page: 1, size: 100 }, withTotal: true });
  expect(everyone.page!.total).toBe('6');
  expect(everyone.nextPageToken).toBe('');
  const order = (m: pb.Member) => [m.orgPath, m.name, m.id].join('\u0000');
  const sorted = [...everyone.members].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  expect(everyone.members.map((m) => m.id)).toEqual(sorted.map((m) => m.id));
  expect(new Set(everyone.members.map((m) => m.id))).toEqual(new Set(ids));

  const walked: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const page = await list({ organizationId: tree.province.id, page: { page: 0, size: 2 }, pageToken: token });
    expect(page.page!.total).toBe('0');
    expect(page.members.length).toBeLessThanOrEqual(2);
    walked.push(...page.members.map((m) => m.id));
    token = page.nextPageToken;
    pages++;
  } while (token && pages < 10);
  expect(walked).toEqual(everyone.members.map((m) => m.id));

  // A numbered page (by offset) holds what the token of the page before leads to.
  const second = await list({ organizationId: tree.province.id, page: { page: 2, size: 2 } });
  const first = await list({ organizationId: tree.province.id, page: { page: 0, size: 2 } });
  const byToken = await list({ organizationId: tree.province.id, page: { page: 0, size: 2 }, pageToken: first.nextPageToken });
  expect(second.members.map((m) => m.id)).toEqual(byToken.members.map((m) => m.id));
});

test('filters apply across the walk; a city answers its own; a token that is not one is refused naming the field', async () => {
  const applicants = await list({ organizationId: tree.province.id, stage: pb.MemberStage.MEMBER_STAGE_APPLICANT, withTotal: true });
  expect(applicants.members.map((m) => m.id)).toEqual([ids[5]]);
  expect(applicants.page!.total).toBe('1');
  const city = await list({ organizationId: tree.cityA.id, withTotal: true });
  expect(city.members.map((m) => m.organizationId)).toEqual([tree.branchA.id, tree.branchA.id, tree.branchA.id]);
  expect(city.page!.total).toBe('3');
  expect((await failure(list({ organizationId: tree.province.id, pageToken: 'not-a-token' }))).details).toHaveProperty('pageToken');
});
