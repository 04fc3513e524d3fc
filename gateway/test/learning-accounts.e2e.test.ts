/**
 * A member's account reaches learning from the member service itself, on the real platform: a
 * user created already linked to a member (POST /users with memberId) is that learner's account,
 * and a user relinked by PATCH /users moves the learner's account. The fuzz stage's seed found
 * the first never arrived: member.user.created did not say which member the user was linked to.
 */
import { bearer, syntheticId, waitFor } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
const admin = bearer({ userId: 'admin-accounts', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  httpCaller(platform)(method, url, admin, payload) as Promise<{ status: number; body: Json }>;

async function created(url: string, payload: unknown): Promise<Json> {
  const answer = await call('POST', url, payload);
  if (answer.status !== 201) throw new Error(`POST ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

let serial = 0;
function person(organizationId: string) {
  serial += 1;
  const birthDate = `1987-05-1${serial}`;
  return {
    name: `学员账号${serial}`,
    gender: 'male',
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, 'male', { sequence: String(60 + serial) }),
    education: 'bachelor',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2010-01-05',
      activistDate: '2010-06-01',
      candidateDate: '2011-07-01',
      probationaryDate: '2012-07-01',
      fullDate: '2013-07-01',
    },
  };
}

const accountOf = (memberId: string) =>
  call('GET', `/api/v1/learners/${memberId}`).then((answer) => (answer.status === 200 ? (answer.body.userId as string) : undefined));

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['member', 'learning'] });
});

afterAll(async () => {
  await platform?.stop();
});

test('a user created linked to a member is the learner’s account; relinked, the account moves', async () => {
  const city = await created('/api/v1/organizations', { name: '中共江川省青石市委员会', kind: 'committee' });
  const branch = await created('/api/v1/organizations', { parentId: city.id, name: '青石市教育局机关党支部', kind: 'branch' });
  const first = await created('/api/v1/members', person(branch.id));
  const second = await created('/api/v1/members', person(branch.id));
  const user = await created('/api/v1/users', {
    userName: 'learner.account',
    displayName: '学员',
    password: `Pw-${Math.random().toString(36).slice(2)}-Aa1`,
    roles: ['member'],
    organizationId: branch.id,
    memberId: first.id,
  });
  await waitFor(async () => (await accountOf(first.id)) === user.id, { what: 'the account of the first member in learning' });

  const relinked = await call('PATCH', `/api/v1/users/${user.id}`, { memberId: second.id });
  expect(relinked.status).toBe(200);
  await waitFor(async () => (await accountOf(second.id)) === user.id, { what: 'the account of the second member in learning' });
  expect(await accountOf(first.id)).toBe('');
});
