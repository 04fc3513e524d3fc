/**
 * Learning administration in headless Chromium against the real platform (member and learning
 * services): an administrator builds a question bank with a choice question and a short answer
 * in the console, a member sits the exam made of them, and the administrator grades the short
 * answer blind, which decides the paper; both pages pass axe at both widths.
 */
import { bearer, waitFor } from '@repo/testbed';
import type { Browser, Page } from 'playwright-core';
import { tokenSecret, type Platform } from '../../../gateway/test/support';
import { eventually, launch, openPage, problemsOf, Report, type Watched, type Width } from './browser';
import { castPeople, get, type Cast, type Person } from './people';
import { startPortal } from './portal';

jest.setTimeout(150_000);

let platform: Platform;
let browser: Browser;
let cast: Cast;
let cityAdmin: Record<string, string>;
const report = new Report('learning-admin');
const open: Watched[] = [];

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPortal({ only: ['member', 'learning'] }), launch()]);
  cast = await castPeople(platform);
  cityAdmin = bearer({ userId: cast.editor.id, roles: ['orgAdmin'], orgPath: cast.city.path }, tokenSecret);
  await waitFor(
    async () =>
      (await get<{ userId: string }>(platform, `/learners/${cast.member.memberId}`).catch(() => ({ userId: '' }))).userId ===
      cast.member.id,
    { timeoutMs: 30_000, what: "the member's learner record linked to their account" },
  );
}, 120_000);

afterAll(async () => {
  for (const watched of open) await watched.context.close();
  await browser?.close();
  await platform?.stop();
});

async function staffPage(person: Person, width: Width = 'desktop'): Promise<Page> {
  const watched = await openPage(browser, platform.baseUrl, width);
  open.push(watched);
  await watched.page.goto('/login');
  await watched.page.getByLabel('用户名').fill(person.userName);
  await watched.page.getByLabel('密码').fill(person.password);
  await watched.page.getByRole('button', { name: '登录' }).click();
  await watched.page.waitForURL(/\/console\/dashboard$/);
  await watched.page.locator('main h1').waitFor();
  return watched.page;
}

/** A REST call with these headers; the answer, or a thrown error naming the call. */
async function rest<T = { id: string }>(path: string, who: Record<string, string>, body?: unknown, method = 'POST'): Promise<T> {
  const response = await fetch(`${platform.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

test('a question bank built in the console, an exam of it sat by a member, its short answer graded blind', async () => {
  const admin = await staffPage(cast.editor);
  await admin.getByRole('link', { name: '学习培训管理' }).click();
  await admin.getByRole('navigation', { name: '学习培训管理分栏' }).getByRole('link', { name: '题库' }).click();
  await admin.getByRole('heading', { level: 1, name: '题库' }).waitFor();
  await admin.getByLabel('新题库名称').fill('党章党规题库');
  await admin.getByRole('button', { name: '新建题库' }).click();
  await admin.locator('.el-message', { hasText: '已新建题库：党章党规题库' }).waitFor();

  // A single choice: two options, A right.
  await admin.getByRole('button', { name: '添加试题' }).click();
  let dialog = admin.getByRole('dialog', { name: '添加试题' });
  await dialog.getByLabel('题干').fill('党的最高领导机关是？');
  await dialog.getByLabel('A.').fill('党的全国代表大会和它所产生的中央委员会');
  await dialog.getByLabel('B.').fill('中央政治局');
  await dialog.getByLabel('选项 A 为正确答案').check();
  expect(await report.capture(admin, 'question-add', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '保存试题' }).click();
  await admin.locator('.el-message', { hasText: '已添加试题' }).waitFor();
  await dialog.waitFor({ state: 'hidden' });
  // The second save shows the same toast: wait for this one to fade so the next wait sees the new one.
  await admin.locator('.el-message', { hasText: '已添加试题' }).waitFor({ state: 'hidden' });

  // A short answer with its reference for graders.
  await admin.getByRole('button', { name: '添加试题' }).click();
  dialog = admin.getByRole('dialog', { name: '添加试题' });
  await dialog.locator('.el-select', { has: admin.getByLabel('题型') }).click();
  await admin.getByRole('option', { name: '简答题' }).click();
  await dialog.getByLabel('题干').fill('简述“三会一课”的内容。');
  await dialog.getByLabel('参考答案（供阅卷人对照）').fill('支部党员大会、支部委员会、党小组会和党课。');
  await dialog.getByRole('button', { name: '保存试题' }).click();
  await admin.locator('.el-message', { hasText: '已添加试题' }).waitFor();
  const rows = admin.locator('.questions .el-table__row');
  await eventually(async () => expect(await rows.count()).toBe(2));
  await expect(rows.nth(0).innerText()).resolves.toMatch(/单选题[\s\S]*A\. 党的全国代表大会[\s\S]*\bA\b/);
  expect(await report.capture(admin, 'question-banks', 'desktop')).toEqual([]);

  // The exam of those two, sat by the member (through the REST API: the member pages have their own test).
  const bank = (await rest<{ items: { id: string; name: string }[] }>('/question-banks', cityAdmin, undefined, 'GET')).items.find(
    (b) => b.name === '党章党规题库',
  )!;
  const questions = (
    await rest<{ items: { id: string; type: string }[] }>(`/question-banks/${bank.id}/questions`, cityAdmin, undefined, 'GET')
  ).items;
  const choice = questions.find((q) => q.type === 'singleChoice')!;
  const essay = questions.find((q) => q.type === 'shortAnswer')!;
  const exam = await rest('/exams', cityAdmin, {
    title: '党章党规知识测试',
    fixedQuestions: [
      { questionId: choice.id, score: 40 },
      { questionId: essay.id, score: 60 },
    ],
    durationMinutes: 30,
    passMark: 60,
    retakes: 0,
  });
  await rest(`/exams/${exam.id}/publish`, cityAdmin, {});
  const session = await rest<{ accessToken: string }>('/session', {}, { userName: cast.member.userName, password: cast.member.password });
  const member = { authorization: `Bearer ${session.accessToken}` };
  const paper = await rest(`/exams/${exam.id}/papers`, member, {});
  await rest(`/papers/${paper.id}/answers/${choice.id}`, member, { keys: ['A'] }, 'PUT');
  await rest(
    `/papers/${paper.id}/answers/${essay.id}`,
    member,
    { texts: ['支部党员大会、支部委员会会议、党小组会，按时上好党课。'] },
    'PUT',
  );
  await rest(`/papers/${paper.id}/submit`, member, {});

  await admin.getByRole('navigation', { name: '学习培训管理分栏' }).getByRole('link', { name: '阅卷' }).click();
  await admin.getByRole('heading', { level: 1, name: '阅卷' }).waitFor();
  await admin.getByRole('status').getByText('待阅卷 1 份').waitFor();
  const card = admin.locator('.pb-card', { hasText: '第 1 份试卷' });
  await expect(card.innerText()).resolves.toContain('支部党员大会、支部委员会会议、党小组会，按时上好党课。');
  await expect(card.innerText()).resolves.not.toContain(cast.member.displayName);
  await card.getByLabel('得分（满分 60）').fill('50');
  expect(await report.capture(admin, 'grading', 'desktop')).toEqual([]);
  await card.getByRole('button', { name: '评分：第 1 份试卷' }).click();
  await admin.locator('.el-message', { hasText: '第 1 份试卷阅卷完成：90 分，通过' }).waitFor();
  await admin.getByRole('status').getByText('待阅卷 0 份').waitFor();
  await expect(rest<{ score: number; passed: boolean }>(`/papers/${paper.id}`, member, undefined, 'GET')).resolves.toMatchObject({
    score: 90,
    passed: true,
  });
  expect(await problemsOf(open[0]!)).toEqual([]);
});

test('a training recorded for a cadre; a second of the same topic is refused as duplicate and recorded with a reason', async () => {
  const admin = await staffPage(cast.editor);
  await admin.goto('/console/learning/trainings');
  await admin.getByRole('heading', { level: 1, name: '干部培训档案' }).waitFor();
  await admin.locator('.picker .el-select').click();
  await admin.getByRole('option', { name: cast.branch.name, exact: true }).click();
  await admin.locator('.el-select', { has: admin.getByLabel('党员', { exact: true }) }).click();
  await admin.getByRole('option', { name: cast.member.displayName, exact: true }).click();
  await admin.getByText('暂无培训记录').waitFor();

  async function fill(title: string, from: string, to: string): Promise<void> {
    await admin.getByRole('button', { name: '登记培训' }).click();
    const dialog = admin.getByRole('dialog', { name: `登记培训：${cast.member.displayName}` });
    await dialog.getByLabel('培训名称').fill(title);
    await dialog.getByLabel('培训主题').fill('二十届四中全会精神');
    await dialog.getByLabel('举办单位', { exact: true }).fill('中共江川省委党校');
    for (const [label, date] of [
      ['开始日期', from],
      ['结束日期', to],
    ] as const) {
      await dialog.getByLabel(label).fill(date);
      await dialog.getByLabel(label).press('Enter');
    }
  }
  await fill('全省处级干部学习贯彻二十届四中全会精神专题培训班', '2025-11-10', '2025-11-14');
  let dialog = admin.getByRole('dialog', { name: `登记培训：${cast.member.displayName}` });
  await dialog.getByRole('button', { name: '登记', exact: true }).click();
  await admin.locator('.el-message', { hasText: '已登记：全省处级干部' }).waitFor();
  await dialog.waitFor({ state: 'hidden' });

  await fill('市直机关学习贯彻二十届四中全会精神轮训', '2025-12-01', '2025-12-02');
  dialog = admin.getByRole('dialog', { name: `登记培训：${cast.member.displayName}` });
  await dialog.getByRole('button', { name: '登记', exact: true }).click();
  await dialog
    .getByRole('alert')
    .getByText(/系统判定为重复培训（规定期限内同一主题）/)
    .waitFor();
  await expect(dialog.getByRole('alert').innerText()).resolves.toContain(
    '《全省处级干部学习贯彻二十届四中全会精神专题培训班》，中共江川省委党校，2025-11-10 至 2025-11-14',
  );
  await dialog.getByLabel('例外登记理由（记入档案并公开留痕）').fill('市直机关统一轮训，按市委组织部通知参加。');
  expect(await report.capture(admin, 'training-override', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '仍然登记' }).click();
  await admin.locator('.el-message', { hasText: '已例外登记：市直机关' }).waitFor();
  const row = admin.locator('.trainings .el-table__row', { hasText: '市直机关学习贯彻' });
  await expect(row.innerText()).resolves.toContain('例外登记（规定期限内同一主题）：市直机关统一轮训，按市委组织部通知参加。');
  await expect(admin.locator('.trainings .el-table__row').count()).resolves.toBe(2);
  expect(await report.capture(admin, 'cadre-trainings', 'desktop')).toEqual([]);
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test('the question banks and grading pages pass axe at phone and desktop widths', async () => {
  for (const width of ['phone', 'desktop'] as const) {
    const staff = await staffPage(cast.editor, width);
    for (const [name, path, heading] of [
      ['learning', '/console/learning', '学习培训管理'],
      ['banks', '/console/learning/banks', '题库'],
      ['grading', '/console/learning/grading', '阅卷'],
      ['trainings', '/console/learning/trainings', '干部培训档案'],
    ] as const) {
      await staff.goto(path);
      await staff.getByRole('heading', { level: 1, name: heading }).waitFor();
      await staff.waitForLoadState('networkidle');
      expect({ name, width, findings: await report.capture(staff, `${name}-all`, width) }).toEqual({ name, width, findings: [] });
    }
    expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
  }
});
