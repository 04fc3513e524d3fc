import { domainErrorOf } from '@repo/errors/testing';
import { assertMayTake, assertSees } from '../../src/domain/access';
import { similarity } from '../../src/domain/duplicates';
import {
  displayTrackingCode,
  maskContact,
  newTrackingCode,
  normalizeContact,
  normalizeTrackingCode,
  validateDraft,
} from '../../src/domain/message';
import { parseSensitiveWords, SensitiveWordScreen } from '../../src/domain/screen';
import { figuresOf, percentile, sumTallies, tallyOf } from '../../src/domain/statistics';
import { publicView, trackedView } from '../../src/domain/views';
import * as workflow from '../../src/domain/workflow';
import { after, cityCommittee, ctx, district, domains, draft, staff, written } from './fixtures';

describe('what a writer sends', () => {
  test('every bad field is named at once', () => {
    const error = domainErrorOf(() =>
      validateDraft(
        draft({ type: 'praise', domain: '天文', organizationId: '', subject: ' ', body: '字'.repeat(3001), region: '', contact: '12345' }),
        domains,
      ),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({
      type: 'must be one of thanks, suggestion, help, complaint, consultation',
      domain: 'must be one of 城建, 交通, 教育, 其他',
      organizationId: 'is required unless leaderPostId names a leader post',
      subject: 'is required',
      body: 'must be at most 3000 characters',
      region: 'is required',
      contact: 'must be a mobile number, a landline with its area code, or an e-mail address',
    });
    expect(domainErrorOf(() => validateDraft(draft({ contact: '' }), domains)).details).toEqual({
      contact: 'is required: a phone number or an e-mail address',
    });
    expect(domainErrorOf(() => validateDraft(draft({ leaderPostId: 'p1' }), domains)).details).toEqual({
      leaderPostId: 'give either organizationId or leaderPostId, not both',
    });
  });

  test('text is kept as written, trimmed; markup is text like any other', () => {
    const valid = validateDraft(draft({ subject: '  <script>alert(1)</script>  ', body: '<img src=x onerror=alert(1)>' }), domains);
    expect(valid.subject).toBe('<script>alert(1)</script>');
    expect(valid.body).toBe('<img src=x onerror=alert(1)>');
  });

  test('contacts: mobiles with +86 and separators, landlines with area codes, e-mail in lower case', () => {
    expect(normalizeContact('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizeContact('0871-6512 3456')).toBe('087165123456');
    expect(normalizeContact(' Wang.Li@Example.COM ')).toBe('wang.li@example.com');
    for (const bad of ['12800138000', '1380013800', '6512345', 'wang@', 'a@b.c']) expect(normalizeContact(bad)).toBeUndefined();
    expect(maskContact('13800138000')).toBe('138****8000');
    expect(maskContact('wang.li@example.com')).toBe('w***@example.com');
  });

  test('tracking codes: 12 characters read aloud safely, typed back in any case and grouping', () => {
    const code = newTrackingCode();
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{12}$/);
    expect(displayTrackingCode(code)).toMatch(/^.{4}-.{4}-.{4}$/);
    expect(normalizeTrackingCode(displayTrackingCode(code).toLowerCase())).toBe(code);
    expect(normalizeTrackingCode('ABCD-EFGH-IJKL')).toBeUndefined(); // I and L are not used
    expect(normalizeTrackingCode('ABCD')).toBeUndefined();
  });
});

describe('the sensitive-word screen', () => {
  const screen = new SensitiveWordScreen(parseSensitiveWords('# comment\n傻逼 辱骂\n代開發票 广告\n杀了你\n', 'words.txt'));

  test('finds a word however it is spaced, punctuated, written traditional or full width', () => {
    expect(screen.hits('你这个傻 逼')).toEqual(['傻逼（辱骂）']);
    expect(screen.hits('傻*逼', '')).toEqual(['傻逼（辱骂）']);
    expect(screen.hits('专业代开发票')).toEqual(['代开发票（广告）']);
    expect(screen.hits('正常的留言', '再不修我就杀了你')).toEqual(['杀了你']);
    expect(screen.hits('小区道路积水')).toEqual([]);
  });

  test('a malformed list is refused naming the line', () => {
    expect(() => parseSensitiveWords('好词\n坏 词 多余\n', 'words.txt')).toThrow(
      'words.txt:2: expected "word [category]", got "坏 词 多余"',
    );
    expect(() => parseSensitiveWords('!!!\n', 'words.txt')).toThrow('words.txt:1');
  });

  test('the shipped list parses', () => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    expect(
      parseSensitiveWords(readFileSync(`${__dirname}/../../dict/sensitive-words.txt`, 'utf8'), 'sensitive-words.txt').length,
    ).toBeGreaterThan(10);
  });
});

describe('likely duplicates', () => {
  test('the same matter reworded scores high, another matter low', () => {
    const first = '小区门口道路积水严重\n滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。';
    const again = '小区门口积水严重！\n滨江路小区门口每次下雨积水都没过脚踝，请尽快修缮排水设施';
    const other = '学校周边交通拥堵\n希望上下学时段增派交警疏导。';
    expect(similarity(first, again)).toBeGreaterThan(0.7);
    expect(similarity(first, other)).toBeLessThan(0.1);
    expect(similarity(first, first)).toBe(1);
    expect(similarity('', '')).toBe(0);
  });
});

describe('statistics add up exactly', () => {
  test('percentiles by nearest rank', () => {
    expect(percentile({}, 50)).toBe(0);
    expect(percentile({ '3': 1 }, 90)).toBe(3);
    // 1, 2, 2, 4, 9: p50 is the 3rd value, p90 the 5th.
    const histogram = { '1': 1, '2': 2, '4': 1, '9': 1 };
    expect(percentile(histogram, 50)).toBe(2);
    expect(percentile(histogram, 90)).toBe(9);
    expect(percentile(histogram, 80)).toBe(4);
  });

  test('a returned or merged message is written, not received; rates divide as defined', () => {
    const city = (local: string) => ctx(local, staff(cityCommittee));
    const replied = after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), ''),
      (m) => workflow.reply(m, city('2026-10-12 14:00'), '答复'),
      (m) =>
        workflow.rate(m, ctx('2026-10-13 09:00', workflow.writerActor), { attitude: 2, speed: 3, overall: 'dissatisfied', comment: '' }),
    );
    const returned = workflow.returnMessage(written('2026-09-30 11:00'), city('2026-10-08 09:00'), 'abusive', '辱骂').next;
    const overdue = { ...written('2026-09-30 12:00') };
    overdue.acceptance = { ...overdue.acceptance, overdueAt: '2026-10-09T00:00:00.000Z' };
    const pending = written('2026-10-08 12:00');
    const total = sumTallies([replied, returned, overdue, pending].map(tallyOf));
    expect(total).toMatchObject({
      submitted: 4,
      received: 3,
      returned: 1,
      merged: 0,
      replied: 1,
      repliedOnTime: 1,
      overdue: 1,
      ratings: 1,
      satisfied: 0,
      unsatisfied: 1,
      revisited: 0,
    });
    expect(total.handlingDays).toEqual({ '4': 1 });
    const figures = figuresOf(total);
    expect(figures).toMatchObject({
      replyRate: 1 / 3,
      onTimeRate: 1 / 2,
      handlingDaysP50: 4,
      handlingDaysP90: 4,
      satisfaction: 0,
      attitudeStars: 2,
      speedStars: 3,
      revisitRate: 0,
    });
    expect(figuresOf(sumTallies([]))).toMatchObject({ replyRate: 0, onTimeRate: 0, satisfaction: 0, revisitRate: 0 });
  });
});

describe('what each audience sees', () => {
  const city = (local: string) => ctx(local, staff(cityCommittee));
  const replied = () =>
    after(
      written('2026-09-30 10:00'),
      (m) => workflow.accept(m, city('2026-10-08 09:00'), '内部备注：已电话核实'),
      (m) => workflow.assign(m, city('2026-10-08 10:00'), district, '内部：请区里办'),
      (m) => workflow.extend(m, ctx('2026-10-09 09:00', staff(district)), 3, '需协调供水公司'),
      (m) => workflow.reply(m, ctx('2026-10-12 14:00', staff(district)), '已组织维修。'),
    );

  test('the public: no contact, no writer, no actors, no internal notes; the extension’s reason is public', () => {
    const view = publicView(replied(), 2);
    const json = JSON.stringify(view);
    for (const secret of ['13800138000', '王先生', 'staff-c1', 'staff-d1', '内部', 'writer']) expect(json).not.toContain(secret);
    expect(view).toMatchObject({
      status: 'replied',
      handlingOrganizationName: '临河区委',
      dueOn: '2026-10-21',
      extension: { days: 3, reason: '需协调供水公司' },
      mergedCount: 2,
    });
    expect(view.history.map((s) => [s.action, s.organizationName, s.note])).toEqual([
      ['submit', '江川市委', ''],
      ['accept', '江川市委', ''],
      ['assign', '临河区委', ''],
      ['extend', '临河区委', '需协调供水公司'],
      ['reply', '临河区委', ''],
    ]);
  });

  test('the writer: their message whatever its status, why it was returned, whether they may rate', () => {
    const returned = workflow.returnMessage(written('2026-09-30 10:00'), city('2026-10-08 09:00'), 'court', '请依法向法院起诉').next;
    const view = trackedView(returned, null);
    expect(view).toMatchObject({ returnReason: 'court', returnNote: '请依法向法院起诉', canRate: false, message: { status: 'returned' } });
    expect(view.message.history.map((s) => s.action)).toEqual(['submit', 'return']);
    expect(trackedView(replied(), null).canRate).toBe(true);
  });

  test('staff: a message outside their scope is not found, a step of another organisation is refused', () => {
    const message = workflow.assign(
      workflow.accept(written('2026-09-30 10:00'), city('2026-10-08 09:00'), '').next,
      city('2026-10-08 10:00'),
      district,
      '',
    ).next;
    const districtSecretary = { userId: 's1', roles: ['secretary'], orgPath: '/p1/c1/d1/' };
    const sibling = { userId: 's2', roles: ['orgAdmin'], orgPath: '/p1/c1/d2/' };
    const member = { userId: 'm1', roles: ['member'], orgPath: '/p1/c1/d1/' };
    const inspector = { userId: 'i1', roles: ['inspector'], orgPath: '/p1/' };
    expect(assertSees(districtSecretary, message, message.id)).toBe(message);
    expect(domainErrorOf(() => assertSees(sibling, message, message.id))).toMatchObject({
      kind: 'notFound',
      code: 'FEEDBACK_MESSAGE_NOT_FOUND',
    });
    expect(domainErrorOf(() => assertSees(member, message, message.id))).toMatchObject({ kind: 'permissionDenied', code: 'ACCESS_DENIED' });
    expect(domainErrorOf(() => assertSees({ userId: '', roles: [], orgPath: '' }, message, message.id))).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(assertMayTake(districtSecretary, 'reply', message, message.id)).toBe(message);
    expect(domainErrorOf(() => assertMayTake(districtSecretary, 'accept', message, message.id))).toMatchObject({
      code: 'FEEDBACK_NOT_YOUR_STEP',
      message: 'accept is for the staff of the recipient, 江川市委',
    });
    expect(domainErrorOf(() => assertMayTake(districtSecretary, 'answerDispute', message, message.id)).code).toBe('FEEDBACK_NOT_YOUR_STEP');
    expect(domainErrorOf(() => assertMayTake(inspector, 'reply', message, message.id))).toMatchObject({
      kind: 'permissionDenied',
      code: 'ACCESS_DENIED',
    });
    const held = written('2026-09-30 10:00', {}, ['傻逼']);
    const citySecretary = { userId: 's3', roles: ['secretary'], orgPath: '/p1/c1/' };
    expect(domainErrorOf(() => assertMayTake(citySecretary, 'return', held, held.id))).toMatchObject({
      code: 'ACCESS_DENIED',
      details: { action: 'feedback.review' },
    });
  });
});
