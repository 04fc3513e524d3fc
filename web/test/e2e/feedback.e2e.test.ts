/**
 * The feedback console's whole workflow in headless Chromium against the real platform (member,
 * feedback and the other services the dashboard reads): a held message released, one returned, a duplicate merged, one
 * accepted, assigned to a branch, disputed there and the assignment upheld, replied to, rated
 * unsatisfied, rectified by the branch and revisited by the city; leader posts added and
 * retired; the statistics of it all. Every page and dialog passes axe.
 */
import { waitFor } from '@repo/testbed';
import type { Locator, Page } from 'playwright-core';
import { eventually, problemsOf } from './browser';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(180_000);

/** The feedback service's clock: a Monday of 2026 plus the time the test has run (its calendar declares whole years). */
const feedbackStart = new Date('2026-09-07T09:00:00+08:00').getTime();
const testStart = Date.now();
const feedbackNow = () => new Date(feedbackStart + (Date.now() - testStart));

let domain: string;
const suite = browserSuite('feedback', {
  services: consoleServices,
  appOptions: { feedback: { clock: feedbackNow } },
  people: true,
  // Console pages on the feedback service's clock, so deadlines colour as it sees them.
  pageClock: feedbackNow,
  ready: async ({ platform, cast }) => {
    await waitFor(
      async () => {
        const answer = await fetch(`${platform.baseUrl}/api/v1/message-recipients?parentId=${cast.city.id}`);
        return (
          answer.ok && ((await answer.json()) as { organizations: { id: string }[] }).organizations.some((o) => o.id === cast.branch.id)
        );
      },
      { timeoutMs: 30_000, what: 'the tree in the feedback service' },
    );
    domain = ((await (await fetch(`${platform.baseUrl}/api/v1/message-catalogue`)).json()) as { domains: string[] }).domains[0]!;
  },
});
const { report, staffPage } = suite;

/** A message written to the city by a citizen; its tracking code. */
async function write(subject: string, body: string, contact: string): Promise<string> {
  const response = await fetch(`${suite.platform.baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'help', domain, organizationId: suite.cast.city.id, subject, body, region: '临江市临河区', contact }),
  });
  const answer = (await response.json()) as { trackingCode: string };
  if (!response.ok) throw new Error(`POST /messages: ${response.status} ${JSON.stringify(answer)}`);
  return answer.trackingCode;
}

/** Opens a queue tab, fresh (another organisation may have acted meanwhile), and the row of a message in it. */
async function rowIn(tab: Page, status: string, subject: string): Promise<Locator> {
  await tab.getByRole('tab', { name: status, exact: true }).click();
  await tab.getByRole('button', { name: '刷新' }).click();
  const row = tab.locator('.el-table__row', { hasText: subject });
  await row.waitFor();
  return row;
}

/** Takes a step from a row: its button, the dialog's fields (filled by `fill`), its confirm button. */
async function step(tab: Page, row: Locator, name: string, subject: string, fill: (dialog: Locator) => Promise<void> = async () => {}) {
  await row.getByRole('button', { name: `${name}：${subject}` }).click();
  const dialog = tab.getByRole('dialog', { name: `${name}：${subject}` });
  await fill(dialog);
  await dialog.getByRole('button', { name: `确定${name}` }).click();
  await tab.locator('.el-message', { hasText: `已${name}：${subject}` }).waitFor();
  await dialog.waitFor({ state: 'hidden' });
}

/** Picks an option of an Element Plus select, named by its label, in a dialog. */
async function choose(tab: Page, dialog: Locator, field: string, option: string | RegExp): Promise<void> {
  await dialog.locator('.el-select', { has: tab.getByLabel(field) }).click();
  await tab.getByRole('option', { name: option }).click();
}

const lamp = '临河区滨河路路灯长期不亮';
const lampAgain = '路灯一个多月不亮';
const advert = '推销保健品';
const held = '物业态度恶劣';

test('every step of the workflow from the console, by the organisation whose step it is', async () => {
  const lampCode = await write(lamp, '临河区滨河路一段路灯已经一个多月不亮，夜间行人很不安全，请尽快修复。', '13900000001');
  await write(lampAgain, '临河区滨河路一段路灯一个多月不亮了，夜间行人很不安全，请尽快修复。', '13900000001');
  await write(advert, '本公司新到一批保健品，欢迎选购。', '13900000003');
  await write(held, '物业经理骂人傻逼，态度恶劣。', '13900000004');

  const city = await staffPage(suite.cast.editor);
  await city.page.getByRole('link', { name: '留言办理' }).click();
  await city.page.getByRole('heading', { level: 1, name: '留言办理' }).waitFor();

  // The screen held one: the reviewer sees the words it hit and releases it.
  let row = await rowIn(city.page, '待审核', held);
  await row.getByRole('button', { name: `审核通过：${held}` }).click();
  const review = city.page.getByRole('dialog', { name: `审核通过：${held}` });
  await expect(review.innerText()).resolves.toMatch(/敏感词\s+傻逼/);
  expect(await report.capture(city.page, 'release', 'desktop')).toEqual([]);
  await review.getByRole('button', { name: '确定审核通过' }).click();
  await city.page.locator('.el-message', { hasText: `已审核通过：${held}` }).waitFor();

  // Returning needs its reason and a note the writer reads.
  row = await rowIn(city.page, '待受理', advert);
  await step(city.page, row, '退回', advert, async (dialog) => {
    await expect(dialog.getByRole('button', { name: '确定退回' }).isDisabled()).resolves.toBe(true);
    await choose(city.page, dialog, '退回原因', '不属于受理范围');
    await dialog.getByLabel('退回说明（留言人可见）').fill('商业广告不属于留言受理范围。');
  });
  await rowIn(city.page, '已退回', advert);

  // The same writer wrote again about the street lights: offered as a likely duplicate, it joins the first's thread.
  row = await rowIn(city.page, '待受理', lampAgain);
  await expect(row.innerText()).resolves.toContain('疑似重复');
  await step(city.page, row, '并单', lampAgain, async (dialog) => {
    await dialog.locator('.el-select', { has: city.page.getByLabel('并入的留言') }).click();
    await expect(city.page.getByRole('option', { name: new RegExp(`^${lamp}（相似度`) }).count()).resolves.toBe(1);
    await city.page.getByRole('option', { name: new RegExp(`^${lamp}（相似度`) }).click();
    expect(await report.capture(city.page, 'merge', 'desktop')).toEqual([]);
  });

  row = await rowIn(city.page, '待受理', lamp);
  await step(city.page, row, '受理', lamp);
  row = await rowIn(city.page, '已受理', lamp);
  await step(city.page, row, '转办', lamp, async (dialog) => {
    await choose(city.page, dialog, '承办单位', suite.cast.branch.name);
    await dialog.getByLabel('备注（可选）').fill('请支部协调社区核实。');
  });

  // The branch says the assignment is wrong; the city upholds it with its reason.
  const branch = await staffPage(suite.cast.secretary);
  await branch.page.goto('/console/feedback');
  row = await rowIn(branch.page, '已转办', lamp);
  await step(branch.page, row, '派单异议', lamp, async (dialog) => {
    await dialog.getByLabel('异议理由').fill('路灯属市政管理，不属本支部职责。');
  });
  row = await rowIn(city.page, '派单异议', lamp);
  await step(city.page, row, '处理异议', lamp, async (dialog) => {
    await expect(dialog.innerText()).resolves.toContain('路灯属市政管理，不属本支部职责。');
    await expect(dialog.getByRole('button', { name: '确定处理异议' }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('维持派单的理由').fill('支部牵头联系社区和市政部门，属支部可协调事项。');
    expect(await report.capture(city.page, 'answer-dispute', 'desktop')).toEqual([]);
  });

  // The branch, which handles it, replies.
  row = await rowIn(branch.page, '已转办', lamp);
  await step(branch.page, row, '答复', lamp, async (dialog) => {
    await dialog.getByLabel('答复内容（提交后即公开）').fill('已联系市政部门更换滨河路路灯 12 盏，本周内完成。');
  });

  // The writer is not satisfied: a rectification is due, recorded by the branch, revisited by the city.
  const rated = await fetch(`${suite.platform.baseUrl}/api/v1/messages/tracking/rating`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ trackingCode: lampCode, contact: '13900000001', attitude: 3, speed: 2, overall: 'dissatisfied' }),
  });
  expect(rated.status).toBe(200);
  row = await rowIn(branch.page, '已办结', lamp);
  await expect(row.innerText()).resolves.toContain('待整改');
  await step(branch.page, row, '登记整改', lamp, async (dialog) => {
    await expect(dialog.innerText()).resolves.toContain('办理态度 3 星，办理速度 2 星，总体 不满意');
    await dialog.getByLabel('整改情况').fill('路灯已全部更换，并安排每周巡查。');
  });
  expect(await report.capture(branch.page, 'queue-branch', 'desktop')).toEqual([]);
  row = await rowIn(city.page, '已办结', lamp);
  await expect(row.innerText()).resolves.toContain('待回访');
  await step(city.page, row, '登记回访', lamp, async (dialog) => {
    await choose(city.page, dialog, '回访结果', '问题已解决');
    await dialog.getByLabel('回访情况').fill('电话回访，留言人确认路灯已修好。');
    await dialog.getByText(/办理记录/).click();
    await expect(dialog.locator('.history').innerText()).resolves.toMatch(/派单异议[\s\S]*维持派单[\s\S]*答复[\s\S]*评价[\s\S]*整改/);
    expect(await report.capture(city.page, 'revisit', 'desktop')).toEqual([]);
  });
  row = await rowIn(city.page, '已办结', lamp);
  await expect(row.innerText()).resolves.not.toMatch(/待整改|待回访/);
  expect(await report.capture(city.page, 'queue-closed', 'desktop')).toEqual([]);

  // The statistics count it all once the service's job has: four written, two to answer, one answered.
  await city.page.getByRole('navigation', { name: '留言办理分栏' }).getByRole('link', { name: '办理统计' }).click();
  await city.page.getByRole('heading', { level: 1, name: '办理统计' }).waitFor();
  await eventually(async () => {
    await city.page.getByRole('button', { name: '查询' }).click();
    await expect(city.page.getByTestId('kpi-留言总数').innerText()).resolves.toBe('4');
    await expect(city.page.getByTestId('kpi-回访率').innerText()).resolves.toBe('100.0%');
  }, 60_000);
  await expect(city.page.getByTestId('kpi-回复率').innerText()).resolves.toBe('50.0%');
  await expect(city.page.getByTestId('kpi-满意率').innerText()).resolves.toBe('0.0%');
  await city.page.getByRole('img', { name: /各单位回复率/ }).waitFor();
  expect(await report.capture(city.page, 'statistics', 'desktop')).toEqual([]);
  for (const watched of [city, branch]) expect(await problemsOf(watched)).toEqual([]);
});

test('leader posts: an administrator adds one, the public can write to it, retiring it takes it off', async () => {
  const city = await staffPage(suite.cast.editor);
  await city.page.goto('/console/feedback/leader-posts');
  await city.page.getByRole('heading', { level: 1, name: '领导职务' }).waitFor();
  await eventually(async () => expect(await city.page.locator('.picker .el-select').innerText()).toBe(suite.cast.city.name));
  await city.page.getByText('该组织暂无领导职务').waitFor();
  await city.page.getByLabel('职务名称').fill('市委书记');
  await city.page.getByLabel('任职人姓名（可选，公开显示）').fill('李明');
  await city.page.getByRole('button', { name: '添加', exact: true }).click();
  await city.page.locator('.el-message', { hasText: '已添加领导职务：市委书记' }).waitFor();
  const row = city.page.locator('.posts .el-table__row', { hasText: '市委书记' });
  await expect(row.innerText()).resolves.toContain('李明');
  expect(await report.capture(city.page, 'leader-posts', 'desktop')).toEqual([]);

  const recipients = async () =>
    (
      (await (await fetch(`${suite.platform.baseUrl}/api/v1/message-recipients?parentId=${suite.cast.province.id}`)).json()) as {
        organizations: { id: string; leaderPosts: { title: string }[] }[];
      }
    ).organizations
      .find((o) => o.id === suite.cast.city.id)!
      .leaderPosts.map((p) => p.title);
  await expect(recipients()).resolves.toContain('市委书记');

  await row.getByRole('button', { name: '停用：市委书记' }).click();
  await city.page.getByRole('dialog', { name: '停用领导职务' }).getByRole('button', { name: '停用' }).click();
  await city.page.locator('.el-message', { hasText: '已停用：市委书记' }).waitFor();
  await row.waitFor({ state: 'detached' });
  await expect(recipients()).resolves.not.toContain('市委书记');
  expect(await problemsOf(city)).toEqual([]);
});

test('the feedback pages pass axe at phone and desktop widths', async () => {
  for (const width of ['phone', 'desktop'] as const) {
    const staff = await staffPage(suite.cast.editor, width);
    for (const [name, path, heading] of [
      ['queue', '/console/feedback', '留言办理'],
      ['leader-posts', '/console/feedback/leader-posts', '领导职务'],
      ['statistics', '/console/feedback/statistics', '办理统计'],
    ] as const) {
      await staff.page.goto(path);
      await staff.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await staff.page.waitForLoadState('networkidle');
      expect({ name, width, findings: await report.capture(staff.page, `${name}-all`, width) }).toEqual({ name, width, findings: [] });
    }
    expect(await problemsOf(staff)).toEqual([]);
  }
});
