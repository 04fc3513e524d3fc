/**
 * Organisation tree, members, the development pipeline and import through REST against the
 * real member service, and the data-scope wall: a branch secretary sees their own branch only.
 */
import { bearer, streamEvents, syntheticId, waitFor } from '@repo/testbed';
import ExcelJS from 'exceljs';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

let platform: Platform;
const admin = bearer({ userId: 'admin-1', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
let tree: { province: Json; city: Json; branchA: Json; branchB: Json; groupA: Json };
let secretaryA: Record<string, string>;
let inspectorProvince: Record<string, string>;
let memberOfB: Json;

const call = (method: Method, url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

async function org(parentId: string | undefined, name: string, kind: string): Promise<Json> {
  const response = await call('POST', '/api/v1/organizations', admin, { ...(parentId ? { parentId } : {}), name, kind });
  expect(response.status).toBe(201);
  return response.body;
}

let serial = 10;
function person(organizationId: string, overrides: Record<string, unknown> = {}) {
  serial += 1;
  const birthDate = `1990-03-${String((serial % 28) + 1).padStart(2, '0')}`;
  return {
    name: `测试党员${serial}`,
    gender: 'female',
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, 'female', { sequence: String(serial).padStart(2, '0').slice(-2) }),
    education: 'bachelor',
    phone: '13800138000',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2012-01-05',
      activistDate: '2012-06-01',
      candidateDate: '2013-07-01',
      probationaryDate: '2014-07-01',
      fullDate: '2015-07-01',
    },
    ...overrides,
  };
}

beforeAll(async () => {
  platform = await startPlatform();
  const province = await org(undefined, '中共江川省委直属机关委员会', 'committee');
  const city = await org(province.id, '中共江川省青石市委员会', 'committee');
  const branchA = await org(city.id, '青石市教育局机关第一党支部', 'branch');
  const branchB = await org(city.id, '青石市教育局机关第二党支部', 'branch');
  const groupA = await org(branchA.id, '第一党小组', 'group');
  tree = { province, city, branchA, branchB, groupA };
  secretaryA = bearer({ userId: 'secretary-a', roles: ['secretary'], orgPath: branchA.path }, tokenSecret);
  inspectorProvince = bearer({ userId: 'inspector-p', roles: ['inspector'], orgPath: province.path }, tokenSecret);
  const created = await call('POST', '/api/v1/members', admin, person(branchB.id));
  expect(created.status).toBe(201);
  memberOfB = created.body;
});

afterAll(async () => {
  await platform?.stop();
});

describe('organisation tree', () => {
  test('paths nest, children list, kinds follow the tree rules', async () => {
    expect(tree.branchA.path).toBe(`${tree.city.path}${tree.branchA.id}/`);
    const children = await call('GET', `/api/v1/organizations/${tree.city.id}/children`, admin);
    expect(children.body.items.map((o: Json) => o.name).sort()).toEqual([tree.branchA.name, tree.branchB.name].sort());
    const wrongKind = await call('POST', '/api/v1/organizations', admin, {
      parentId: tree.groupA.id,
      name: '不该有的支部',
      kind: 'branch',
    });
    expect(wrongKind.status).toBe(409);
    expect(wrongKind.body.error.code).toBe('ORG_PARENT_KIND');
    const badBody = await call('POST', '/api/v1/organizations', admin, { name: '', kind: 'club', extra: 1 });
    expect(badBody.status).toBe(400);
    expect(Object.keys(badBody.body.error.details)).toEqual(expect.arrayContaining(['body.name', 'body.kind', 'body.extra']));
  });

  test('moving a subtree rewrites the paths below it and of its members; a node with members is not deleted', async () => {
    const county = await org(tree.province.id, '中共江川省云溪县委员会', 'committee');
    const general = await org(county.id, '云溪县卫健局党总支', 'generalBranch');
    const branch = await org(general.id, '云溪县人民医院党支部', 'branch');
    const nurse = (await call('POST', '/api/v1/members', admin, person(branch.id))).body;
    const moved = await call('POST', `/api/v1/organizations/${general.id}/move`, admin, { newParentId: tree.city.id });
    expect(moved.status).toBe(200);
    expect(moved.body.movedNodes).toBe(2);
    const movedBranch = (await call('GET', `/api/v1/organizations/${branch.id}`, admin)).body;
    expect(movedBranch.path).toBe(`${tree.city.path}${general.id}/${branch.id}/`);
    expect((await call('GET', `/api/v1/members/${nurse.id}`, admin)).body.orgPath).toBe(movedBranch.path);
    const intoItself = await call('POST', `/api/v1/organizations/${tree.city.id}/move`, admin, { newParentId: branch.id });
    expect(intoItself.body.error.code).toBe('ORG_MOVE_INTO_ITSELF');
    const deleteWithMembers = await call('DELETE', `/api/v1/organizations/${branch.id}`, admin);
    expect(deleteWithMembers.status).toBe(409);
    expect(deleteWithMembers.body.error.code).toBe('ORG_HAS_MEMBERS');
    const deleteWithChildren = await call('DELETE', `/api/v1/organizations/${general.id}`, admin);
    expect(deleteWithChildren.body.error.code).toBe('ORG_HAS_CHILDREN');
    const empty = await org(county.id, '空支部', 'branch');
    expect((await call('DELETE', `/api/v1/organizations/${empty.id}`, admin)).status).toBe(204);
    expect((await call('GET', `/api/v1/organizations/${empty.id}`, admin)).status).toBe(404);
  });
});

describe('members', () => {
  test('identity numbers and phones come masked; an inspector may reveal with a reason, a secretary may not', async () => {
    const masked = (await call('GET', `/api/v1/members/${memberOfB.id}`, admin)).body;
    expect(masked.nationalId).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    expect(masked.phone).toBe('138****8000');
    const noReason = await call('GET', `/api/v1/members/${memberOfB.id}?revealNationalId=true`, inspectorProvince);
    expect(noReason.status).toBe(400);
    const revealed = await call(
      'GET',
      `/api/v1/members/${memberOfB.id}?revealNationalId=true&reason=${encodeURIComponent('纪律审查需要')}`,
      inspectorProvince,
    );
    expect(revealed.status).toBe(200);
    expect(revealed.body.nationalIdMasked).toBe(false);
    expect(revealed.body.nationalId).toMatch(/^\d{17}[\dX]$/);
    // The unmasked read is on the record: who, about whom, why.
    const reveals = await waitFor(
      async () => {
        const events = await streamEvents(platform.namespace, 'member.member.nationalIdRevealed');
        return events.find((e) => e.actor === 'inspector-p') ? events : undefined;
      },
      { what: 'the nationalIdRevealed event' },
    );
    expect(reveals.find((e) => e.actor === 'inspector-p')).toMatchObject({ subjectId: memberOfB.id, data: { reason: '纪律审查需要' } });
    const secretaryB = bearer({ userId: 'secretary-b', roles: ['secretary'], orgPath: tree.branchB.path }, tokenSecret);
    const refused = await call('GET', `/api/v1/members/${memberOfB.id}?revealNationalId=true&reason=x1`, secretaryB);
    expect(refused.status).toBe(403);
  });

  test('bad profiles are 400 naming every field, and nothing is stored', async () => {
    const before = (await call('GET', `/api/v1/members?organizationId=${tree.branchA.id}&withTotal=true`, admin)).body.total;
    const bad = await call(
      'POST',
      '/api/v1/members',
      admin,
      person(tree.branchA.id, { nationalId: '110105199003019990', ethnicity: '火星族', birthDate: '1990-02-30' }),
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(['nationalId', 'ethnicity', 'birthDate']));
    const duplicate = await call('POST', '/api/v1/members', admin, {
      ...person(tree.branchA.id),
      birthDate: memberOfB.birthDate,
      nationalId: (await call('GET', `/api/v1/members/${memberOfB.id}?revealNationalId=true&reason=dup-check`, admin)).body.nationalId,
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('MEMBER_NATIONAL_ID_TAKEN');
    const notBranch = await call('POST', '/api/v1/members', admin, person(tree.city.id));
    expect(notBranch.body.error.code).toBe('MEMBER_ORG_KIND');
    expect((await call('GET', `/api/v1/members?organizationId=${tree.branchA.id}&withTotal=true`, admin)).body.total).toBe(before);
  });

  test('the pipeline goes step by step; a step out of order or too early names its rule', async () => {
    const applicant = (
      await call(
        'POST',
        '/api/v1/members',
        secretaryA,
        person(tree.branchA.id, {
          stage: 'applicant',
          birthDate: '2000-05-01',
          nationalId: syntheticId('2000-05-01', 'female', { sequence: '77' }),
          keyDates: { applicationDate: '2024-03-01' },
        }),
      )
    ).body;
    expect(applicant.stage).toBe('applicant');
    const step = (stage: string, date: string, extra: Record<string, unknown> = {}) =>
      call('POST', `/api/v1/members/${applicant.id}/stage`, secretaryA, { stage, date, decisionRef: `支委会决议${date}`, ...extra });
    const skip = await step('candidate', '2025-06-01');
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('MEMBER_STAGE_ORDER');
    expect((await step('activist', '2024-04-01')).status).toBe(200);
    const early = await step('candidate', '2025-03-31', { trainingHours: 30, politicalReviewPassed: true });
    expect(early.body.error.code).toBe('MEMBER_ACTIVIST_PERIOD');
    const untrained = await step('candidate', '2025-04-01', { trainingHours: 20, politicalReviewPassed: true });
    expect(untrained.body.error.code).toBe('MEMBER_TRAINING_HOURS');
    const candidate = await step('candidate', '2025-04-01', { trainingHours: 24, politicalReviewPassed: true });
    expect(candidate.status).toBe(200);
    expect(candidate.body.keyDates.candidateDate).toBe('2025-04-01');
    const unapproved = await step('probationary', '2025-06-01');
    expect(unapproved.body.error.code).toBe('MEMBER_HIGHER_APPROVAL');
    const probationary = await step('probationary', '2025-06-01', { higherApprovalRef: '青石委组〔2025〕12号' });
    expect(probationary.status).toBe(200);
    expect(probationary.body.history.map((s: Json) => s.stage)).toEqual(['applicant', 'activist', 'candidate', 'probationary']);
    // Each accepted step is an event carrying its actor; refused steps left none.
    const steps = await waitFor(
      async () => {
        const events = (await streamEvents(platform.namespace, 'member.member.stageChanged')).filter((e) => e.subjectId === applicant.id);
        return events.length === 3 ? events : undefined;
      },
      { what: 'three stageChanged events' },
    );
    expect(steps.map((e) => [e.data.to, e.actor])).toEqual([
      ['activist', 'secretary-a'],
      ['candidate', 'secretary-a'],
      ['probationary', 'secretary-a'],
    ]);
  });

  test('import validates every row: with a bad row nothing is imported, unless the valid ones are asked for', async () => {
    const header =
      '姓名,性别,民族,出生日期,身份证号,学历,手机号,所在组织,发展阶段,申请入党日期,确定积极分子日期,确定发展对象日期,接收预备党员日期,转正日期';
    const row = (name: string, birth: string, seq: string, orgId: string) =>
      [
        name,
        '男',
        '汉族',
        birth,
        syntheticId(birth, 'male', { sequence: seq }),
        '本科',
        '13900139000',
        orgId,
        '正式党员',
        '2010-01-01',
        '2010-06-01',
        '2011-06-01',
        '2012-06-01',
        '2013-06-01',
      ].join(',');
    const csv = [
      header,
      row('王一', '1985-01-02', '41', tree.branchA.id),
      row('王二', '1985-01-03', '42', tree.branchA.id),
      row('王三', '1985-13-40', '43', tree.branchA.id),
      row('王四', '1985-01-05', '44', tree.branchB.id),
    ].join('\n');
    const send = (query: string, who: Record<string, string>) =>
      fetch(`${platform.baseUrl}/api/v1/members/import${query}`, {
        method: 'POST',
        headers: { ...who, 'content-type': 'text/csv' },
        body: csv,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
    const orgAdminA = bearer({ userId: 'orgadmin-a', roles: ['orgAdmin'], orgPath: tree.branchA.path }, tokenSecret);

    const strict = await send('', orgAdminA);
    expect(strict.status).toBe(200);
    expect(strict.body).toMatchObject({ rows: 4, imported: 0, invalidRows: 2 });
    // Line 4: bad date; line 5: branch B is outside the importer's scope.
    expect(strict.body.errors.map((e: Json) => [e.line, e.field])).toEqual(
      expect.arrayContaining([
        [4, 'birthDate'],
        [5, 'organizationId'],
      ]),
    );
    expect((await call('GET', '/api/v1/members?name=王&withTotal=true', admin)).body.total).toBe(0);

    const partial = await send('?importValidOnly=true', orgAdminA);
    expect(partial.status).toBe(201);
    expect(partial.body.imported).toBe(2);
    expect((await call('GET', '/api/v1/members?name=王&withTotal=true', admin)).body.total).toBe(2);
    // Page by page with the token; no total unless asked.
    const firstPage = await call('GET', '/api/v1/members?name=王&size=1', admin);
    expect(firstPage.body).not.toHaveProperty('total');
    expect(firstPage.body.items).toHaveLength(1);
    const secondPage = await call('GET', `/api/v1/members?name=王&size=1&pageToken=${firstPage.body.nextPageToken}`, admin);
    expect(secondPage.body.items).toHaveLength(1);
    expect(secondPage.body.items[0].id).not.toBe(firstPage.body.items[0].id);
    expect((await call('GET', '/api/v1/members?pageToken=nonsense', admin)).body.error.details).toHaveProperty('pageToken');
    // An import relays its events as one batch, and leaves nothing pending: no flag up, no batch marker.
    const imported = await waitFor(
      async () => {
        const events = await streamEvents(platform.namespace, 'member.member.imported');
        return events.length >= 2 ? events : undefined;
      },
      { what: 'the imported events' },
    );
    expect(imported).toHaveLength(2);
    const pending = await platform.member.members.store.collection.countDocuments({
      name: { $in: ['王一', '王二'] },
      outboxPending: true,
    });
    expect(pending).toBe(0);
    expect(await platform.member.connection.collection('outboxBatches').countDocuments({ collection: 'members' })).toBe(0);
    // The same file again: the two are now recorded, so they are errors, not duplicates in the store.
    expect((await send('?importValidOnly=true', orgAdminA)).body.imported).toBe(0);
    expect((await send('', secretaryA)).status).toBe(403);
  });

  test('an Excel workbook imports the same way; another content type is 415', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('党员名册');
    sheet.addRow(['姓名', '性别', '民族', '出生日期', '身份证号', '学历', '所在组织', '发展阶段', '申请入党日期', '确定积极分子日期']);
    // Dates as real Excel date cells, as a spreadsheet user types them.
    sheet.addRow([
      '赵五',
      '女',
      '回族',
      new Date(Date.UTC(1992, 6, 9)),
      syntheticId('1992-07-09', 'female', { sequence: '51' }),
      '硕士研究生',
      tree.branchA.id,
      '入党积极分子',
      new Date(Date.UTC(2023, 0, 3)),
      new Date(Date.UTC(2023, 6, 1)),
    ]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const imported = await fetch(`${platform.baseUrl}/api/v1/members/import`, {
      method: 'POST',
      headers: { ...admin, 'content-type': xlsx },
      body,
    });
    const report = (await imported.json()) as Json;
    expect({ status: imported.status, imported: report.imported, errors: report.errors }).toEqual({ status: 201, imported: 1, errors: [] });
    const found = (await call('GET', '/api/v1/members?name=赵五', admin)).body.items[0];
    expect(found).toMatchObject({
      stage: 'activist',
      ethnicity: '回族',
      birthDate: '1992-07-09',
      keyDates: { applicationDate: '2023-01-03', activistDate: '2023-07-01' },
    });
    const wrongType = await fetch(`${platform.baseUrl}/api/v1/members/import`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/pdf' },
      body,
    });
    expect(wrongType.status).toBe(415);
  });
});

describe('data scope: a secretary of branch A', () => {
  test('cannot list, read or change anything of branch B or of the parent committee', async () => {
    const b = tree.branchB;
    const parent = tree.city;
    const outOfScope: [Method, string, unknown?][] = [
      ['GET', `/api/v1/organizations/${b.id}`],
      ['GET', `/api/v1/organizations/${parent.id}`],
      ['GET', `/api/v1/organizations/${b.id}/children`],
      ['GET', `/api/v1/organizations?parentId=${parent.id}`],
      ['GET', `/api/v1/members?organizationId=${b.id}`],
      ['GET', `/api/v1/members/${memberOfB.id}`],
    ];
    for (const [method, url, body] of outOfScope) {
      const response = await call(method, url, secretaryA, body);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
    }
    const changes: [Method, string, unknown, number][] = [
      ['PATCH', `/api/v1/members/${memberOfB.id}`, { phone: '13700137000' }, 404],
      ['POST', `/api/v1/members/${memberOfB.id}/stage`, { stage: 'disqualified', date: '2026-01-01', decisionRef: 'x' }, 404],
      ['POST', '/api/v1/members', person(b.id), 404],
      // Role first: a secretary may not manage users or change the tree at all.
      ['GET', `/api/v1/users?organizationId=${b.id}`, undefined, 403],
      ['PATCH', `/api/v1/organizations/${b.id}`, { name: '改名' }, 403],
      ['POST', `/api/v1/organizations/${b.id}/move`, { newParentId: tree.province.id }, 403],
      ['DELETE', `/api/v1/organizations/${b.id}`, undefined, 403],
      ['POST', '/api/v1/organizations', { parentId: b.id, name: '小组', kind: 'group' }, 403],
    ];
    for (const [method, url, body, status] of changes) {
      const response = await call(method, url, secretaryA, body);
      expect({ method, url, status: response.status }).toEqual({ method, url, status });
    }
    // Listing without a filter shows branch A's members only.
    const own = await call('GET', '/api/v1/members', secretaryA);
    expect(own.status).toBe(200);
    expect(own.body.items.every((m: Json) => m.orgPath.startsWith(tree.branchA.path))).toBe(true);
    expect(own.body.items.some((m: Json) => m.id === memberOfB.id)).toBe(false);
    // And nothing changed for branch B's member.
    // (Reads that reveal the ID move the revision; a change would move updatedAt and the stage.)
    expect((await call('GET', `/api/v1/members/${memberOfB.id}`, admin)).body).toMatchObject({
      updatedAt: memberOfB.updatedAt,
      stage: memberOfB.stage,
      phone: memberOfB.phone,
    });
  });

  test('a plain member reads their own record and no other', async () => {
    const own = (await call('POST', '/api/v1/members', admin, person(tree.branchA.id))).body;
    const neighbour = (await call('POST', '/api/v1/members', admin, person(tree.branchA.id))).body;
    const account = await call('POST', '/api/v1/users', admin, {
      userName: 'zhang.min',
      displayName: '张敏',
      password: 'Zhang-Min-2026!',
      roles: ['member'],
      organizationId: tree.branchA.id,
      memberId: own.id,
    });
    expect(account.status).toBe(201);
    const signIn = await call('POST', '/api/v1/auth/login', {}, { userName: 'zhang.min', password: 'Zhang-Min-2026!' });
    const me = { authorization: `Bearer ${signIn.body.accessToken}` };
    const read = await call('GET', `/api/v1/members/${own.id}`, me);
    expect(read.status).toBe(200);
    expect(read.body.nationalIdMasked).toBe(true);
    expect((await call('GET', `/api/v1/members/${neighbour.id}`, me)).status).toBe(404);
    expect((await call('GET', '/api/v1/members', me)).status).toBe(403);
    expect((await call('PATCH', `/api/v1/members/${own.id}`, me, { phone: '13700137000' })).status).toBe(403);
  });

  test('anonymous callers reach no member data', async () => {
    for (const url of ['/api/v1/members', `/api/v1/organizations/${tree.branchA.id}`, '/api/v1/users']) {
      expect((await call('GET', url)).status).toBe(401);
    }
  });
});
