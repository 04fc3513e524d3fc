/**
 * Cross-scope ids in the learning, feedback and supervision routes: staff of one city put the
 * ids of another city's records (a learner, a message, a discipline case, a power item) in the
 * path of every read and step that takes them. Each is answered exactly as an id that does not
 * exist, and nothing is written. The tree and the members come from the member service, as in
 * production: the other services know them from its events.
 */
import { randomUUID } from 'node:crypto';
import { bearer, syntheticId, waitFor } from '@repo/testbed';
import { startPlatform, tokenSecret, type Platform } from '../support';
import { send, settled, storeCounts, superAdmin, type Json, type Method } from './hostile';

jest.setTimeout(180_000);

let platform: Platform;
const ids: Record<string, string> = {};
const staffA: Record<'orgAdmin' | 'inspector', Record<string, string>> = {} as never;

async function created(method: Method, path: string, body: unknown, headers: Record<string, string> = superAdmin): Promise<Json> {
  const answer = await send(platform, method, path, { headers, body });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`set-up: ${method} ${path} answered ${answer.status} ${answer.text}`);
  return answer.body;
}

const person = (organizationId: string, n: number) => {
  const birthDate = `1989-06-1${n}`;
  return {
    name: `越权测试学员${n}`,
    gender: 'female',
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, 'female', { sequence: String(70 + n) }),
    education: 'bachelor',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2011-01-05',
      activistDate: '2011-06-01',
      candidateDate: '2012-07-01',
      probationaryDate: '2013-07-01',
      fullDate: '2014-07-01',
    },
  };
};

beforeAll(async () => {
  platform = await startPlatform({ RATE_LIMIT_PER_MINUTE: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000' });
  const province = await created('POST', '/api/v1/organizations', { name: '中共江川省委', kind: 'committee' });
  const cityA = await created('POST', '/api/v1/organizations', { parentId: province.id, name: '中共青石市委', kind: 'committee' });
  const cityB = await created('POST', '/api/v1/organizations', { parentId: province.id, name: '中共白沙市委', kind: 'committee' });
  const branchB = await created('POST', '/api/v1/organizations', { parentId: cityB.id, name: '白沙市财政局机关党支部', kind: 'branch' });
  const memberB = await created('POST', '/api/v1/members', person(branchB.id, 1));
  staffA.orgAdmin = bearer({ userId: 'admin-a', roles: ['orgAdmin'], orgPath: cityA.path }, tokenSecret);
  staffA.inspector = bearer({ userId: 'inspector-a', roles: ['inspector'], orgPath: cityA.path }, tokenSecret);
  ids.memberB = memberB.id;

  // The other services have the tree and the member from the member service's events.
  await waitFor(async () => (await send(platform, 'GET', `/api/v1/learners/${memberB.id}`, { headers: superAdmin })).status === 200, {
    what: 'the member in learning',
    timeoutMs: 60_000,
  });
  await waitFor(
    async () =>
      (await send(platform, 'GET', `/api/v1/message-recipients?parentId=${province.id}`)).body?.organizations?.some(
        (o: Json) => o.id === cityB.id,
      ),
    { what: 'the tree in feedback', timeoutMs: 60_000 },
  );
  await waitFor(
    async () => (await send(platform, 'GET', `/api/v1/power-items?organizationId=${branchB.id}`, { headers: superAdmin })).status === 200,
    { what: 'the tree in supervision', timeoutMs: 60_000 },
  );

  const message = await created(
    'POST',
    '/api/v1/messages',
    {
      type: 'complaint',
      domain: '城建',
      organizationId: cityB.id,
      subject: '白沙路积水',
      body: '白沙路小区门口每逢下雨积水，请尽快修缮排水设施。',
      region: '江川省白沙市',
      contact: '13900139011',
    },
    {},
  );
  ids.messageB = message.message.message.id;
  ids.caseB = (
    await created('POST', '/api/v1/cases', {
      number: '白纪案〔2025〕1号',
      organizationId: branchB.id,
      category: 'banqueting',
      summary: '违规接受宴请',
      foundAt: '2025-03-02',
      persons: [{ name: '孙某', post: '某局科长', level: 'townshipAndBelow', memberId: memberB.id }],
    })
  ).id;
  ids.powerItemB = (
    await created('POST', '/api/v1/power-items', {
      organizationId: branchB.id,
      content: {
        name: '村集体资产处置',
        kind: 'publicPower',
        responsibleBody: '村民委员会',
        basis: [{ document: '《中华人民共和国村民委员会组织法》', article: '第二十四条' }],
        process: [{ name: '村民会议讨论决定', actor: '村民会议', timeLimitDays: 10 }],
        publicity: { content: '处置方案和结果', channel: '村务公开栏', timing: '决定后5个工作日内' },
        accountability: '依规依纪追究责任',
      },
    })
  ).id;
  await settled(platform);
});

afterAll(async () => {
  await platform?.stop();
});

/**
 * What the stores hold, but for the platform's own background work, which runs meanwhile
 * whatever the requests do: the jobs' leases and feedback's statistics rollups.
 */
async function recordCounts(): Promise<Record<string, number>> {
  const background = /^(leaseClaims|statistics)/;
  return Object.fromEntries(Object.entries(await storeCounts(platform)).filter(([name]) => !background.test(name)));
}

type Case = [what: string, method: Method, path: (id: string) => string, body: unknown, otherId: () => string, who: keyof typeof staffA];
const cases: Case[] = [
  ['a learner of the other city', 'GET', (id) => `/api/v1/learners/${id}`, undefined, () => ids.memberB!, 'orgAdmin'],
  ['a learner’s ledger', 'GET', (id) => `/api/v1/learners/${id}/ledger`, undefined, () => ids.memberB!, 'orgAdmin'],
  ['a learner’s edit', 'PATCH', (id) => `/api/v1/learners/${id}`, { cadreLevel: 'countyDivision' }, () => ids.memberB!, 'orgAdmin'],
  [
    'a cadre’s training recorded',
    'POST',
    (id) => `/api/v1/cadres/${id}/trainings`,
    {
      title: '县处级干部进修班',
      topic: '越权测试',
      organiserKind: 'partySchool',
      organiserName: '省委党校',
      mode: 'offline',
      fullTime: true,
      startDate: '2025-01-06',
      endDate: '2025-01-10',
      hours: 40,
    },
    () => ids.memberB!,
    'orgAdmin',
  ],
  ['a cadre’s portrait', 'GET', (id) => `/api/v1/cadres/${id}/portrait`, undefined, () => ids.memberB!, 'orgAdmin'],
  ['a message to the other city', 'GET', (id) => `/api/v1/feedback/messages/${id}`, undefined, () => ids.messageB!, 'orgAdmin'],
  ['a message accepted', 'POST', (id) => `/api/v1/feedback/messages/${id}/accept`, {}, () => ids.messageB!, 'orgAdmin'],
  [
    'a message returned',
    'POST',
    (id) => `/api/v1/feedback/messages/${id}/return`,
    { reason: 'duplicate', note: '重复留言' },
    () => ids.messageB!,
    'orgAdmin',
  ],
  ['a discipline case', 'GET', (id) => `/api/v1/cases/${id}`, undefined, () => ids.caseB!, 'inspector'],
  [
    'a decision on it',
    'POST',
    (id) => `/api/v1/cases/${id}/decision`,
    { decidedAt: '2025-03-20', decisions: [{ partySanction: 'warning' }] },
    () => ids.caseB!,
    'inspector',
  ],
  ['a power item in draft', 'GET', (id) => `/api/v1/power-items/${id}`, undefined, () => ids.powerItemB!, 'orgAdmin'],
  ['its publication', 'POST', (id) => `/api/v1/power-items/${id}/publish`, {}, () => ids.powerItemB!, 'orgAdmin'],
  ['an edit of it', 'PATCH', (id) => `/api/v1/power-items/${id}`, { responsibleBody: '越权' }, () => ids.powerItemB!, 'orgAdmin'],
];

test.each(cases)('%s is answered as an id that does not exist, and nothing is written', async (_what, method, path, body, otherId, who) => {
  const before = await recordCounts();
  const missing = randomUUID();
  const options = { headers: staffA[who], ...(body === undefined ? {} : { body }) };
  const asOther = await send(platform, method, path(otherId()), options);
  const asMissing = await send(platform, method, path(missing), options);
  expect(asMissing.status).toBe(404);
  // The same answer, word for word, once each id is blanked.
  expect({ status: asOther.status, text: asOther.text.replaceAll(otherId(), '<id>') }).toEqual({
    status: asMissing.status,
    text: asMissing.text.replaceAll(missing, '<id>'),
  });
  // Whatever the requests set going has landed once the records stop changing.
  let now = await recordCounts();
  for (let tries = 0; tries < 10 && JSON.stringify(now) !== JSON.stringify(before); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    now = await recordCounts();
  }
  expect(now).toEqual(before);
});
