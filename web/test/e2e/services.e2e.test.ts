/**
 * The pages of the learning, feedback and supervision services in headless Chromium against the
 * real platform (member, feedback, learning and supervision services): a citizen writes a message
 * on a phone, staff accept and answer it in the console, and the citizen follows it by its code
 * and rates the reply; a member enrols, finishes a unit and sees their class hours; a member takes
 * an exam on the server's clock; the published notices and power lists; axe on every new page at
 * both widths.
 */
import { bearer, waitFor } from '@repo/testbed';
import { tokenSecret } from '../../../gateway/test/support';
import { problemsOf, widths, type Width } from './browser';
import { get } from './people';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

/**
 * The feedback service runs on a clock fixed to a Monday of 2026 plus the time the test has run:
 * its deadlines are counted on the working-day calendar, which declares whole years only, so a
 * run in late December would otherwise reach a year it lacks. The console's browser runs on the
 * same clock, so the deadlines it colours are as the service sees them.
 */
const feedbackStart = new Date('2026-09-07T09:00:00+08:00').getTime();
const testStart = Date.now();
const feedbackNow = () => new Date(feedbackStart + (Date.now() - testStart));

let cityAdmin: Record<string, string>;
let inspectorToken: Record<string, string>;
const suite = browserSuite('services', {
  services: consoleServices,
  appOptions: { feedback: { clock: feedbackNow } },
  people: true,
  ready: async ({ platform, cast }) => {
    cityAdmin = bearer({ userId: cast.editor.id, roles: ['orgAdmin'], orgPath: cast.city.path }, tokenSecret);
    inspectorToken = bearer({ userId: cast.inspector.id, roles: ['inspector'], orgPath: cast.province.path }, tokenSecret);
    // The other services learn the tree and the member's account from the member service's events.
    await waitFor(
      async () => {
        const answer = await fetch(`${platform.baseUrl}/api/v1/message-recipients?parentId=${cast.province.id}`);
        return answer.ok && ((await answer.json()) as { organizations: { id: string }[] }).organizations.some((o) => o.id === cast.city.id);
      },
      { timeoutMs: 30_000, what: 'the tree in the feedback service' },
    );
    await waitFor(
      async () =>
        (await get<{ userId: string }>(platform, `/learners/${cast.member.memberId}`).catch(() => ({ userId: '' }))).userId ===
        cast.member.id,
      { timeoutMs: 30_000, what: "the member's learner record linked to their account" },
    );
  },
});
const { report, page, signIn, rest } = suite;

const subject = '滨江路小区门口积水';

test('a citizen writes a message, staff accept and answer it in the console, the citizen rates the reply', async () => {
  const citizen = await page('phone');
  await citizen.page.goto('/messages');
  await citizen.page.getByRole('heading', { level: 1, name: '留言板' }).waitFor();
  await citizen.page.getByRole('link', { name: '我要留言' }).first().click();
  await citizen.page.getByRole('heading', { level: 1, name: '我要留言' }).waitFor();
  await citizen.page.getByLabel('留言类型').selectOption({ label: '投诉' });
  await citizen.page.getByLabel('所属领域').selectOption({ index: 0 });
  await citizen.page.getByLabel('受理单位').selectOption({ label: suite.cast.province.name });
  await citizen.page.getByLabel('下级单位（可选）').selectOption({ label: suite.cast.city.name });
  await citizen.page.getByLabel('标题').fill(subject);
  // What people write is shown as text: markup in it is never run.
  await citizen.page
    .getByLabel('留言内容')
    .fill('每逢下雨积水没过脚踝，老人孩子出行困难。<img src=x onerror="window.__pwned=1">\n请尽快修缮排水设施。');
  await citizen.page.getByLabel('事发地点').fill('临江市滨江路');
  await citizen.page.getByLabel('联系方式').fill('13900139000');
  await citizen.page.getByLabel('称呼（可选）').fill('王先生');
  expect(await report.capture(citizen.page, 'message-write', 'phone')).toEqual([]);
  await citizen.page.getByRole('button', { name: '提交留言' }).click();
  const code = (await citizen.page.getByTestId('tracking-code').innerText()).trim();
  expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){2,3}$/);
  expect(await report.capture(citizen.page, 'message-written', 'phone')).toEqual([]);

  // The city's administrator accepts it and replies, at a desk.
  const staff = await page('desktop');
  await staff.context.clock.install({ time: feedbackNow() });
  await signIn(staff.page, suite.cast.editor, /\/console\/dashboard$/);
  await staff.page.getByRole('link', { name: '留言办理' }).click();
  const row = staff.page.locator('.el-table__row', { hasText: subject });
  await row.waitFor();
  // Within its one working day to be accepted: the deadline is not near yet.
  await expect(row.locator('.pb-tag').first().innerText()).resolves.toBe('正常');
  await row.getByRole('button', { name: `受理：${subject}` }).click();
  const accept = staff.page.getByRole('dialog', { name: `受理：${subject}` });
  await expect(accept.innerText()).resolves.toContain('13900139000');
  await accept.getByRole('button', { name: '确定受理' }).click();
  await staff.page.getByText(`已受理：${subject}`).waitFor();
  await staff.page.getByRole('tab', { name: '已受理' }).click();
  await row.getByRole('button', { name: `答复：${subject}` }).waitFor();
  expect(await report.capture(staff.page, 'feedback-queue', 'desktop')).toEqual([]);
  await row.getByRole('button', { name: `答复：${subject}` }).click();
  const reply = staff.page.getByRole('dialog', { name: `答复：${subject}` });
  await reply.getByLabel('答复内容（提交后即公开）').fill('经核实，已安排市政部门于本周疏通滨江路排水管网，并增设雨水篦子两处。');
  expect(await report.capture(staff.page, 'feedback-reply', 'desktop')).toEqual([]);
  await reply.getByRole('button', { name: '确定答复' }).click();
  await staff.page.getByText(`已答复：${subject}`).waitFor();

  // The citizen follows it by the code and the contact, and rates the reply on both axes and overall.
  await citizen.page.getByRole('link', { name: '查询办理进度' }).click();
  await expect(citizen.page.getByLabel('查询码').inputValue()).resolves.toBe(code);
  await citizen.page.getByLabel('留言时填写的联系方式').fill('13900139000');
  await citizen.page.getByRole('button', { name: '查询' }).click();
  await citizen.page.getByText('已安排市政部门于本周疏通滨江路排水管网').waitFor();
  await citizen.page.getByRole('group', { name: '办理态度' }).getByText('5 星').click();
  await citizen.page.getByRole('group', { name: '办理速度' }).getByText('4 星').click();
  await citizen.page.getByLabel('总体评价').selectOption({ label: '满意' });
  expect(await report.capture(citizen.page, 'message-rate', 'phone')).toEqual([]);
  await citizen.page.getByRole('button', { name: '提交评价' }).click();
  await citizen.page.getByText('感谢您的评价，留言已办结。').waitFor();
  await citizen.page.getByText('办理态度 5 星，办理速度 4 星，总体 满意').waitFor();

  // On the public board, with its reply and the writer's rating; the markup is text.
  await citizen.page.goto('/messages?replied=1');
  await citizen.page.getByRole('link', { name: subject }).click();
  await citizen.page.getByRole('heading', { level: 1, name: subject }).waitFor();
  await citizen.page.getByText('留言人评价：满意').waitFor();
  await expect(citizen.page.locator('article').innerText()).resolves.toContain('<img src=x onerror="window.__pwned=1">');
  expect(await citizen.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await report.capture(citizen.page, 'message-detail', 'phone')).toEqual([]);
  for (const watched of [citizen, staff]) expect(await problemsOf(watched)).toEqual([]);
});

test('a member enrols in a course, finishes its unit and sees their class hours', async () => {
  const title = '学习贯彻党的二十届四中全会精神';
  const course = await rest('/courses', cityAdmin, {
    title,
    topic: '二十届四中全会精神',
    category: 'theory',
    requirement: 'required',
    audience: { kind: 'allMembers' },
    organiserKind: 'organizationDepartment',
    organiserName: '中共临江市委组织部',
    summary: '全会公报和《建议》的学习辅导。',
    units: [{ title: '全会公报解读', kind: 'article', minutes: 40 }],
  });
  await rest(`/courses/${course.id}/publish`, cityAdmin);

  const member = await page('phone');
  await signIn(member.page, suite.cast.member, /\/me$/);
  await member.page.getByRole('link', { name: /我的课程/ }).click();
  await member.page.getByRole('heading', { level: 3, name: title }).waitFor();
  expect(await report.capture(member.page, 'my-courses-enrol', 'phone')).toEqual([]);
  await member.page.getByRole('button', { name: `报名学习《${title}》` }).click();
  await member.page.getByRole('heading', { level: 1, name: title }).waitFor();
  await member.page.getByRole('button', { name: '开始学习：全会公报解读' }).click();
  expect(await report.capture(member.page, 'course-study', 'phone')).toEqual([]);
  await member.page.getByRole('button', { name: '我已读完' }).click();
  // 40 minutes of reading earn 1 class hour by the conversion table in force.
  await member.page.getByText('恭喜，课程已全部学完，获得 1 学时').waitFor();
  await member.page.getByText('已完成 · 1 学时').waitFor();

  await member.page.goto('/me/hours');
  await expect(member.page.getByTestId('hours-total').innerText()).resolves.toMatch(/^1\s*学时/);
  await member.page.getByText('全会公报解读').waitFor();
  expect(await report.capture(member.page, 'my-hours-earned', 'phone')).toEqual([]);
  await member.page.goto('/me/courses');
  await member.page.getByText('已得 1 / 1 学时').waitFor();
  expect(await problemsOf(member)).toEqual([]);
});

test('a member takes an exam: the countdown runs to the paper deadline the server set, the paper is graded on handing in', async () => {
  const bank = await rest('/question-banks', cityAdmin, { name: '党章党规知识题库' });
  const single = await rest(`/question-banks/${bank.id}/questions`, cityAdmin, {
    type: 'singleChoice',
    stem: '党的最高领导机关是？',
    options: [
      { key: 'A', text: '党的全国代表大会和它所产生的中央委员会' },
      { key: 'B', text: '中央政治局' },
    ],
    correctKeys: ['A'],
  });
  const truth = await rest(`/question-banks/${bank.id}/questions`, cityAdmin, {
    type: 'trueFalse',
    stem: '党支部党员大会一般每季度召开一次。',
    correctTruth: true,
  });
  const exam = await rest('/exams', cityAdmin, {
    title: '党章党规知识测试',
    fixedQuestions: [
      { questionId: single.id, score: 50 },
      { questionId: truth.id, score: 50 },
    ],
    durationMinutes: 30,
    passMark: 60,
    retakes: 1,
  });
  await rest(`/exams/${exam.id}/publish`, cityAdmin);

  const member = await page('phone');
  await signIn(member.page, suite.cast.member, /\/me$/);
  await member.page.goto(`/me/exams/${exam.id}`);
  await member.page.getByRole('heading', { level: 1, name: '党章党规知识测试' }).waitFor();
  await member.page.getByRole('button', { name: '开始考试' }).click();
  // Thirty minutes from the server's start, less the seconds the page took.
  const left = await member.page.getByRole('timer').innerText();
  expect(left).toMatch(/剩余时间 (29|30):\d\d/);
  await member.page
    .getByRole('group', { name: /党的最高领导机关/ })
    .getByText('A. 党的全国代表大会')
    .click();
  await member.page
    .getByRole('group', { name: /每季度召开一次/ })
    .getByText('正确')
    .click();
  await member.page.getByText('已答 2 / 2 题').waitFor();
  expect(await report.capture(member.page, 'exam', 'phone')).toEqual([]);
  await member.page.getByRole('button', { name: '交卷' }).click();
  await member.page.getByText('考试通过').waitFor();
  await expect(member.page.getByRole('status').innerText()).resolves.toContain('得分 100 / 100');
  expect(await problemsOf(member)).toEqual([]);
});

test('published notices and power lists, and every new page passes axe at both widths', async () => {
  // A case decided last month, its monthly notice drafted, reviewed by another inspector, published.
  const month = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const decidedAt = `${month}-15`;
  const found = await rest('/cases', inspectorToken, {
    number: `临纪案〔${month.slice(0, 4)}〕${Math.random().toString(36).slice(2, 6)}号`,
    organizationId: suite.cast.branch.id,
    category: 'banqueting',
    summary: '违规接受管理服务对象宴请',
    foundAt: `${month}-02`,
    persons: [{ name: '孙某', post: '临江市教育局某科科长', level: 'townshipAndBelow' }],
  });
  await rest<{ revision: number }>(`/cases/${found.id}/decision`, inspectorToken, { decidedAt, decisions: [{ partySanction: 'warning' }] });
  const notice = await rest('/notices', inspectorToken, { kind: 'monthly', organizationId: suite.cast.city.id, month });
  const otherInspector = bearer({ userId: 'web-test-inspector-2', roles: ['inspector'], orgPath: suite.cast.province.path }, tokenSecret);
  await rest(`/notices/${notice.id}/review`, otherInspector, { note: '核对无误' });
  await rest(`/notices/${notice.id}/publish`, inspectorToken);
  const item = await rest('/power-items', cityAdmin, {
    organizationId: suite.cast.branch.id,
    post: '党支部书记',
    content: {
      name: '发展党员',
      kind: 'publicPower',
      responsibleBody: '党支部',
      basis: [{ document: '《中国共产党发展党员工作细则》', article: '第十六条' }],
      process: [
        { name: '支部委员会审查', actor: '党支部委员会', timeLimitDays: 10 },
        { name: '支部党员大会讨论', actor: '党支部党员大会', timeLimitDays: 20 },
      ],
      publicity: { content: '拟发展对象名单', channel: '党务公开栏', timing: '讨论前5个工作日' },
      accountability: '违规发展党员的，依规依纪追究责任',
    },
  });
  await rest(`/power-items/${item.id}/publish`, cityAdmin);

  const publicPages = [
    { name: 'message-board', path: '/messages', heading: '留言板' },
    { name: 'message-new', path: '/messages/new', heading: '我要留言' },
    { name: 'message-track', path: '/messages/track', heading: '查询我的留言' },
    { name: 'notices', path: '/notices', heading: '纪律通报' },
    { name: 'notice', path: `/notices/${notice.id}`, heading: /查处违反中央八项规定精神问题汇总表/ },
    { name: 'power-lists', path: '/power-lists', heading: '权力清单' },
    { name: 'power-item', path: `/power-lists/${item.id}`, heading: '发展党员' },
  ];
  const memberPages = [
    // Each page's data, once shown: axe looks at the page as people read it.
    { name: 'my-courses', path: '/me/courses', heading: '我的课程', ready: '.pb-card' },
    { name: 'my-hours', path: '/me/hours', heading: '我的学时', ready: '[data-testid="hours-total"]' },
    { name: 'my-trainings', path: '/me/trainings', heading: '我的培训档案', ready: '.pb-card, [role="status"]' },
  ];
  const consolePages = [
    { name: 'console-feedback', path: '/console/feedback', heading: '留言办理' },
    { name: 'console-learning', path: '/console/learning', heading: '学习培训管理' },
    { name: 'console-supervision', path: '/console/supervision', heading: '监督执纪' },
  ];
  for (const width of Object.keys(widths) as Width[]) {
    const anyone = await page(width);
    for (const p of publicPages) {
      await anyone.page.goto(p.path);
      await anyone.page.getByRole('heading', { level: 1, name: p.heading }).waitFor();
      if (p.name === 'notice') await anyone.page.getByRole('table').waitFor();
      if (p.name === 'notices') await anyone.page.getByRole('link', { name: /查处违反中央八项规定精神问题汇总表/ }).waitFor();
      if (p.name === 'power-lists') await anyone.page.getByRole('link', { name: '发展党员' }).waitFor();
      expect({ page: p.name, width, findings: await report.capture(anyone.page, p.name, width) }).toEqual({
        page: p.name,
        width,
        findings: [],
      });
    }
    const member = await page(width);
    await signIn(member.page, suite.cast.member, /\/me$/);
    for (const p of memberPages) {
      await member.page.goto(p.path);
      await member.page.getByRole('heading', { level: 1, name: p.heading }).waitFor();
      await member.page.locator(p.ready).first().waitFor();
      expect({ page: p.name, width, findings: await report.capture(member.page, p.name, width) }).toEqual({
        page: p.name,
        width,
        findings: [],
      });
    }
    const inspector = await page(width);
    await signIn(inspector.page, suite.cast.inspector, /\/console\/dashboard$/);
    // The dashboard's cards from every service, none refused or failed.
    for (const heading of [/^三会一课/, '党费欠缴', /^学时达标/, /^留言办理（/, '预警']) {
      await inspector.page.getByRole('heading', { level: 2, name: heading }).waitFor();
    }
    expect(await inspector.page.locator('.el-alert').allInnerTexts()).toEqual([]);
    expect({ page: 'console-dashboard', width, findings: await report.capture(inspector.page, 'console-dashboard', width) }).toEqual({
      page: 'console-dashboard',
      width,
      findings: [],
    });
    for (const p of consolePages) {
      // Through the menu, as people move about the console (no reload, no new session refresh).
      await inspector.page.getByRole('navigation', { name: '工作台菜单' }).getByRole('link', { name: p.heading }).click();
      await inspector.page.waitForURL(new RegExp(`${p.path}$`));
      await inspector.page.getByRole('heading', { level: 1, name: p.heading }).waitFor();
      if (p.name === 'console-supervision') await inspector.page.getByRole('heading', { name: '最新检查点' }).waitFor();
      expect({ page: p.name, width, findings: await report.capture(inspector.page, p.name, width) }).toEqual({
        page: p.name,
        width,
        findings: [],
      });
    }
    if (width === 'desktop') {
      for (const tab of ['案件', '通报', '预警']) {
        await inspector.page.getByRole('tab', { name: tab }).click();
        await inspector.page.locator('.el-tab-pane:not([style*="display: none"]) .el-table').waitFor();
        expect({ tab, findings: await report.capture(inspector.page, `console-supervision-${tab}`, width) }).toEqual({ tab, findings: [] });
      }
    }
    for (const watched of [anyone, member, inspector]) expect(await problemsOf(watched)).toEqual([]);
  }
});
