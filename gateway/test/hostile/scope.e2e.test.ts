/**
 * Cross-scope links: an orgAdmin of one city puts the ids of another city's records in every
 * reference field the API has. Each is answered exactly as an id that does not exist (404 with
 * the record's not-found code; a meeting's unknown attendee; a user's organisation or member as
 * a field of the body, 400), and nothing is written. Also, one
 * request that the member service refuses with thousands of details (a meeting of 2,000 unknown
 * attendees) leaves the connection every other call shares working.
 */
import { randomUUID } from 'node:crypto';
import { bearer, syntheticId } from '@repo/testbed';
import { startPlatform, tokenSecret, type Platform } from '../support';
import { documentDraft, expectRefused, send, settled, storeCounts, superAdmin, type Answer, type Json, type Method } from './hostile';

jest.setTimeout(180_000);

let platform: Platform;
const tree: Record<'province' | 'cityA' | 'branchA' | 'cityB' | 'branchB' | 'branchB2', Json> = {} as never;
let memberA: Json;
let memberB: Json;
let transferB: Json;
let draftB: string;
let adminA: Record<string, string>;

let serial = 0;
function person(organizationId: string) {
  serial += 1;
  const birthDate = `1991-04-${String(serial + 10)}`;
  return {
    name: `越权测试${serial}`,
    gender: 'male',
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, 'male', { sequence: String(40 + serial) }),
    education: 'master',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2012-01-05',
      activistDate: '2012-06-01',
      candidateDate: '2013-07-01',
      probationaryDate: '2014-07-01',
      fullDate: '2015-07-01',
    },
  };
}

async function created(method: Method, path: string, body: unknown, headers = superAdmin): Promise<Json> {
  const answer = await send(platform, method, path, { headers, body });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`set-up: ${method} ${path} answered ${answer.status} ${answer.text}`);
  return answer.body;
}

beforeAll(async () => {
  platform = await startPlatform();
  tree.province = await created('POST', '/api/v1/organizations', { name: '中共江川省委直属机关委员会', kind: 'committee' });
  tree.cityA = await created('POST', '/api/v1/organizations', {
    parentId: tree.province.id,
    name: '中共江川省青石市委员会',
    kind: 'committee',
  });
  tree.branchA = await created('POST', '/api/v1/organizations', {
    parentId: tree.cityA.id,
    name: '青石市财政局机关党支部',
    kind: 'branch',
  });
  tree.cityB = await created('POST', '/api/v1/organizations', {
    parentId: tree.province.id,
    name: '中共江川省白沙市委员会',
    kind: 'committee',
  });
  tree.branchB = await created('POST', '/api/v1/organizations', {
    parentId: tree.cityB.id,
    name: '白沙市财政局机关党支部',
    kind: 'branch',
  });
  tree.branchB2 = await created('POST', '/api/v1/organizations', {
    parentId: tree.cityB.id,
    name: '白沙市教育局机关党支部',
    kind: 'branch',
  });
  memberA = await created('POST', '/api/v1/members', person(tree.branchA.id));
  memberB = await created('POST', '/api/v1/members', person(tree.branchB.id));
  // Within the other city: neither its origin nor its target is in the first city's scope.
  transferB = await created('POST', '/api/v1/transfers', { memberId: memberB.id, toOrganizationId: tree.branchB2.id, reason: '工作调动' });
  const editorB = bearer({ userId: 'editor-b', roles: ['orgAdmin'], orgPath: tree.cityB.path }, tokenSecret);
  draftB = (await created('POST', '/api/v1/documents', documentDraft(), editorB)).id;
  adminA = bearer({ userId: 'admin-a', roles: ['orgAdmin'], orgPath: tree.cityA.path }, tokenSecret);
  await settled(platform);
});

afterAll(async () => {
  await platform?.stop();
});

/** The answers to the same request with the other city's id and with an id that does not exist. */
async function bothWays(
  method: Method,
  path: (id: string) => string,
  body: (id: string) => unknown,
  otherId: string,
): Promise<[Answer, Answer]> {
  const missing = randomUUID();
  const asOther = await send(platform, method, path(otherId), {
    headers: adminA,
    ...(body(otherId) === undefined ? {} : { body: body(otherId) }),
  });
  const asMissing = await send(platform, method, path(missing), {
    headers: adminA,
    ...(body(missing) === undefined ? {} : { body: body(missing) }),
  });
  return [asOther, asMissing];
}

const month = () => new Date().toISOString().slice(0, 7);
const today = () => new Date().toISOString().slice(0, 10);

type Case = [string, Method, (id: string) => string, (id: string) => unknown, () => string, number, string];
const cases: Case[] = [
  [
    'a user linked to a member of the other city (in one’s own branch)',
    'POST',
    () => '/api/v1/users',
    (id) => ({
      userName: `linked.${serial++}`,
      displayName: '越权',
      password: 'Str0ng-enough-passw0rd',
      roles: ['member'],
      organizationId: tree.branchA.id,
      memberId: id,
    }),
    () => memberB.id,
    400,
    'VALIDATION_FAILED',
  ],
  [
    'a user placed in the other city',
    'POST',
    () => '/api/v1/users',
    (id) => ({
      userName: `placed.${serial++}`,
      displayName: '越权',
      password: 'Str0ng-enough-passw0rd',
      roles: ['secretary'],
      organizationId: id,
    }),
    () => tree.branchB.id,
    400,
    'VALIDATION_FAILED',
  ],
  [
    'a node under the other city',
    'POST',
    () => '/api/v1/organizations',
    (id) => ({ parentId: id, name: '越权党支部', kind: 'branch' }),
    () => tree.cityB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'a move of one’s branch under the other city',
    'POST',
    () => `/api/v1/organizations/${tree.branchA.id}/move`,
    (id) => ({ newParentId: id }),
    () => tree.cityB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  ['a member in the other city’s branch', 'POST', () => '/api/v1/members', (id) => person(id), () => tree.branchB.id, 404, 'ORG_NOT_FOUND'],
  [
    'bills for the other city',
    'POST',
    () => '/api/v1/dues/bills',
    (id) => ({ organizationId: id, month: month() }),
    () => tree.cityB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'a payment for the other city’s member',
    'POST',
    () => '/api/v1/dues/payments',
    (id) => ({ memberId: id, month: month(), amountFen: 100, reference: `ref-${serial++}` }),
    () => memberB.id,
    404,
    'MEMBER_NOT_FOUND',
  ],
  [
    'a transfer of the other city’s member',
    'POST',
    () => '/api/v1/transfers',
    (id) => ({ memberId: id, toOrganizationId: tree.branchA.id, reason: '工作调动' }),
    () => memberB.id,
    404,
    'MEMBER_NOT_FOUND',
  ],
  [
    'approving the other city’s transfer',
    'POST',
    (id) => `/api/v1/transfers/${id}/approve`,
    () => ({}),
    () => transferB.id,
    404,
    'TRANSFER_NOT_FOUND',
  ],
  [
    'a meeting of the other city’s branch',
    'POST',
    () => '/api/v1/meetings',
    (id) => ({
      organizationId: id,
      type: 'generalMeeting',
      date: today(),
      topic: '越权',
      minutes: '',
      attendance: { present: [memberB.id] },
    }),
    () => tree.branchB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'a meeting of one’s branch attended by the other city’s member',
    'POST',
    () => '/api/v1/meetings',
    (id) => ({
      organizationId: tree.branchA.id,
      type: 'generalMeeting',
      date: today(),
      topic: '越权',
      minutes: '',
      attendance: { present: [memberA.id], absent: [id] },
    }),
    () => memberB.id,
    400,
    'MEETING_ATTENDEE_UNKNOWN',
  ],
  ['reading the other city’s member', 'GET', (id) => `/api/v1/members/${id}`, () => undefined, () => memberB.id, 404, 'MEMBER_NOT_FOUND'],
  [
    'a stage step of the other city’s member',
    'POST',
    (id) => `/api/v1/members/${id}/stage`,
    () => ({ stage: 'disqualified', date: today(), decisionRef: '越权〔2024〕1号' }),
    () => memberB.id,
    404,
    'MEMBER_NOT_FOUND',
  ],
  [
    'renaming the other city’s branch',
    'PATCH',
    (id) => `/api/v1/organizations/${id}`,
    () => ({ name: '越权改名' }),
    () => tree.branchB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'deleting the other city’s branch',
    'DELETE',
    (id) => `/api/v1/organizations/${id}`,
    () => undefined,
    () => tree.branchB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'listing the other city’s members',
    'GET',
    (id) => `/api/v1/members?organizationId=${id}`,
    () => undefined,
    () => tree.branchB.id,
    404,
    'ORG_NOT_FOUND',
  ],
  [
    'editing the other city’s draft',
    'PATCH',
    (id) => `/api/v1/documents/${id}`,
    () => ({ title: '越权改写' }),
    () => draftB,
    404,
    'CONTENT_DOCUMENT_NOT_FOUND',
  ],
  [
    'submitting the other city’s draft',
    'POST',
    (id) => `/api/v1/documents/${id}/submit`,
    () => undefined,
    () => draftB,
    404,
    'CONTENT_DOCUMENT_NOT_FOUND',
  ],
];

test.each(cases)('%s is answered as a missing id, and writes nothing', async (_what, method, path, body, otherId, status, code) => {
  const before = await storeCounts(platform);
  const [asOther, asMissing] = await bothWays(method, path, body, otherId());
  expectRefused(asOther, status, code);
  expectRefused(asMissing, status, code);
  // The same fields named either way, so the answer tells nothing of what exists elsewhere.
  expect(Object.keys(asOther.body.error.details).sort()).toEqual(Object.keys(asMissing.body.error.details).sort());
  expect(await storeCounts(platform)).toEqual(before);
});

test('a meeting of 2,000 unknown attendees is refused with bounded details while 24 other reads succeed on the same connection', async () => {
  const before = await storeCounts(platform);
  const attendees = Array.from({ length: 2_000 }, () => randomUUID());
  const meeting = {
    organizationId: tree.branchA.id,
    type: 'generalMeeting',
    date: today(),
    topic: '学习',
    minutes: '',
    attendance: { present: attendees },
  };
  const reads = Array.from({ length: 24 }, (_, i) =>
    i % 2
      ? send(platform, 'GET', `/api/v1/members/${memberA.id}`, { headers: adminA })
      : send(platform, 'GET', `/api/v1/organizations/${tree.branchA.id}`, { headers: adminA }),
  );
  const refusals = Array.from({ length: 4 }, () => send(platform, 'POST', '/api/v1/meetings', { headers: adminA, body: meeting }));
  const [answers, refused] = await Promise.all([Promise.all(reads), Promise.all(refusals)]);
  expect(answers.map((a) => a.status)).toEqual(Array(24).fill(200));
  for (const answer of refused) {
    expectRefused(answer, 400, 'MEETING_ATTENDEE_UNKNOWN');
    expect(Object.keys(answer.body.error.details).length).toBeLessThanOrEqual(51);
    expect(answer.text.length).toBeLessThan(64 * 1024);
  }
  expect(await storeCounts(platform)).toEqual(before);
});
