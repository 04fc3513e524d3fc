/**
 * The console's work on members, the tree and accounts in headless Chromium against the real
 * platform: a branch secretary records a member (the service's refusal under its field), changes
 * the record (against its revision) and takes a step of the development pipeline (only the steps
 * the stage allows, a rule's refusal said); an administrator moves a branch under another parent
 * (a move into its own subtree refused with the reason) and links an account to its holder's
 * member record; a member changes their password, every other session ends, and the new one signs in.
 */
import { bearer, syntheticId } from '@repo/testbed';
import type { Locator, Page } from 'playwright-core';
import { tokenSecret } from '../../../gateway/test/support';
import { eventually, problemsOf } from './browser';
import { get, post } from './people';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

const suite = browserSuite('members', { services: consoleServices, people: true });
const { report, page, signIn, staffPage } = suite;
const admin = bearer({ userId: 'web-test-admin', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);

/** A form item of a dialog by its label, where its error shows. */
const item = (dialog: Locator, label: string) =>
  dialog.locator('.el-form-item', { has: dialog.page().locator('.el-form-item__label', { hasText: label }) });

/** Types a date into an Element Plus date picker as a keyboard user does. */
async function typeDate(dialog: Locator, id: string, date: string): Promise<void> {
  const input = dialog.locator(`#${id}`);
  await input.fill(date);
  await input.press('Enter');
}

/** Chooses an option of an Element Plus select by its input's id. */
async function choose(tab: Page, id: string, option: RegExp): Promise<void> {
  await tab.locator('.el-select', { has: tab.locator(`#${id}`) }).click();
  await tab
    .locator(`[id="${await tab.locator(`#${id}`).getAttribute('aria-controls')}"]`)
    .getByRole('option', { name: option })
    .click();
}

async function openBranch(tab: Page, name: string): Promise<void> {
  await tab.goto('/console/organizations');
  await tab
    .getByRole('treeitem', { name: /中共临江市委员会/ })
    .locator('.el-tree-node__expand-icon')
    .first()
    .click();
  await tab
    .getByRole('treeitem', { name: new RegExp(name) })
    .last()
    .click();
  await tab.getByRole('heading', { name: new RegExp(`^${name}`) }).waitFor();
}

test('a secretary records a member, a wrong national ID refused under its field; changes the record; takes the first pipeline step', async () => {
  const secretary = await staffPage(suite.cast.secretary);
  const tab = secretary.page;
  const branch = suite.cast.branch.name;
  await tab.getByRole('link', { name: '组织与党员' }).click();
  // The secretary's own branch is the top of their tree, chosen already.
  await tab.getByRole('heading', { name: `${branch} 党员 3 名` }).waitFor();
  // Moving or deleting nodes is the administrators'.
  await expect(tab.getByRole('button', { name: '导入党员' }).count()).resolves.toBe(0);
  await expect(tab.getByRole('button', { name: '移动' }).count()).resolves.toBe(0);

  await tab.getByRole('button', { name: '新增党员' }).click();
  const form = tab.getByRole('dialog', { name: `新增党员：${branch}` });
  await form.getByLabel('姓名').fill('周晓明');
  await typeDate(form, 'member-birth', '2000-05-12');
  // The number of someone born a month later.
  await form.getByLabel('身份证号').fill(syntheticId('2000-06-12', 'male', { region: '360102', sequence: '31' }));
  await typeDate(form, 'member-applicationDate', '2024-03-01');
  await form.getByRole('button', { name: '保存' }).click();
  await item(form, '身份证号').getByText('身份证号与出生日期或性别不符').waitFor();
  await form.getByText('请按提示修改后再保存').waitFor();
  expect(await report.capture(tab, 'member-new-refused', 'desktop')).toEqual([]);
  await form.getByLabel('身份证号').fill(syntheticId('2000-05-12', 'male', { region: '360102', sequence: '31' }));
  await form.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已新增党员：周晓明' }).waitFor();
  await tab.getByRole('heading', { name: `${branch} 党员 4 名` }).waitFor();
  const row = tab.locator('.member-list .el-table__row', { hasText: '周晓明' });
  await expect(row.innerText()).resolves.toContain('入党申请人');

  // A change against the revision read: someone else's change in between is not overwritten.
  await row.getByRole('button', { name: '修改：周晓明' }).click();
  const edit = tab.getByRole('dialog', { name: '修改党员档案：周晓明' });
  await edit.getByLabel('手机号（不修改请留空）').fill('13912345678');
  const { items } = await get<{ items: { id: string; name: string; revision: number }[] }>(
    suite.platform,
    `/members?organizationId=${suite.cast.branch.id}&name=${encodeURIComponent('周晓明')}`,
  );
  const recorded = items[0]!;
  await suite.rest(`/members/${recorded.id}`, admin, { education: 'master', expectedRevision: recorded.revision }, 'PATCH');
  await edit.getByRole('button', { name: '保存' }).click();
  await edit.getByText('内容已被他人修改，请刷新后重试').waitFor();
  await edit.getByRole('button', { name: '取消' }).click();
  await row.getByRole('button', { name: '修改：周晓明' }).click();
  // Read again: the other change shows, and this one saves.
  await expect(edit.locator('.el-select', { has: tab.locator('#member-education') }).innerText()).resolves.toContain('硕士研究生');
  await edit.getByLabel('手机号（不修改请留空）').fill('13912345678');
  await edit.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: '已修改党员档案：周晓明' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toMatch(/139\*+5678/));

  // The pipeline: an applicant has one step only, and it needs its decision.
  await row.getByRole('button', { name: '发展步骤：周晓明' }).click();
  const step = tab.getByRole('dialog', { name: '发展步骤：周晓明' });
  await expect(step.locator('.el-radio').allInnerTexts()).resolves.toEqual(['确定为入党积极分子']);
  await typeDate(step, 'stage-date', '2024-01-15');
  await step.getByRole('button', { name: '办理' }).click();
  await item(step, '决议文号').getByText('请填写支部大会决议或审批文号').waitFor();
  await step.getByLabel('决议文号').fill('支部大会决议〔2024〕5号');
  await step.getByRole('button', { name: '办理' }).click();
  // Dated before the application: the service's rule, said.
  await step.getByText('日期不能早于上一步骤，也不能晚于今天').waitFor();
  expect(await report.capture(tab, 'member-stage-refused', 'desktop')).toEqual([]);
  await typeDate(step, 'stage-date', '2024-09-01');
  await step.getByRole('button', { name: '办理' }).click();
  await tab.locator('.el-message', { hasText: '已办理：周晓明 确定为入党积极分子' }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('入党积极分子'));

  // The next step asks for the review and the training, and a year as activist first.
  await row.getByRole('button', { name: '发展步骤：周晓明' }).click();
  await expect(step.locator('.el-radio').allInnerTexts()).resolves.toEqual(['确定为发展对象']);
  await step.getByText('政审合格').waitFor();
  await step.getByLabel('集中培训学时（至少 24 学时）').fill('32');
  await step.getByText('政审合格').click();
  await step.getByLabel('决议文号').fill('支部大会决议〔2025〕2号');
  await typeDate(step, 'stage-date', '2025-03-01');
  await step.getByRole('button', { name: '办理' }).click();
  await step.getByText('确定为入党积极分子满一年后，方可确定为发展对象（最早可为 2025-09-01）').waitFor();
  await step.getByRole('button', { name: '取消' }).click();
  const stored = await get<{ stage: string; phone: string; education: string; history: { stage: string }[] }>(
    suite.platform,
    `/members/${recorded.id}`,
  );
  expect(stored).toMatchObject({ stage: 'activist', education: 'master' });
  expect(stored.history.map((s) => s.stage)).toEqual(['applicant', 'activist']);

  // The console links to one's own password.
  await tab.getByRole('link', { name: '修改密码' }).click();
  await tab.getByRole('heading', { level: 1, name: '修改密码' }).waitFor();
  expect(await problemsOf(secretary)).toEqual([]);
});

test('an administrator moves a branch under another committee; a move into its own subtree is refused with the reason', async () => {
  const committee = await post(suite.platform, '/organizations', {
    parentId: suite.cast.city.id,
    name: '中共临江市教育工作委员会',
    kind: 'committee',
  });
  const school = await post(suite.platform, '/organizations', {
    parentId: suite.cast.city.id,
    name: '临江市实验中学党支部',
    kind: 'branch',
  });
  const editor = await staffPage(suite.cast.editor);
  const tab = editor.page;
  await openBranch(tab, school.name);

  await tab.getByRole('button', { name: '移动' }).click();
  const dialog = tab.getByRole('dialog', { name: `移动组织：${school.name}` });
  await choose(tab, 'move-parent', new RegExp(`^${committee.name}`));
  expect(await report.capture(tab, 'organization-move', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '移动' }).click();
  await tab.locator('.el-message', { hasText: `已移动组织：${school.name}` }).waitFor();
  await tab
    .getByRole('treeitem', { name: new RegExp(committee.name) })
    .getByRole('treeitem', { name: new RegExp(school.name) })
    .waitFor();
  await eventually(async () =>
    expect((await get<{ parentId: string; path: string }>(suite.platform, `/organizations/${school.id}`)).path).toBe(
      `${committee.path}${school.id}/`,
    ),
  );

  // The committee cannot go below the branch now under it.
  await tab.locator('.el-tree-node__content', { hasText: `${committee.name}（党委）` }).click();
  await tab.getByRole('heading', { name: new RegExp(`^${committee.name}`) }).waitFor();
  await tab.getByRole('button', { name: '移动' }).click();
  const refused = tab.getByRole('dialog', { name: `移动组织：${committee.name}` });
  await choose(tab, 'move-parent', new RegExp(`^${school.name}`));
  await refused.getByRole('button', { name: '移动' }).click();
  await refused.getByText('不能移到本组织或其下级组织之下').waitFor();
  expect(await report.capture(tab, 'organization-move-refused', 'desktop')).toEqual([]);
  expect((await get<{ parentId: string }>(suite.platform, `/organizations/${committee.id}`)).parentId).toBe(suite.cast.city.id);
  expect(await problemsOf(editor)).toEqual([]);
});

test("an administrator links an account to its holder's member record", async () => {
  const holder = suite.cast.roster[1]!;
  const account = await post(suite.platform, '/users', {
    userName: 'liu.jianguo',
    displayName: holder.name,
    password: 'Linjiang-2026-member!',
    roles: ['member'],
    organizationId: suite.cast.branch.id,
  });
  const editor = await staffPage(suite.cast.editor);
  const tab = editor.page;
  await tab.getByRole('link', { name: '用户账号' }).click();
  await choose(tab, 'users-org', new RegExp(`^${suite.cast.branch.name}`));
  const row = tab.locator('.users .el-table__row', { hasText: 'liu.jianguo' });
  await expect(row.innerText()).resolves.toContain('未关联');
  await row.getByRole('button', { name: `修改：${holder.name}（liu.jianguo）` }).click();
  const dialog = tab.getByRole('dialog', { name: '修改账号：liu.jianguo' });
  await choose(tab, 'user-member', new RegExp(`^${holder.name}（`));
  expect(await report.capture(tab, 'user-member-link', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: `已修改账号：${holder.name}（liu.jianguo）` }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('已关联'));
  expect((await get<{ memberId: string }>(suite.platform, `/users/${account.id}`)).memberId).toBe(holder.id);
  expect(await problemsOf(editor)).toEqual([]);
});

test('a member changes their password: refusals under their fields, every session ends, the new password signs in', async () => {
  const person = suite.cast.member;
  const other = await page('phone');
  await signIn(other.page, person, /\/me$/);
  const member = await page('phone');
  const tab = member.page;
  await signIn(tab, person, /\/me$/);
  await tab.getByRole('link', { name: /修改密码/ }).click();
  await tab.getByRole('heading', { level: 1, name: '修改密码' }).waitFor();
  const field = (id: string) => tab.locator('.van-field', { has: tab.locator(`#${id}`) });
  const fresh = 'Linjiang-Renewed-2026!';

  await tab.getByLabel('当前密码').fill('Not-the-password-1');
  await tab.getByLabel('新密码', { exact: true }).fill(fresh);
  await tab.getByLabel('确认新密码').fill(fresh);
  await tab.getByRole('button', { name: '修改密码' }).click();
  await field('currentPassword').getByText('当前密码不正确').waitFor();

  await tab.getByLabel('当前密码').fill(person.password);
  await tab.getByLabel('新密码', { exact: true }).fill('weakpassword');
  await tab.getByLabel('确认新密码').fill('weakpassword');
  await tab.getByRole('button', { name: '修改密码' }).click();
  await field('newPassword')
    .getByText(/新密码至少 12 位/)
    .waitFor();
  expect(await report.capture(tab, 'password-refused', 'phone')).toEqual([]);

  await tab.getByLabel('新密码', { exact: true }).fill(fresh);
  await tab.getByLabel('确认新密码').fill(fresh);
  await tab.getByRole('button', { name: '修改密码' }).click();
  await tab.waitForURL((url) => url.pathname === '/login');
  await tab.getByText('密码已修改，所有设备上的登录均已退出，请用新密码登录。').waitFor();
  expect(await report.capture(tab, 'password-changed', 'phone')).toEqual([]);

  // The session signed in before the change has ended too.
  await other.page.reload();
  await other.page.waitForURL((url) => url.pathname === '/login');

  await tab.getByLabel('用户名').fill(person.userName);
  await tab.getByLabel('密码').fill(person.password);
  await tab.getByRole('button', { name: '登录' }).click();
  await tab.getByText('用户名或密码不正确').waitFor();
  await signIn(tab, { ...person, password: fresh }, /\/me$/);
  for (const watched of [member, other]) expect(await problemsOf(watched)).toEqual([]);
});
