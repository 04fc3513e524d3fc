/**
 * The learning rules in the console, in headless Chromium against the real platform: a
 * superAdmin adds a conversion table version (a band's hours off the quarter-hour refused under
 * the field) and a requirement set version (a year under way refused under the field) and sees
 * them listed with the one in force marked; turns study points on for an organisation, shown as
 * statistics of the organisation only; a branch secretary records the attendance of an offline
 * session's two days and the enrolment completes. Every page passes axe.
 */
import { bearer, waitFor } from '@repo/testbed';
import type { Page } from 'playwright-core';
import { tokenSecret } from '../../../gateway/test/support';
import { eventually, problemsOf, type Width } from './browser';
import { datetime, itemOf, pickIn } from './forms';
import { get, post, type Person } from './people';
import { browserSuite, consoleServices } from './suite';

jest.setTimeout(150_000);

/** Today and yesterday in the province (UTC+8), as the service counts days. */
const dayOf = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const today = dayOf(Date.now());
const yesterday = dayOf(Date.now() - 86_400_000);
const thisYear = Number(today.slice(0, 4));

let administrator: Person;
let cityAdmin: Record<string, string>;
let secretary: Record<string, string>;
const suite = browserSuite('learning-rules', {
  services: consoleServices,
  people: true,
  ready: async ({ platform, cast }) => {
    const password = 'Rules-Admin-2026x!';
    const created = await post(platform, '/users', {
      userName: 'sun.guanli',
      displayName: '孙管理',
      password,
      roles: ['superAdmin'],
      organizationId: cast.province.id,
    });
    administrator = { userName: 'sun.guanli', password, displayName: '孙管理', id: created.id };
    cityAdmin = bearer({ userId: cast.editor.id, roles: ['orgAdmin'], orgPath: cast.city.path }, tokenSecret);
    secretary = bearer({ userId: cast.secretary.id, roles: ['secretary'], orgPath: cast.branch.path }, tokenSecret);
    // The learning service's copies of the tree and of the branch's members.
    await waitFor(
      async () => (await get<{ enabled: boolean }>(platform, `/organizations/${cast.city.id}/points`).catch(() => null)) !== null,
      {
        timeoutMs: 30_000,
        what: "the learning service's copy of the city",
      },
    );
    for (const member of cast.roster)
      await waitFor(async () => (await get(platform, `/learners/${member.id}`).catch(() => null)) !== null, {
        timeoutMs: 30_000,
        what: `the learner record of ${member.name}`,
      });
  },
});
const { report, open, rest } = suite;
const staffPage = async (person: Person, width: Width = 'desktop'): Promise<Page> => (await suite.staffPage(person, width)).page;
const learningNav = (tab: Page) => tab.getByRole('navigation', { name: '学习培训管理分栏' });

test('a conversion table and a requirement set added with their effective dates, the one in force marked; bad input refused under its field', async () => {
  const admin = await staffPage(administrator);
  await admin.getByRole('link', { name: '学习培训管理' }).click();
  await learningNav(admin).getByRole('link', { name: '学时折算' }).click();
  await admin.getByRole('heading', { level: 1, name: '学时折算表' }).waitFor();
  const tables = admin.locator('.conversion-tables .el-table__row');
  await eventually(async () => expect(await tables.count()).toBe(1));
  await expect(tables.first().innerText()).resolves.toMatch(
    /default[\s\S]*现行[\s\S]*≥30 分钟 1；≥15 分钟 0\.5；其余 0\.25[\s\S]*0\.5[\s\S]*全天 8 · 半天 4/,
  );

  // The new version starts from the one in force; a band of 0.3 学时 is refused by the API under that band.
  const form = admin.locator('fieldset', { hasText: '新增版本' });
  await form.getByLabel('版本号').fill('JC-2026b');
  await datetime(form, '生效日期', today);
  await form.getByLabel('第 3 档：学时').fill('0.3');
  await form.getByLabel('第 3 档：学时').blur();
  await form.getByRole('button', { name: '保存新版本' }).click();
  await form.getByRole('alert').getByText('请按提示修改后再保存').waitFor();
  await itemOf(admin, form, '第 3 档：学时').getByText('学时须为 0.25 的整数倍（按刻计）').waitFor();
  expect(await report.capture(admin, 'conversion-refused', 'desktop')).toEqual([]);
  await expect(tables.count()).resolves.toBe(1);

  await form.getByLabel('第 3 档：学时').fill('0.5');
  await form.getByLabel('集中培训半天（学时）').fill('4.25');
  await form.getByLabel('集中培训半天（学时）').blur();
  await form.getByLabel('依据').fill('省委组织部关于调整网络学习学时折算的通知（试行）');
  await form.getByRole('button', { name: '保存新版本' }).click();
  await admin.locator('.el-message', { hasText: `已新增折算表 JC-2026b，${today} 起施行` }).waitFor();
  await eventually(async () => expect(await tables.count()).toBe(2));
  await expect(tables.nth(0).innerText()).resolves.toMatch(/JC-2026b[\s\S]*现行[\s\S]*其余 0\.5[\s\S]*全天 8 · 半天 4\.25/);
  await expect(tables.nth(1).innerText()).resolves.toMatch(/default[\s\S]*已停用/);
  expect(await report.capture(admin, 'conversion-tables', 'desktop')).toEqual([]);
  const stored = await rest<{ items: { version: string; offlineHalfDay: number }[] }>(
    '/learning/conversion-tables',
    cityAdmin,
    undefined,
    'GET',
  );
  expect(stored.items.map((t) => [t.version, t.offlineHalfDay])).toEqual([
    ['default', 4],
    ['JC-2026b', 4.25],
  ]);

  // Requirements: this year is under way, so a set for it is refused under the year.
  await learningNav(admin).getByRole('link', { name: '学时要求' }).click();
  await admin.getByRole('heading', { level: 1, name: '学时要求' }).waitFor();
  const sets = admin.locator('.requirement-sets .el-table__row');
  await eventually(async () => expect(await sets.count()).toBe(1));
  await expect(sets.first().innerText()).resolves.toMatch(
    /default[\s\S]*现行[\s\S]*党员每年学习培训不少于32学时[\s\S]*连续 5 年累计不少于 550 学时/,
  );
  const setForm = admin.locator('fieldset.new-version');
  await setForm.getByLabel('版本号').fill('JC-next');
  await setForm.getByLabel('起考年度（自该年 1 月 1 日起）').fill(String(thisYear));
  await setForm.getByLabel('第 1 条名称').fill('党员每年学习培训不少于40学时');
  await setForm.locator('#rs-min-0').fill('40');
  await setForm.locator('#rs-min-0').blur();
  await setForm.getByRole('button', { name: '保存新版本' }).click();
  await itemOf(admin, setForm, '起考年度').getByText('要求须从以后某年的 1 月 1 日起施行：不能改变本年度正在考核的目标').waitFor();
  expect(await report.capture(admin, 'requirement-refused', 'desktop')).toEqual([]);

  await setForm.getByLabel('起考年度（自该年 1 月 1 日起）').fill(String(thisYear + 1));
  await setForm.getByLabel('起考年度（自该年 1 月 1 日起）').blur();
  await setForm.getByRole('button', { name: '保存新版本' }).click();
  await admin.locator('.el-message', { hasText: `已新增学时要求 JC-next，自 ${thisYear + 1} 年度起考核` }).waitFor();
  await eventually(async () => expect(await sets.count()).toBe(2));
  await expect(sets.nth(0).innerText()).resolves.toMatch(
    new RegExp(`JC-next[\\s\\S]*待生效[\\s\\S]*${thisYear + 1} 年起[\\s\\S]*党员每年学习培训不少于40学时[\\s\\S]*每年不少于 40 学时`),
  );
  await expect(sets.nth(1).innerText()).resolves.toMatch(/default[\s\S]*现行/);
  expect(await report.capture(admin, 'requirement-sets', 'desktop')).toEqual([]);
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test('study points: off until an organisation turns them on, shown as its statistics only; controls only for those who may', async () => {
  const admin = await staffPage(administrator);
  await admin.goto('/console/learning/points');
  await admin.getByRole('heading', { level: 1, name: '学习积分' }).waitFor();
  await admin.getByRole('note', { name: '积分说明' }).getByText('学习积分默认关闭。').waitFor();
  await pickIn(admin, admin.locator('main'), 'points-org', suite.cast.city.name);
  const state = admin.getByRole('status').filter({ hasText: '积分：' });
  await state.getByText('未开启', { exact: true }).waitFor();
  await state.getByText('本组织及上级组织均未开启，党员学习不计积分').waitFor();
  await admin.getByRole('button', { name: `为${suite.cast.city.name}开启积分` }).click();
  await admin.locator('.el-message', { hasText: `${suite.cast.city.name}已开启学习积分` }).waitFor();
  await state.getByText('已开启', { exact: true }).waitFor();
  await state.getByText(`${thisYear} 年：参与 0 人，合计 0 分（含下级组织）`).waitFor();
  await admin.getByRole('button', { name: `为${suite.cast.city.name}关闭积分` }).waitFor();
  const rules = admin.locator('.points-rules .el-table__row');
  await eventually(async () => expect(await rules.count()).toBe(1));
  await expect(rules.first().innerText()).resolves.toMatch(/default[\s\S]*现行[\s\S]*完成一个学习单元 1 分，每日至多 20 分[\s\S]*25 分/);
  // Statistics per organisation: no person's name anywhere on the page.
  for (const member of suite.cast.roster) await expect(admin.locator('main').innerText()).resolves.not.toContain(member.name);
  expect(await report.capture(admin, 'points', 'desktop')).toEqual([]);
  // Below the city, a branch that set nothing itself has them too.
  await expect(
    rest<{ enabled: boolean }>(`/organizations/${suite.cast.branch.id}/points`, cityAdmin, undefined, 'GET'),
  ).resolves.toMatchObject({ enabled: true });

  // A secretary reads the statistics and the rules, and switches and adds nothing.
  const reader = await staffPage(suite.cast.secretary);
  await reader.goto('/console/learning/points');
  await reader.getByRole('heading', { level: 1, name: '学习积分' }).waitFor();
  await reader.getByRole('status').filter({ hasText: '积分：' }).getByText('已开启', { exact: true }).waitFor();
  await expect(reader.getByRole('button', { name: /开启积分|关闭积分|保存新版本/ }).count()).resolves.toBe(0);
  await reader.goto('/console/learning/conversion-tables');
  await reader.getByText('新增折算表须由超级管理员办理。').waitFor();
  await expect(reader.getByRole('button', { name: '保存新版本' }).count()).resolves.toBe(0);
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test("a secretary records who attended an offline session's days; the enrolment's progress and hours follow, then it completes", async () => {
  const created = await rest('/courses', secretary, {
    title: '基层党组织书记集中轮训',
    topic: '基层党组织建设',
    category: 'partySpirit',
    requirement: 'required',
    audience: { kind: 'allMembers' },
    organiserKind: 'organizationDepartment',
    organiserName: '中共临江市委组织部',
    units: [
      {
        title: '集中轮训',
        kind: 'offlineSession',
        place: '临江市委党校',
        days: [
          { date: yesterday, part: 'fullDay' },
          { date: today, part: 'halfDay' },
        ],
      },
    ],
  });
  await rest(`/courses/${created.id}/publish`, cityAdmin, {});
  const [own, other] = suite.cast.roster;
  for (const member of [own!, other!]) await rest(`/courses/${created.id}/enrolments`, secretary, { memberId: member.id });

  const organiser = await staffPage(suite.cast.secretary);
  await organiser.goto('/console/learning/enrolments');
  await organiser.getByRole('heading', { level: 1, name: '报名管理' }).waitFor();
  const rows = organiser.locator('.enrolments .el-table__row');
  await eventually(async () => expect(await rows.count()).toBe(2));
  const attendance = organiser.locator('fieldset', { hasText: '集中培训考勤' });
  // The latest day that has come is offered first; the day before is chosen.
  await expect(attendance.locator('.el-select', { has: organiser.locator('#attend-day') }).innerText()).resolves.toContain(`${today} 半天`);
  await pickIn(organiser, attendance, 'attend-day', `${yesterday} 全天`);
  await attendance.getByRole('button', { name: '全部出席' }).click();
  await attendance.getByRole('button', { name: '登记考勤（2 人）' }).click();
  await organiser.locator('.el-message', { hasText: `已登记 ${yesterday} 考勤：2 人` }).waitFor();
  const ownRow = rows.filter({ hasText: own!.name });
  await eventually(async () =>
    expect(await ownRow.innerText()).toMatch(/0 \/ 1 单元[\s\S]*集中轮训：出勤 1 \/ 2 天[\s\S]*\b8\b[\s\S]*学习中/),
  );
  await attendance.getByText(`${own!.name}（已登记）`).waitFor();

  // The second day, a half day: only one of them was there. Today's half day earns 4.25 by the
  // table the first test put in force today, yesterday's full day 8 by the one in force then.
  await pickIn(organiser, attendance, 'attend-day', `${today} 半天`);
  await attendance.locator('.el-checkbox', { hasText: own!.name }).click();
  expect(await report.capture(organiser, 'attendance', 'desktop')).toEqual([]);
  await attendance.getByRole('button', { name: '登记考勤（1 人）' }).click();
  await organiser.locator('.el-message', { hasText: `已登记 ${today} 考勤：1 人` }).waitFor();
  await eventually(async () =>
    expect(await ownRow.innerText()).toMatch(/1 \/ 1 单元[\s\S]*集中轮训：出勤 2 \/ 2 天[\s\S]*12\.25[\s\S]*已完成/),
  );
  const otherRow = rows.filter({ hasText: other!.name });
  await expect(otherRow.innerText()).resolves.toMatch(/集中轮训：出勤 1 \/ 2 天[\s\S]*\b8\b[\s\S]*学习中/);
  await expect(attendance.getByRole('checkbox', { name: `${own!.name}（已登记）` }).isDisabled()).resolves.toBe(true);
  expect(await report.capture(organiser, 'attendance-recorded', 'desktop')).toEqual([]);
  await expect(
    rest<{ status: string; hours: number }>(`/enrolments/${created.id}:${own!.id}`, secretary, undefined, 'GET'),
  ).resolves.toMatchObject({ status: 'completed', hours: 12.25 });
  expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
});

test('the rule pages pass axe at phone and desktop widths', async () => {
  await suite.axeAtBothWidths(administrator, [
    ['conversion-tables', '/console/learning/conversion-tables', '学时折算表'],
    ['requirement-sets', '/console/learning/requirement-sets', '学时要求'],
    ['points', '/console/learning/points', '学习积分'],
  ]);
});
