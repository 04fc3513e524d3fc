/**
 * The member pages and the console in headless Chromium against the real platform (content,
 * member and the services the dashboard reads): an editor's document goes through review to the public search; an
 * organisation administrator imports members and sees each bad line; a branch secretary records
 * a meeting and the member sees it on their phone; an administrator bills dues and a transfer
 * waits until they are paid; every page passes axe at both widths.
 */
import { eventually, problemsOf } from './browser';
import { get, memberRow, post } from './people';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

const suite = browserSuite('console', { services: ['content', ...consoleServices], people: true });
const { report, page, signIn } = suite;

test("an editor's document goes through review and publishing to the public search", async () => {
  const editor = await page('desktop');
  await signIn(editor.page, suite.cast.editor, /\/console\/dashboard$/);
  await editor.page.getByRole('link', { name: '内容审核发布' }).click();
  await editor.page.getByRole('button', { name: '新建文件' }).click();
  await editor.page.getByRole('heading', { name: '新建文件' }).waitFor();
  // The menu still marks where the page belongs.
  await expect(editor.page.locator('.side [aria-current="page"]').textContent()).resolves.toBe('内容审核发布');
  const title = '临江市关于规范党支部主题党日活动的通知';
  await editor.page.getByLabel('标题').fill(title);
  await editor.page.getByLabel('文号').fill('临组发〔2026〕15号');
  await editor.page.getByLabel('发文机关').fill('中共临江市委组织部');
  await editor.page.getByLabel('地区').fill('临江市');
  await editor.page.getByLabel('主题（用逗号分隔）').fill('组织建设，主题党日');
  await editor.page.getByLabel('正文').fill('各党支部每月固定一天开展主题党日活动。\n\n活动情况纳入三会一课记录。');
  expect(await report.capture(editor.page, 'document-editor', 'desktop')).toEqual([]);
  await editor.page.getByRole('button', { name: '保存并提交审核' }).click();
  await editor.page.waitForURL(/\/console\/editorial$/);
  await editor.page.getByRole('tab', { name: '待审核' }).click();
  const row = editor.page.locator('.el-table__row', { hasText: title });
  await row.waitFor();
  // The four-eyes rule: the editor, an orgAdmin too, cannot approve their own submission.
  await row.getByRole('button', { name: '审核通过' }).click();
  await editor.page.getByText('不能审核或发布自己提交的文件').waitFor();
  expect(await report.capture(editor.page, 'editorial', 'desktop')).toEqual([]);

  const reviewer = await page('desktop');
  await signIn(reviewer.page, suite.cast.reviewer, /\/console\/dashboard$/);
  await reviewer.page.goto('/console/editorial');
  await reviewer.page.getByRole('tab', { name: '待审核' }).click();
  await reviewer.page.locator('.el-table__row', { hasText: title }).getByRole('button', { name: '审核通过' }).click();
  await reviewer.page.getByText(`已审核通过：${title}`).waitFor();
  await reviewer.page.getByRole('tab', { name: '已审核' }).click();
  await reviewer.page.locator('.el-table__row', { hasText: title }).getByRole('button', { name: '发布' }).click();
  await reviewer.page.getByText(`已发布：${title}`).waitFor();
  await reviewer.page.getByRole('tab', { name: '已发布' }).click();
  await reviewer.page.locator('.el-table__row', { hasText: title }).getByRole('link', { name: title }).waitFor();

  // Anyone finds it in the public search once indexed, and opens it.
  const citizen = await page('phone');
  await eventually(async () => {
    await citizen.page.goto(`/search?q=${encodeURIComponent('主题党日')}`);
    await citizen.page.getByRole('link', { name: title }).waitFor({ timeout: 2_000 });
  }, 30_000);
  await citizen.page.getByRole('link', { name: title }).click();
  await citizen.page.getByRole('heading', { level: 1, name: title }).waitFor();
  await expect(citizen.page.locator('dl.meta').innerText()).resolves.toContain('临组发〔2026〕15号');
  for (const watched of [editor, reviewer, citizen]) expect(await problemsOf(watched)).toEqual([]);
});

test('an administrator imports members and sees every bad line; a secretary records a meeting; the member sees it on their phone', async () => {
  const admin = await page('desktop');
  await signIn(admin.page, suite.cast.editor, /\/console\/dashboard$/);
  await admin.page.goto('/console/organizations');
  await admin.page
    .getByRole('treeitem', { name: /中共临江市委员会/ })
    .locator('.el-tree-node__expand-icon')
    .click();
  await admin.page.getByRole('treeitem', { name: /临江市教育局机关第一党支部/ }).click();
  await admin.page.getByRole('heading', { name: /临江市教育局机关第一党支部 党员 3 名/ }).waitFor();

  // A CSV with a bad birth date on line 3 (line 1 is the header).
  const header =
    '姓名,性别,民族,出生日期,身份证号,学历,手机号,所在组织,发展阶段,申请入党日期,确定积极分子日期,确定发展对象日期,接收预备党员日期,转正日期';
  const line = (r: ReturnType<typeof memberRow>, birthDate = r.birthDate) =>
    [
      r.name,
      r.gender === 'male' ? '男' : '女',
      '汉族',
      birthDate,
      r.nationalId,
      '本科',
      r.phone,
      r.organizationId,
      '正式党员',
      '2008-03-01',
      '2008-09-01',
      '2009-09-01',
      '2010-07-01',
      '2011-07-01',
    ].join(',');
  const csv = [
    header,
    line(memberRow(suite.cast.branch.id, '孙志强', 'male')),
    line(memberRow(suite.cast.branch.id, '吴敏'), '1990-02-30'),
    line(memberRow(suite.cast.branch.id, '郑洁')),
  ].join('\n');
  await admin.page.getByRole('button', { name: '导入党员' }).click();
  const dialog = admin.page.getByRole('dialog', { name: '导入党员' });
  await dialog.getByLabel('选择文件').setInputFiles({ name: '党员名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await dialog.getByRole('button', { name: '校验' }).click();
  await dialog.getByText('共 3 行，1 行有误').waitFor();
  const errors = await dialog.locator('.errors .el-table__row').allInnerTexts();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^3\s+出生日期/);
  // Nothing is imported while a line is invalid, unless only the valid lines are asked for.
  await expect(dialog.getByRole('button', { name: '导入', exact: true }).isDisabled()).resolves.toBe(true);
  expect(await report.capture(admin.page, 'member-import', 'desktop')).toEqual([]);
  await dialog.getByText('只导入校验通过的行').click();
  await dialog.getByRole('button', { name: '导入', exact: true }).click();
  await admin.page.getByText('已导入 2 名党员').waitFor();
  await admin.page.keyboard.press('Escape');
  await admin.page.getByRole('heading', { name: /党员 5 名/ }).waitFor();
  await expect(admin.page.locator('.members .el-table__row').allInnerTexts()).resolves.toEqual(
    expect.arrayContaining([expect.stringContaining('孙志强'), expect.stringContaining('郑洁')]),
  );

  const secretary = await page('desktop');
  await signIn(secretary.page, suite.cast.secretary, /\/console\/dashboard$/);
  await secretary.page.getByRole('link', { name: '三会一课' }).click();
  // The secretary's own branch is chosen already.
  await eventually(async () => expect(await secretary.page.locator('.filters .el-select').innerText()).toBe(suite.cast.branch.name));
  await secretary.page.getByRole('button', { name: '记录会议' }).click();
  const form = secretary.page.getByRole('dialog', { name: '记录会议' });
  await form.getByLabel('会议主题').fill('学习贯彻党的二十届四中全会精神');
  await form.getByLabel('会议记录').fill('书记领学，党员交流发言。');
  await form.locator('.attendee', { hasText: '赵丽' }).getByText('请假').click();
  await form.locator('.attendee', { hasText: '孙志强' }).getByText('缺席').click();
  expect(await report.capture(secretary.page, 'meeting-record', 'desktop')).toEqual([]);
  await form.getByRole('button', { name: '保存' }).click();
  await secretary.page.getByText('会议已记录').waitFor();
  await form.waitFor({ state: 'hidden' });
  const meeting = secretary.page.locator('.meetings .el-table__row', { hasText: '学习贯彻党的二十届四中全会精神' });
  await meeting.waitFor();
  await expect(meeting.innerText()).resolves.toMatch(/3 \/ 1 \/ 1/);
  expect(await report.capture(secretary.page, 'meetings', 'desktop')).toEqual([]);

  const member = await page('phone');
  await signIn(member.page, suite.cast.member, /\/me$/);
  await member.page.getByRole('link', { name: /支部会议/ }).click();
  const mine = member.page.locator('.van-cell', { hasText: '学习贯彻党的二十届四中全会精神' });
  await mine.waitFor();
  await expect(mine.innerText()).resolves.toContain('已出席');
  expect(await report.capture(member.page, 'my-meetings', 'phone')).toEqual([]);
  for (const watched of [admin, secretary, member]) expect(await problemsOf(watched)).toEqual([]);
});

test("a member's dues: the standard from their own record, and a member stays out of the console", async () => {
  const member = await page('phone');
  await signIn(member.page, suite.cast.member, /\/me$/);
  await member.page.getByRole('link', { name: /我的党费/ }).click();
  // In service with 6,000 yuan a month on their record: 1.5 %, worked out on opening the page.
  await member.page.getByText('每月应交党费 ¥90.00（1.5%）').waitFor();
  await expect(member.page.getByLabel('月收入（元）').inputValue()).resolves.toBe('6000');
  await member.page.getByLabel('月收入（元）').fill('12000');
  await member.page.getByRole('button', { name: '计算' }).click();
  await member.page.getByText('每月应交党费 ¥240.00（2%）').waitFor();
  await member.page.getByText('党费账单请向所在支部查询').waitFor();
  expect(await report.capture(member.page, 'my-dues', 'phone')).toEqual([]);
  await member.page.goto('/console/dues');
  await member.page.waitForURL(/\/me$/);
  expect(await problemsOf(member)).toEqual([]);
});

test('an administrator opens an account for a secretary (its refusals under their fields), changes its roles, disables and enables it, lifts its lockout', async () => {
  const admin = await page('desktop');
  await signIn(admin.page, suite.cast.editor, /\/console\/dashboard$/);
  const tab = admin.page;
  await tab.getByRole('link', { name: '用户账号' }).click();
  await tab.getByRole('heading', { level: 1, name: '用户账号' }).waitFor();
  await tab.locator('.users .el-table__row', { hasText: suite.cast.secretary.userName }).waitFor();

  await tab.getByRole('button', { name: '新建账号' }).click();
  const dialog = tab.getByRole('dialog', { name: '新建账号' });
  await dialog.getByLabel('用户名').fill(suite.cast.secretary.userName);
  await dialog.getByLabel('姓名').fill('赵书记');
  await dialog.getByLabel('初始密码').fill('short');
  await dialog.locator('.el-select', { has: tab.locator('#user-org') }).click();
  await tab
    .locator(`[id="${await tab.locator('#user-org').getAttribute('aria-controls')}"]`)
    .getByRole('option', { name: suite.cast.branch.name })
    .click();
  await dialog.getByRole('button', { name: '保存' }).click();
  const item = (label: string) => dialog.locator('.el-form-item', { has: tab.locator('.el-form-item__label', { hasText: label }) });
  await item('初始密码').getByText('密码至少 12 位，含大写字母、小写字母、数字、符号中的三类，且不含用户名').waitFor();
  const password = 'Linjiang-2026-branch!';
  await dialog.getByLabel('初始密码').fill(password);
  await dialog.getByRole('button', { name: '保存' }).click();
  await item('用户名').getByText('该用户名已被使用').waitFor();
  expect(await report.capture(tab, 'user-new-refused', 'desktop')).toEqual([]);
  await dialog.getByLabel('用户名').fill('zhao.shuji');
  await dialog.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已新建账号：赵书记（zhao.shuji）' }).waitFor();
  const row = tab.locator('.users .el-table__row', { hasText: 'zhao.shuji' });
  await expect(row.innerText()).resolves.toMatch(new RegExp(`赵书记[\\s\\S]*支部书记[\\s\\S]*${suite.cast.branch.name}[\\s\\S]*正常`));

  // The new secretary signs in to the console.
  const secretary = await page('desktop');
  await signIn(secretary.page, { userName: 'zhao.shuji', password, displayName: '赵书记', id: '' }, /\/console\/dashboard$/);

  await row.getByRole('button', { name: '修改：赵书记（zhao.shuji）' }).click();
  const edit = tab.getByRole('dialog', { name: '修改账号：zhao.shuji' });
  await edit.getByText('纪检监察', { exact: true }).click();
  await edit.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已修改账号：赵书记（zhao.shuji）' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('支部书记、纪检监察'));

  await row.getByRole('button', { name: '停用：赵书记（zhao.shuji）' }).click();
  await tab.locator('.el-message', { hasText: '已停用账号：赵书记（zhao.shuji）' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('已停用'));
  expect(await report.capture(tab, 'users', 'desktop')).toEqual([]);
  const again = await page('desktop');
  await again.page.goto('/login');
  await again.page.getByLabel('用户名').fill('zhao.shuji');
  await again.page.getByLabel('密码').fill(password);
  await again.page.getByRole('button', { name: '登录' }).click();
  await again.page.getByText('账号已停用，请联系组织管理员').waitFor();

  await row.getByRole('button', { name: '启用：赵书记（zhao.shuji）' }).click();
  await tab.locator('.el-message', { hasText: '已启用账号：赵书记（zhao.shuji）' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('正常'));

  // Wrong passwords lock the account (five by default); the administrator lifts the lockout and it signs in again.
  let code = '';
  for (let attempt = 0; attempt < 10 && code !== 'AUTH_ACCOUNT_LOCKED'; attempt++) {
    const refused = await fetch(`${suite.platform.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName: 'zhao.shuji', password: `Wrong-password-${attempt}` }),
    });
    expect(refused.ok).toBe(false);
    code = ((await refused.json()) as { error: { code: string } }).error.code;
  }
  expect(code).toBe('AUTH_ACCOUNT_LOCKED');
  await tab.reload();
  await eventually(async () => expect(await row.innerText()).toContain('锁定至'));
  await row.getByRole('button', { name: '解除锁定：赵书记（zhao.shuji）' }).click();
  await tab.locator('.el-message', { hasText: '已解除锁定：赵书记（zhao.shuji）' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('正常'));
  const unlocked = await page('desktop');
  await signIn(unlocked.page, { userName: 'zhao.shuji', password, displayName: '赵书记', id: '' }, /\/console\/dashboard$/);
  expect(await problemsOf(admin)).toEqual([]);
});

test('every member and console page passes axe at phone and desktop widths', async () => {
  for (const width of ['phone', 'desktop'] as const) {
    const member = await page(width);
    await signIn(member.page, suite.cast.member, /\/me$/);
    for (const [name, path] of [
      ['me', '/me'],
      ['my-meetings', '/me/meetings'],
      ['my-dues', '/me/dues'],
    ] as const) {
      await member.page.goto(path);
      await member.page.locator('main h1').waitFor();
      await member.page.waitForLoadState('networkidle');
      expect({ name, width, findings: await report.capture(member.page, name, width) }).toEqual({ name, width, findings: [] });
    }
    expect(await problemsOf(member)).toEqual([]);

    const staff = await page(width);
    await signIn(staff.page, suite.cast.editor, /\/console\/dashboard$/);
    for (const [name, path] of [
      ['dashboard', '/console/dashboard'],
      ['editorial', '/console/editorial'],
      ['document-new', '/console/documents/new'],
      ['organizations', '/console/organizations'],
      ['meetings', '/console/meetings'],
      ['dues', '/console/dues'],
      ['transfers', '/console/transfers'],
      ['users', '/console/users'],
    ] as const) {
      await staff.page.goto(path);
      await staff.page.locator('main h1').waitFor();
      await staff.page.waitForLoadState('networkidle');
      expect({ name, width, findings: await report.capture(staff.page, name, width) }).toEqual({ name, width, findings: [] });
    }
    expect(await problemsOf(staff)).toEqual([]);
  }
});

test('the session: the refresh token is an HttpOnly cookie no script reads, a reload keeps one signed in, signing out ends it', async () => {
  const member = await page('phone');
  const { page: tab, context } = member;
  await signIn(tab, suite.cast.member, /\/me$/);
  const cookie = async () => (await context.cookies()).find((c) => c.name === 'pb_refresh');
  const first = await cookie();
  expect(first).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/session' });
  // Neither the cookie nor any token is where a script could read it.
  const visible = await tab.evaluate(() => ({
    cookie: document.cookie,
    stored: [...Object.values(localStorage), ...Object.values(sessionStorage)].join(' '),
  }));
  expect(visible.cookie).not.toContain('pb_refresh');
  expect(visible.stored).not.toContain(first!.value);
  expect(visible.stored).not.toMatch(/eyJ/);

  // A reload restores the session with one refresh, which rotates the cookie.
  await tab.goto('/me/meetings');
  await tab.getByRole('heading', { name: '支部会议' }).waitFor();
  const second = await cookie();
  expect(second?.value).toBeTruthy();
  expect(second!.value).not.toBe(first!.value);
  // Another site's page cannot use the session even if a browser sent the cookie.
  const foreign = await fetch(`${suite.platform.baseUrl}/api/v1/session/refresh`, {
    method: 'POST',
    headers: { cookie: `pb_refresh=${second!.value}`, origin: 'https://evil.example' },
  });
  expect(foreign.status).toBe(403);
  expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('SESSION_FOREIGN_ORIGIN');

  // Signing out clears the cookie and ends the session at the member service.
  await tab.goto('/me');
  await tab.getByRole('button', { name: '退出登录' }).click();
  await tab.waitForURL((url) => url.pathname === '/');
  expect(await cookie()).toBeUndefined();
  const after = await fetch(`${suite.platform.baseUrl}/api/v1/session/refresh`, {
    method: 'POST',
    headers: { cookie: `pb_refresh=${second!.value}` },
  });
  expect(after.status).toBe(401);
  expect(after.headers.get('set-cookie')).toMatch(/^pb_refresh=; Path=\/api\/v1\/session; Max-Age=0/);
  await tab.goto('/me/dues');
  await tab.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/me/dues');

  // A spent refresh token used again (a copy taken before a rotation) ends the whole session.
  await signIn(tab, suite.cast.member, /\/me$/);
  const before = await cookie();
  await tab.reload();
  await tab.getByRole('heading', { name: '我的' }).waitFor();
  const replay = await fetch(`${suite.platform.baseUrl}/api/v1/session/refresh`, {
    method: 'POST',
    headers: { cookie: `pb_refresh=${before!.value}` },
  });
  expect(replay.status).toBe(401);
  await tab.reload();
  await tab.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/me');
  expect(await problemsOf(member)).toEqual([]);
});

test('an administrator bills the month and records a payment; a transfer out waits until the dues are paid, then the target branch receives the member', async () => {
  const target = await post(suite.platform, '/organizations', {
    parentId: suite.cast.city.id,
    name: '临江市财政局机关党支部',
    kind: 'branch',
  });
  const moving = suite.cast.roster[1]!;
  const admin = await page('desktop');
  await signIn(admin.page, suite.cast.editor, /\/console\/dashboard$/);

  await admin.page.getByRole('link', { name: '党费管理' }).click();
  await admin.page.locator('.filters .el-select').click();
  await admin.page.getByRole('option', { name: suite.cast.branch.name, exact: true }).click();
  await admin.page.getByRole('button', { name: '生成本月账单' }).click();
  await admin.page.getByText(/新生成 \d+ 张账单/).waitFor();
  const bill = admin.page.locator('.bills .el-table__row', { hasText: moving.name });
  await expect(bill.innerText()).resolves.toMatch(/欠 ¥/);
  await admin.page.locator('.arrears .el-table__row', { hasText: moving.name }).waitFor();
  expect(await report.capture(admin.page, 'dues-billed', 'desktop')).toEqual([]);

  await admin.page.getByRole('link', { name: '组织关系转接' }).click();
  await admin.page.getByRole('button', { name: '发起转接' }).click();
  const form = admin.page.getByRole('dialog', { name: '发起组织关系转接' });
  await form.locator('.picker .el-select').click();
  await admin.page.getByRole('option', { name: suite.cast.branch.name, exact: true }).click();
  await form.getByLabel('转出党员').click();
  await admin.page.getByRole('option', { name: moving.name, exact: true }).click();
  await form.getByLabel('接收党支部').click();
  await admin.page.getByRole('option', { name: target.name, exact: true }).click();
  await form.getByLabel('转接事由').fill('工作调动');
  // The billing's toast fades out over the dialog by now; axe reads a half-transparent text as low contrast.
  await admin.page.locator('.el-message').waitFor({ state: 'detached' });
  expect(await report.capture(admin.page, 'transfer-start', 'desktop')).toEqual([]);
  await form.getByRole('button', { name: '发起' }).click();
  await admin.page.getByText(`已发起转接：${moving.name}`).waitFor();
  const transfer = admin.page.locator('.el-table__row', { hasText: moving.name });
  await expect(transfer.innerText()).resolves.toContain('已发起');
  // The origin approves only once the member's dues are paid up to the month.
  await transfer.getByRole('button', { name: '同意转出' }).click();
  await admin.page.getByText('该党员党费未缴至转接当月，缴清后方可同意转出').waitFor();

  await admin.page.getByRole('link', { name: '党费管理' }).click();
  await admin.page.locator('.filters .el-select').click();
  await admin.page.getByRole('option', { name: suite.cast.branch.name, exact: true }).click();
  await admin.page.locator('.bills .el-table__row', { hasText: moving.name }).getByRole('button', { name: '记录缴费' }).click();
  const payment = admin.page.getByRole('dialog', { name: '记录缴费' });
  await payment.getByLabel('缴费凭证号').fill('ZF-2026-0001');
  await payment.getByRole('button', { name: '保存' }).click();
  await admin.page.getByText('缴费已记录').waitFor();
  await eventually(async () =>
    expect(await admin.page.locator('.bills .el-table__row', { hasText: moving.name }).innerText()).toContain('已缴清'),
  );
  await expect(admin.page.locator('.arrears .el-table__row', { hasText: moving.name }).count()).resolves.toBe(0);

  await admin.page.getByRole('link', { name: '组织关系转接' }).click();
  await admin.page.locator('.el-table__row', { hasText: moving.name }).getByRole('button', { name: '同意转出' }).click();
  await admin.page.getByText('已同意转出').waitFor();
  await eventually(async () =>
    expect(await admin.page.locator('.el-table__row', { hasText: moving.name }).innerText()).toContain('转出方已同意'),
  );
  // The city's administrator has the target branch in scope too, so receives it here.
  await admin.page.locator('.el-table__row', { hasText: moving.name }).getByRole('button', { name: '接收' }).click();
  await admin.page.locator('.el-message', { hasText: '已接收' }).waitFor();
  await eventually(async () =>
    expect(await admin.page.locator('.el-table__row', { hasText: moving.name }).innerText()).toMatch(/已接收|已完成/),
  );
  expect(await report.capture(admin.page, 'transfers', 'desktop')).toEqual([]);
  await eventually(async () =>
    expect((await get<{ organizationId: string }>(suite.platform, `/members/${moving.id}`)).organizationId).toBe(target.id),
  );
  expect(await problemsOf(admin)).toEqual([]);
});

test('an administrator adds a party group below a branch, renames it and deletes it; a branch with members is not deleted', async () => {
  const admin = await page('desktop');
  await signIn(admin.page, suite.cast.editor, /\/console\/dashboard$/);
  const tab = admin.page;
  await tab.goto('/console/organizations');
  await tab
    .getByRole('treeitem', { name: /中共临江市委员会/ })
    .locator('.el-tree-node__expand-icon')
    .first()
    .click();
  const branch = suite.cast.branch.name;
  await tab
    .getByRole('treeitem', { name: new RegExp(branch) })
    .last()
    .click();
  await tab.getByRole('heading', { name: new RegExp(`^${branch}`) }).waitFor();

  await tab.getByRole('button', { name: '新建下级组织' }).click();
  let dialog = tab.getByRole('dialog', { name: `新建下级组织：${branch}` });
  await dialog.getByLabel('组织名称').fill('第一党小组');
  expect(await report.capture(tab, 'organization-add', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已新建下级组织：第一党小组' }).waitFor();
  const group = tab.getByRole('treeitem', { name: /第一党小组（党小组）/ });
  await group.waitFor();

  await group.click();
  await tab.getByRole('heading', { name: /^第一党小组/ }).waitFor();
  await tab.getByRole('button', { name: '修改名称' }).click();
  dialog = tab.getByRole('dialog', { name: '修改组织名称：第一党小组' });
  await dialog.getByLabel('组织名称').fill('教研第一党小组');
  await dialog.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已修改组织名称：教研第一党小组' }).waitFor();
  await tab.getByRole('treeitem', { name: /教研第一党小组（党小组）/ }).waitFor();
  await tab.getByRole('heading', { name: /^教研第一党小组/ }).waitFor();

  await tab.getByRole('button', { name: '删除组织：教研第一党小组' }).click();
  await tab
    .getByRole('dialog', { name: '删除组织：教研第一党小组' })
    .getByRole('button', { name: /确定|OK/ })
    .click();
  await tab.locator('.el-message', { hasText: '已删除组织：教研第一党小组' }).waitFor();
  await tab.getByRole('treeitem', { name: /教研第一党小组/ }).waitFor({ state: 'detached' });

  // The branch has members: the service refuses, and says why.
  await tab.getByRole('heading', { name: new RegExp(`^${branch}`) }).waitFor();
  await tab.getByRole('button', { name: `删除组织：${branch}` }).click();
  await tab
    .getByRole('dialog', { name: `删除组织：${branch}` })
    .getByRole('button', { name: /确定|OK/ })
    .click();
  await tab.locator('.el-message', { hasText: '该组织还有党员，不能删除（请先转出）' }).waitFor();
  expect(await report.capture(tab, 'organizations-edited', 'desktop')).toEqual([]);
  expect(await problemsOf(admin)).toEqual([]);
});
