/**
 * Learning administration in headless Chromium against the real platform (member, learning and
 * the other services the dashboard reads): an administrator builds a question bank with a choice question and a short answer
 * in the console, a member sits the exam made of them, and the administrator grades the short
 * answer blind, which decides the paper; both pages pass axe at both widths.
 */
import { bearer, waitFor } from '@repo/testbed';
import type { Page } from 'playwright-core';
import { tokenSecret } from '../../../gateway/test/support';
import { eventually, problemsOf, type Width } from './browser';
import { datetime, itemOf, pickIn } from './forms';
import { get, type Person } from './people';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

let cityAdmin: Record<string, string>;
const suite = browserSuite('learning-admin', {
  services: consoleServices,
  people: true,
  ready: async ({ platform, cast }) => {
    cityAdmin = bearer({ userId: cast.editor.id, roles: ['orgAdmin'], orgPath: cast.city.path }, tokenSecret);
    await waitFor(
      async () =>
        (await get<{ userId: string }>(platform, `/learners/${cast.member.memberId}`).catch(() => ({ userId: '' }))).userId ===
        cast.member.id,
      { timeoutMs: 30_000, what: "the member's learner record linked to their account" },
    );
  },
});
const { report, open, rest } = suite;
/** A console page signed in as a member of staff. */
const staffPage = async (person: Person, width: Width = 'desktop'): Promise<Page> => (await suite.staffPage(person, width)).page;

test('a question bank built in the console, an exam of it sat by a member, its short answer graded blind', async () => {
  const admin = await staffPage(suite.cast.editor);
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
  const session = await rest<{ accessToken: string }>(
    '/session',
    {},
    { userName: suite.cast.member.userName, password: suite.cast.member.password },
  );
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
  await expect(card.innerText()).resolves.not.toContain(suite.cast.member.displayName);
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

test("exams composed in the console: draw rules and a fixed paper, the service's refusals under their fields, a short draw refused at publishing", async () => {
  // A bank of three single choices and two true/false questions, written through the REST API (the bank page has its own test).
  const bank = await rest('/question-banks', cityAdmin, { name: '组卷测试题库' });
  for (const [i, stem] of ['党的根本宗旨是？', '党的最高理想和最终目标是？', '党的思想路线是？'].entries()) {
    await rest(`/question-banks/${bank.id}/questions`, cityAdmin, {
      type: 'singleChoice',
      stem,
      options: [
        { key: 'A', text: `正确答案${i}` },
        { key: 'B', text: `干扰项${i}` },
      ],
      correctKeys: ['A'],
    });
  }
  for (const stem of ['党员有权对党的决议提出不同意见。', '预备党员的预备期为一年。']) {
    await rest(`/question-banks/${bank.id}/questions`, cityAdmin, { type: 'trueFalse', stem, correctTruth: true });
  }

  const admin = await staffPage(suite.cast.editor);
  await admin.goto('/console/learning');
  await admin.getByRole('heading', { level: 1, name: '学习培训管理' }).waitFor();
  await admin.getByRole('tab', { name: '考试' }).click();
  await expect(admin.getByText('通过 REST 接口').count()).resolves.toBe(0);

  // Draw rules: two single choices of 10 and two true/false of 5, 30 in all.
  await admin.getByRole('button', { name: '组卷' }).click();
  let dialog = admin.getByRole('dialog', { name: '组卷' });
  await dialog.getByLabel('考试名称').fill('二〇二六年党章知识抽题测试');
  await pickIn(admin, dialog, 'rule-bank-0', /^组卷测试题库/);
  await dialog.getByLabel('题数').fill('2');
  await dialog.getByLabel('每题分值').fill('10');
  await dialog.getByText('组卷测试题库中符合的单选题：3 道').waitFor();
  await dialog.getByRole('button', { name: '添加抽题规则' }).click();
  await pickIn(admin, dialog, 'rule-bank-1', /^组卷测试题库/);
  await pickIn(admin, dialog, 'rule-type-1', '判断题');
  await dialog.locator('#rule-count-1').fill('2');
  await dialog.locator('#rule-score-1').fill('5');
  await dialog.locator('#rule-score-1').blur();
  await dialog.getByRole('status').getByText('共 4 道题，总分 30 分').waitFor();
  await dialog.getByText('组卷测试题库中符合的判断题：2 道').waitFor();
  // A pass mark above the total and a window closing before it opens: the service names both fields.
  await dialog.getByLabel('及格分').fill('40');
  await datetime(dialog, '开考时间', '2026-12-20 09:00:00');
  await datetime(dialog, '截止时间', '2026-12-10 09:00:00');
  await dialog.getByRole('button', { name: '保存草稿' }).click();
  await dialog.getByRole('alert').getByText('请按提示修改后再保存').waitFor();
  await itemOf(admin, dialog, '及格分').getByText('及格分须在 1 分到试卷总分（30 分）之间').waitFor();
  await itemOf(admin, dialog, '截止时间（可选）').getByText('截止时间须晚于开考时间').waitFor();
  expect(await report.capture(admin, 'exam-compose-refused', 'desktop')).toEqual([]);
  await dialog.getByLabel('及格分').fill('24');
  await datetime(dialog, '截止时间', '2026-12-31 18:00:00');
  await dialog.getByRole('button', { name: '保存草稿' }).click();
  await admin.locator('.el-message', { hasText: '已保存考试草稿：二〇二六年党章知识抽题测试' }).waitFor();
  await dialog.waitFor({ state: 'hidden' });
  const drawnRow = admin.locator('.exams .el-table__row', { hasText: '二〇二六年党章知识抽题测试' });
  await expect(drawnRow.innerText()).resolves.toMatch(/单选题 2×10分、判断题 2×5分[\s\S]*2026\/12\/20[\s\S]*24 \/ 30[\s\S]*草稿/);
  await drawnRow.getByRole('button', { name: '发布：二〇二六年党章知识抽题测试' }).click();
  await admin.locator('.el-message', { hasText: '已发布：二〇二六年党章知识抽题测试' }).waitFor();
  await eventually(async () => expect(await drawnRow.innerText()).toContain('已发布'));
  const drawn = (await rest<{ items: Record<string, unknown>[] }>('/exams', cityAdmin, undefined, 'GET')).items.find(
    (e) => e.title === '二〇二六年党章知识抽题测试',
  )!;
  expect(drawn).toMatchObject({
    status: 'published',
    passMark: 24,
    totalScore: 30,
    durationMinutes: 60,
    retakes: 1,
    drawRules: [
      { bankId: bank.id, type: 'singleChoice', knowledgePoint: '', count: 2, score: 10 },
      { bankId: bank.id, type: 'trueFalse', knowledgePoint: '', count: 2, score: 5 },
    ],
  });
  expect(Date.parse(drawn.closesAt as string)).toBeGreaterThan(Date.parse(drawn.opensAt as string));

  // A fixed paper of two questions chosen from the bank.
  await admin.getByRole('button', { name: '组卷' }).click();
  dialog = admin.getByRole('dialog', { name: '组卷' });
  await dialog.getByLabel('考试名称').fill('预备党员固定试卷');
  await dialog.getByText('固定试卷', { exact: true }).click();
  await pickIn(admin, dialog, 'pick-bank', /^组卷测试题库/);
  await dialog.getByRole('button', { name: '选入：党的根本宗旨是？' }).click();
  await dialog.getByRole('button', { name: '选入：预备党员的预备期为一年。' }).click();
  await dialog.getByLabel('第 1 题分值').fill('60');
  await dialog.getByLabel('第 2 题分值').fill('40');
  await dialog.getByLabel('第 2 题分值').blur();
  await dialog.getByRole('status').getByText('共 2 道题，总分 100 分').waitFor();
  expect(await report.capture(admin, 'exam-compose-fixed', 'desktop')).toEqual([]);
  await dialog.getByRole('button', { name: '保存草稿' }).click();
  await admin.locator('.el-message', { hasText: '已保存考试草稿：预备党员固定试卷' }).waitFor();
  await eventually(async () =>
    expect(await admin.locator('.exams .el-table__row', { hasText: '预备党员固定试卷' }).innerText()).toMatch(
      /固定试卷 2 题[\s\S]*不限[\s\S]*60 \/ 100/,
    ),
  );

  // Rules the bank cannot fill save as a draft but are refused at publishing, naming the rule.
  await admin.getByRole('button', { name: '组卷' }).click();
  dialog = admin.getByRole('dialog', { name: '组卷' });
  await dialog.getByLabel('考试名称').fill('判断题专项测试');
  await pickIn(admin, dialog, 'rule-bank-0', /^组卷测试题库/);
  await pickIn(admin, dialog, 'rule-type-0', '判断题');
  await dialog.getByLabel('题数').fill('5');
  await dialog.getByLabel('每题分值').fill('20');
  await dialog.getByLabel('每题分值').blur();
  await dialog.getByText('组卷测试题库中符合的判断题：2 道，不足抽取（发布时会被拒绝）').waitFor();
  await dialog.getByRole('button', { name: '保存草稿' }).click();
  await admin.locator('.el-message', { hasText: '已保存考试草稿：判断题专项测试' }).waitFor();
  await admin.locator('.exams .el-table__row', { hasText: '判断题专项测试' }).getByRole('button', { name: '发布：判断题专项测试' }).click();
  await admin.locator('.el-message', { hasText: '不能发布：第 1 条抽题规则需要 5 道题，题库中只有 2 道符合' }).waitFor();
  expect(await report.capture(admin, 'exams', 'desktop')).toEqual([]);
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test('a member enrolled by an administrator; a second class of the same topic refused as duplicate, enrolled with a reason, then cancelled', async () => {
  const course = (title: string) => ({
    title,
    topic: '基层党建工作实务',
    category: 'professional',
    requirement: 'required',
    audience: { kind: 'allMembers' },
    organiserKind: 'organizationDepartment',
    organiserName: '中共临江市委组织部',
    units: [{ title: '党支部工作条例解读', kind: 'article', minutes: 45 }],
  });
  const first = await rest('/courses', cityAdmin, course('党支部书记基层党建实务培训班'));
  const second = await rest('/courses', cityAdmin, course('基层党建实务网络专题班'));
  for (const c of [first, second]) await rest(`/courses/${c.id}/publish`, cityAdmin, {});
  // Another member than the one whose training record the next test reads (enrolments are trainings too).
  const enrolled = suite.cast.roster[1]!;
  const name = enrolled.name;
  await waitFor(async () => (await get<{ memberId: string }>(suite.platform, `/learners/${enrolled.id}`).catch(() => null)) !== null, {
    timeoutMs: 30_000,
    what: `${name}'s learner record`,
  });

  const admin = await staffPage(suite.cast.editor);
  await admin.goto('/console/learning');
  await admin.getByRole('navigation', { name: '学习培训管理分栏' }).getByRole('link', { name: '报名管理' }).click();
  await admin.getByRole('heading', { level: 1, name: '报名管理' }).waitFor();
  const enrolFor = async (title: string) => {
    await pickIn(admin, admin.locator('main'), 'enrol-course', title);
    await admin.getByText('暂无报名').or(admin.locator('.enrolments .el-table__row').first()).waitFor();
    await pickIn(admin, admin.locator('main'), 'enrol-member', name);
  };
  await enrolFor('党支部书记基层党建实务培训班');
  await admin.getByRole('button', { name: '报名', exact: true }).click();
  await admin.locator('.el-message', { hasText: `已报名：${name}《党支部书记基层党建实务培训班》` }).waitFor();
  const rows = admin.locator('.enrolments .el-table__row');
  await eventually(async () => expect(await rows.first().innerText()).toMatch(new RegExp(`${name}[\\s\\S]*0 / 1 单元[\\s\\S]*学习中`)));
  await admin.getByText('主题：基层党建工作实务 · 已报名 1').waitFor();

  // The same topic while the first class is under way: refused, naming it; enrolled all the same with a reason.
  await enrolFor('基层党建实务网络专题班');
  await admin.getByRole('button', { name: '报名', exact: true }).click();
  const refusal = admin.getByRole('alert').filter({ hasText: '系统判定为重复培训' });
  await refusal.getByText(/系统判定为重复培训（规定期限内同一主题）/).waitFor();
  await expect(refusal.innerText()).resolves.toContain('《党支部书记基层党建实务培训班》，中共临江市委组织部');
  await admin.getByLabel('例外报名理由（记入档案并公开留痕）').fill('网络专题班为培训班的线上补充内容，经市委组织部同意参加。');
  expect(await report.capture(admin, 'enrolment-override', 'desktop')).toEqual([]);
  await admin.getByRole('button', { name: '仍然报名' }).click();
  await admin.locator('.el-message', { hasText: `已例外报名：${name}《基层党建实务网络专题班》` }).waitFor();
  const row = rows.filter({ hasText: name });
  await eventually(async () =>
    expect(await row.innerText()).toContain('例外报名（规定期限内同一主题）：网络专题班为培训班的线上补充内容，经市委组织部同意参加。'),
  );

  await row.getByRole('button', { name: `取消报名：${name}` }).click();
  const prompt = admin.getByRole('dialog', { name: `取消报名：${name}` });
  await prompt.getByRole('textbox').fill('工作调整，改派他人');
  await prompt.getByRole('button', { name: /确定|OK/ }).click();
  await admin.locator('.el-message', { hasText: `已取消报名：${name}` }).waitFor();
  await eventually(async () => expect(await row.innerText()).toContain('已取消'));
  await expect(row.getByRole('button', { name: `取消报名：${name}` }).count()).resolves.toBe(0);
  expect(await report.capture(admin, 'enrolments', 'desktop')).toEqual([]);
  const enrolments = await rest<{ items: { memberId: string; status: string }[] }>(
    `/courses/${second.id}/enrolments`,
    cityAdmin,
    undefined,
    'GET',
  );
  expect(enrolments.items).toEqual([expect.objectContaining({ memberId: enrolled.id, status: 'cancelled' })]);
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test('a training recorded for a cadre; a second of the same topic is refused as duplicate and recorded with a reason', async () => {
  const admin = await staffPage(suite.cast.editor);
  await admin.goto('/console/learning/trainings');
  await admin.getByRole('heading', { level: 1, name: '干部培训档案' }).waitFor();
  await admin.locator('.picker .el-select').click();
  await admin.getByRole('option', { name: suite.cast.branch.name, exact: true }).click();
  await admin.locator('.el-select', { has: admin.getByLabel('党员', { exact: true }) }).click();
  await admin.getByRole('option', { name: suite.cast.member.displayName, exact: true }).click();
  await admin.getByText('暂无培训记录').waitFor();

  async function fill(title: string, from: string, to: string): Promise<void> {
    await admin.getByRole('button', { name: '登记培训' }).click();
    const dialog = admin.getByRole('dialog', { name: `登记培训：${suite.cast.member.displayName}` });
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
  let dialog = admin.getByRole('dialog', { name: `登记培训：${suite.cast.member.displayName}` });
  await dialog.getByRole('button', { name: '登记', exact: true }).click();
  await admin.locator('.el-message', { hasText: '已登记：全省处级干部' }).waitFor();
  await dialog.waitFor({ state: 'hidden' });

  await fill('市直机关学习贯彻二十届四中全会精神轮训', '2025-12-01', '2025-12-02');
  dialog = admin.getByRole('dialog', { name: `登记培训：${suite.cast.member.displayName}` });
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
  await suite.axeAtBothWidths(suite.cast.editor, [
    ['learning', '/console/learning', '学习培训管理'],
    ['enrolments', '/console/learning/enrolments', '报名管理'],
    ['banks', '/console/learning/banks', '题库'],
    ['grading', '/console/learning/grading', '阅卷'],
    ['trainings', '/console/learning/trainings', '干部培训档案'],
  ]);
});
