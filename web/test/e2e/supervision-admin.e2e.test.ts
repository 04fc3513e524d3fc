/**
 * Discipline cases in the console, in headless Chromium against the real platform (member,
 * supervision and the other services the dashboard reads): an inspector records a case and its decision, drafts a typical-cases
 * notice of it, another inspector reviews it, it is published and anyone reads it; the pages
 * and dialogs pass axe.
 */
import { bearer } from '@repo/testbed';
import type { Locator, Page } from 'playwright-core';
import { tokenSecret } from '../../../gateway/test/support';
import { eventually, problemsOf } from './browser';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

const suite = browserSuite('supervision-admin', { services: consoleServices, people: true });
const { report, rest, staffPage } = suite;

async function pick(tab: Page, scope: ReturnType<Page['locator']>, label: string, option: string | RegExp): Promise<void> {
  await scope.locator('.el-select', { has: tab.getByLabel(label, { exact: true }) }).click();
  await tab.getByRole('option', { name: option }).click();
}

async function date(scope: ReturnType<Page['locator']>, label: string, value: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).fill(value);
  await scope.getByLabel(label, { exact: true }).press('Enter');
}

test('an inspector records a case and its decision, and a typical-cases notice of it goes out after another review', async () => {
  const watched = await staffPage(suite.cast.inspector, 'desktop');
  const tab = watched.page;
  await tab.goto('/console/supervision');
  await tab.getByRole('tab', { name: '案件' }).click();
  await tab.getByRole('button', { name: '记录案件' }).click();
  const record = tab.getByRole('dialog', { name: '记录案件' });
  const number = `临纪案〔2026〕${Math.random().toString(36).slice(2, 6)}号`;
  await record.getByLabel('案件编号').fill(number);
  await date(record, '发现日期', '2026-11-02');
  await pick(tab, record, '发生单位', suite.cast.branch.name);
  await pick(tab, record, '问题类型', '违规吃喝');
  await record.getByLabel('问题摘要（通报中使用）').fill('孙某违规接受管理服务对象宴请，并由对方支付费用。');
  await record.getByLabel('姓名').fill('孙某');
  await record.getByLabel('职务').fill('临江市教育局某科科长');
  expect(await report.capture(tab, 'case-record', 'desktop')).toEqual([]);
  await record.getByRole('button', { name: '保存' }).click();
  await tab.locator('.el-message', { hasText: `已记录案件：${number}` }).waitFor();

  const row = tab.locator('.cases .el-table__row', { hasText: number });
  await row.getByRole('button', { name: `处理决定：${number}` }).click();
  const decide = tab.getByRole('dialog', { name: `处理决定：${number}` });
  await expect(decide.getByRole('button', { name: '保存决定' }).isDisabled()).resolves.toBe(true);
  await date(decide, '处理日期', '2026-11-20');
  await pick(tab, decide, '党纪处分', '党内警告');
  expect(await report.capture(tab, 'case-decision', 'desktop')).toEqual([]);
  await decide.getByRole('button', { name: '保存决定' }).click();
  await tab.locator('.el-message', { hasText: `已记录处理决定：${number}` }).waitFor();
  // The toast comes with the answer; the list is read again after it.
  await eventually(async () => expect(await row.innerText()).toMatch(/已处理[\s\S]*孙某：党内警告/));
  expect(await report.capture(tab, 'cases', 'desktop')).toEqual([]);

  await tab.getByRole('tab', { name: '通报' }).click();
  await tab.getByRole('button', { name: '起草典型问题通报' }).click();
  const draft = tab.getByRole('dialog', { name: '起草典型问题通报' });
  await pick(tab, draft, '通报范围', suite.cast.city.name);
  await pick(tab, draft, '通报的案件', new RegExp(number.replace(/[〔〕]/g, '.')));
  await draft.getByRole('heading').click(); // closes the multiple select's list
  await draft.getByLabel('标题（可选，不填自动生成）').fill('关于违规吃喝典型问题的通报');
  // The toasts of the steps before are gone (axe would measure one half faded).
  await eventually(async () => expect(await tab.locator('.el-message').count()).toBe(0), 10_000);
  expect(await report.capture(tab, 'notice-typical', 'desktop')).toEqual([]);
  await draft.getByRole('button', { name: '起草' }).click();
  await tab.locator('.el-message', { hasText: '已起草：关于违规吃喝典型问题的通报' }).waitFor();
  const noticeRow = tab.locator('.el-table__row', { hasText: '关于违规吃喝典型问题的通报' });
  await expect(noticeRow.innerText()).resolves.toContain('典型问题通报');

  // Four eyes: the drafter cannot review it; another inspector does, then the drafter publishes.
  await noticeRow.getByRole('button', { name: '审核通过：关于违规吃喝典型问题的通报' }).click();
  await tab.locator('.el-message', { hasText: '不能审核自己起草的通报' }).waitFor();
  const notices = (await (
    await fetch(`${suite.platform.baseUrl}/api/v1/notices?size=10`, {
      headers: bearer({ userId: suite.cast.inspector.id, roles: ['inspector'], orgPath: suite.cast.province.path }, tokenSecret),
    })
  ).json()) as { items: { id: string; title: string }[] };
  const notice = notices.items.find((n) => n.title === '关于违规吃喝典型问题的通报')!;
  const other = bearer({ userId: 'web-test-inspector-2', roles: ['inspector'], orgPath: suite.cast.province.path }, tokenSecret);
  const reviewed = await fetch(`${suite.platform.baseUrl}/api/v1/notices/${notice.id}/review`, {
    method: 'POST',
    headers: { ...other, 'content-type': 'application/json' },
    body: JSON.stringify({ note: '核对无误' }),
  });
  expect(reviewed.status).toBe(200);
  await tab.getByRole('tab', { name: '案件' }).click();
  await tab.getByRole('tab', { name: '通报' }).click();
  await noticeRow.getByRole('button', { name: '发布：关于违规吃喝典型问题的通报' }).click();
  await tab.locator('.el-message', { hasText: '已发布：关于违规吃喝典型问题的通报' }).waitFor();
  await noticeRow.getByRole('link', { name: '查看公开页' }).click();
  await tab.getByRole('heading', { level: 1, name: '关于违规吃喝典型问题的通报' }).waitFor();
  await tab
    .getByText(/孙某违规接受管理服务对象宴请/)
    .first()
    .waitFor();
  expect(await problemsOf(watched)).toEqual([]);
});

test('an administrator drafts and publishes a power list item and records its execution; a step by another actor is flagged', async () => {
  const watched = await staffPage(suite.cast.editor, 'desktop');
  const tab = watched.page;
  await tab.getByRole('link', { name: '监督执纪' }).click();
  await tab.getByRole('navigation', { name: '监督执纪分栏' }).getByRole('link', { name: '权力清单管理' }).click();
  await tab.getByRole('heading', { level: 1, name: '权力清单管理' }).waitFor();

  await tab.getByRole('button', { name: '起草权力事项' }).click();
  const draft = tab.getByRole('dialog', { name: '起草权力事项' });
  await pick(tab, draft, '所属组织', new RegExp(`^${suite.cast.branch.name}`));
  await draft.getByLabel('岗位（可选）').fill('党支部书记');
  await draft.getByLabel('事项名称').fill('发展党员');
  await draft.getByLabel('实施责任主体').fill('党支部');
  await draft.getByLabel('依据文件').fill('《中国共产党发展党员工作细则》');
  await draft.getByLabel('条款').fill('第十六条');
  await draft.getByLabel('第 1 步').fill('支部委员会审查');
  await draft.getByLabel('办理主体').fill('党支部委员会');
  await draft.getByRole('button', { name: '添加步骤' }).click();
  await draft.getByLabel('第 2 步').fill('支部党员大会讨论');
  await draft.getByLabel('办理主体').nth(1).fill('党支部党员大会');
  await draft.getByLabel('公开内容').fill('拟发展对象名单');
  await draft.getByLabel('公开渠道').fill('党务公开栏');
  await draft.getByLabel('公开时间').fill('讨论前5个工作日');
  await draft.getByLabel('责任追究').fill('违规发展党员的，依规依纪追究责任');
  expect(await report.capture(tab, 'power-draft', 'desktop')).toEqual([]);
  await draft.getByRole('button', { name: '保存草稿' }).click();
  await tab.locator('.el-message', { hasText: '已保存草稿：发展党员' }).waitFor();

  const item = tab.locator('.items .el-table__row', { hasText: '发展党员' });
  await expect(item.innerText()).resolves.toContain('支部委员会审查 → 支部党员大会讨论');
  await item.getByRole('button', { name: '公布：发展党员' }).click();
  await tab.locator('.el-message', { hasText: '已公布：发展党员' }).waitFor();
  await item.getByRole('button', { name: '记录运行：发展党员' }).click();
  const start = tab.getByRole('dialog', { name: '记录运行：发展党员' });
  await start.getByLabel('事由').fill('2026年第二批发展对象');
  await date(start, '开始日期', '2026-11-02');
  await start.getByRole('button', { name: '开始记录' }).click();
  await tab.locator('.el-message', { hasText: '已开始记录：2026年第二批发展对象' }).waitFor();

  const execution = tab.locator('.executions .el-table__row', { hasText: '2026年第二批发展对象' });
  async function recordStep(actor: string | null, on: string): Promise<Locator> {
    await execution.getByRole('button', { name: '记录步骤：2026年第二批发展对象' }).click();
    const dialog = tab.getByRole('dialog', { name: '记录步骤：2026年第二批发展对象' });
    if (actor) await dialog.getByLabel('实际办理主体').fill(actor);
    await date(dialog, '办理日期', on);
    return dialog;
  }
  // The first as the list says (the actor it names is filled in), the second by someone else.
  let dialog = await recordStep(null, '2026-11-04');
  await expect(dialog.getByLabel('实际办理主体').inputValue()).resolves.toBe('党支部委员会');
  await dialog.getByRole('button', { name: '记录', exact: true }).click();
  await tab.locator('.el-message', { hasText: '已记录：支部委员会审查' }).waitFor();
  dialog = await recordStep('党支部书记', '2026-11-06');
  await expect(dialog.innerText()).resolves.toContain('下一步：支部党员大会讨论（清单规定由党支部党员大会办理');
  await dialog.getByRole('button', { name: '记录', exact: true }).click();
  await tab.locator('.el-message', { hasText: '办理主体与清单不符，已推送预警' }).waitFor();
  await eventually(async () => expect(await execution.innerText()).toContain('已完成'));
  await expect(execution.innerText()).resolves.toMatch(/支部党员大会讨论：党支部书记[\s\S]*主体不符（应为党支部党员大会）/);
  expect(await report.capture(tab, 'power-lists-admin', 'desktop')).toEqual([]);

  // What the public reads: the item's six parts.
  await item.getByRole('link', { name: '公开页' }).click();
  await tab.getByRole('heading', { level: 1, name: '发展党员' }).waitFor();
  await tab.getByText('《中国共产党发展党员工作细则》').first().waitFor();
  expect(await problemsOf(watched)).toEqual([]);
});

test('a published power list item gets a new version: drafted from the one in force, changed, published in its place', async () => {
  const cityAdmin = bearer({ userId: suite.cast.editor.id, roles: ['orgAdmin'], orgPath: suite.cast.city.path }, tokenSecret);

  type Item = { id: string; version: number; status: string; content: { process: { name: string; timeLimitDays: number }[] } };
  const name = '村级重大事项决策';
  const created = await rest<Item>('/power-items', cityAdmin, {
    organizationId: suite.cast.branch.id,
    content: {
      name,
      kind: 'publicPower',
      responsibleBody: '村党组织、村民委员会',
      basis: [{ document: '《中华人民共和国村民委员会组织法》', article: '第二十四条' }],
      process: [
        { name: '村党组织提议', actor: '村党组织', timeLimitDays: 5 },
        { name: '村民代表会议决议', actor: '村民代表会议', timeLimitDays: 10 },
      ],
      publicity: { content: '决议事项及实施结果', channel: '村务公开栏', timing: '决议后5个工作日内' },
      accountability: '未按程序决策的，追究相关人员责任',
    },
  });
  await rest(`/power-items/${created.id}/publish`, cityAdmin, {});

  const watched = await staffPage(suite.cast.editor, 'desktop');
  const tab = watched.page;
  await tab.goto('/console/supervision/power');
  const item = tab.locator('.items .el-table__row', { hasText: name });
  await expect(item.innerText()).resolves.toContain('第 1 版 · 已公布');

  await item.getByRole('button', { name: `新版本：${name}` }).click();
  await tab.locator('.el-message', { hasText: `已建立第 2 版草稿：${name}` }).waitFor();
  let dialog = tab.getByRole('dialog', { name: `修改第 2 版草稿：${name}` });
  await expect(dialog.getByLabel('事项名称').inputValue()).resolves.toBe(name);
  await expect(dialog.innerText()).resolves.toContain('第 1 版在新版本公布前继续有效');
  await dialog.locator('#pi-limit-0').fill('3');
  await dialog.getByRole('button', { name: '添加步骤' }).click();
  await dialog.getByLabel('第 3 步').fill('决议公开并接受监督');
  await dialog.getByLabel('办理主体').nth(2).fill('村务监督委员会');
  await dialog.getByLabel('责任追究').fill('未按程序决策或未公开的，依规依纪追究相关人员责任');
  expect(await report.capture(tab, 'power-new-version', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '保存草稿' }).click();
  await tab.locator('.el-message', { hasText: `已修改第 2 版草稿：${name}` }).waitFor();
  await eventually(async () => expect(await item.innerText()).toMatch(/第 1 版 · 已公布[\s\S]*第 2 版草稿待公布/));
  // Until it is published the public still reads version 1.
  const inForce = await rest<Item>(`/power-items/${created.id}`, {}, undefined, 'GET');
  expect(inForce).toMatchObject({ version: 1, status: 'published' });
  expect(inForce.content.process).toHaveLength(2);

  // The draft opens again as saved.
  await item.getByRole('button', { name: `修改草稿：${name}` }).click();
  dialog = tab.getByRole('dialog', { name: `修改第 2 版草稿：${name}` });
  await expect(dialog.getByLabel('第 3 步').inputValue()).resolves.toBe('决议公开并接受监督');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await item.getByRole('button', { name: `公布新版本：${name}` }).click();
  await tab.locator('.el-message', { hasText: `已公布第 2 版：${name}` }).waitFor();
  await eventually(async () => expect(await item.innerText()).toContain('第 2 版 · 已公布'));
  await expect(item.innerText()).resolves.toContain('村党组织提议 → 村民代表会议决议 → 决议公开并接受监督');
  expect(await report.capture(tab, 'power-versions', 'desktop')).toEqual([]);
  const published = await rest<Item>(`/power-items/${created.id}`, {}, undefined, 'GET');
  expect(published).toMatchObject({ version: 2, status: 'published' });
  expect(published.content.process.map((s) => s.timeLimitDays)).toEqual([3, 10, 5]);
  await expect(rest<Item>(`/power-items/${created.id}/versions/1`, {}, undefined, 'GET')).resolves.toMatchObject({ status: 'superseded' });

  await item.getByRole('link', { name: '公开页' }).click();
  await tab.getByRole('heading', { level: 1, name }).waitFor();
  await tab.getByText('决议公开并接受监督').first().waitFor();
  expect(await problemsOf(watched)).toEqual([]);
});

test('the supervision console pages pass axe at phone width', async () => {
  const watched = await staffPage(suite.cast.editor, 'phone');
  const tab = watched.page;
  await tab.goto('/console/supervision/power');
  await tab.locator('.executions .el-table__row').first().waitFor();
  expect(await report.capture(tab, 'power-lists-admin', 'phone')).toEqual([]);
  expect(await problemsOf(watched)).toEqual([]);
});
