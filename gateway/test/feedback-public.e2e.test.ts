/**
 * What the public meets through REST: where a message can go (organisations and leader posts),
 * the sensitive-word screen holding a message for review (from a word list operators edit),
 * likely duplicates offered to staff and merged, submission limits per contact and per client
 * address, bad input named field by field with nothing written, and search over public
 * messages and replies with the policy search's Chinese analysis.
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@repo/testbed';
import { type FeedbackPlatform, type Json, draft, node, staff, startFeedbackPlatform } from './feedback-support';

jest.setTimeout(120_000);

const city = node(undefined, '江川市委');
const district = node(city, '临河区委');
const branch = node(district, '滨江社区党支部', 'branch');

const cityAdmin = staff(city);
const citySecretary = staff(city, ['secretary']);
const districtAdmin = staff(district);

const addressLimit = 40;
let fb: FeedbackPlatform;
let wordsDir: string;
let wordsFile: string;

beforeAll(async () => {
  wordsDir = mkdtempSync(join(tmpdir(), 'feedback-words-'));
  wordsFile = join(wordsDir, 'sensitive-words.txt');
  copyFileSync(join(__dirname, '../../services/feedback/dict/sensitive-words.txt'), wordsFile);
  fb = await startFeedbackPlatform('2026-10-12 09:00', [city, district, branch], {
    FEEDBACK_SENSITIVE_WORDS_FILE: wordsFile,
    FEEDBACK_ADDRESS_DAILY_LIMIT: String(addressLimit),
  });
});

afterAll(async () => {
  await fb?.stop();
  if (wordsDir) rmSync(wordsDir, { recursive: true, force: true });
});

/** Messages written from this test's one address (127.0.0.1) today, 12 October. */
let fromHere = 0;
async function write(body: Record<string, unknown>) {
  const answer = await fb.write(body);
  if (answer.status === 201) fromHere++;
  return answer;
}

describe('where messages go', () => {
  let postId = '';

  test('the tree from the top, with the leader posts staff keep; a post of another scope is refused', async () => {
    const created = await fb.call('POST', '/api/v1/feedback/leader-posts', cityAdmin, {
      organizationId: district.id,
      title: '书记',
      holderName: '李明',
    });
    expect(created).toMatchObject({ status: 201, body: { organizationName: '临河区委', title: '书记', holderName: '李明', active: true } });
    postId = created.body.id;
    expect(await fb.call('POST', '/api/v1/feedback/leader-posts', districtAdmin, { organizationId: city.id, title: '书记' })).toMatchObject(
      {
        status: 400,
        body: { error: { details: { organizationId: 'names no organisation in your scope' } } },
      },
    );
    expect((await fb.call('POST', '/api/v1/feedback/leader-posts', citySecretary, { organizationId: city.id, title: '书记' })).status).toBe(
      403,
    );

    const top = await fb.call('GET', '/api/v1/message-recipients');
    expect(top.body.organizations).toEqual([
      expect.objectContaining({ id: city.id, name: '江川市委', level: 'committee', hasChildren: true }),
    ]);
    const below = await fb.call('GET', `/api/v1/message-recipients?parentId=${city.id}`);
    expect(below.body.organizations).toEqual([
      expect.objectContaining({
        id: district.id,
        hasChildren: true,
        leaderPosts: [expect.objectContaining({ id: postId, title: '书记', holderName: '李明' })],
      }),
    ]);
  });

  test('a message to the post goes to its organisation, named with the post; a retired post takes none', async () => {
    const answer = await write(draft('', { organizationId: undefined, leaderPostId: postId }));
    expect(answer.body.message.message.recipient).toEqual({
      organizationId: district.id,
      organizationName: '临河区委',
      leaderPostId: postId,
      leaderPostTitle: '书记',
    });
    expect((await fb.staffView(answer.id, districtAdmin)).orgPath).toBe(district.path);
    expect((await fb.call('POST', `/api/v1/feedback/leader-posts/${postId}/retire`, cityAdmin)).body.active).toBe(false);
    expect((await fb.call('GET', `/api/v1/message-recipients?parentId=${city.id}`)).body.organizations[0].leaderPosts).toEqual([]);
    expect(await fb.write(draft('', { organizationId: undefined, leaderPostId: postId }))).toMatchObject({
      status: 400,
      body: { error: { details: { leaderPostId: 'names no leader post that takes messages' } } },
    });
    // The message it had keeps it.
    expect((await fb.staffView(answer.id, districtAdmin)).recipient.leaderPostTitle).toBe('书记');
  });

  test('the catalogue: types with their deadlines, domains, reasons, levels, the calendar’s years', async () => {
    const { body } = await fb.call('GET', '/api/v1/message-catalogue');
    expect(body).toMatchObject({
      acceptanceDays: 1,
      maxHandlingDays: 15,
      ratingWindowDays: 7,
      rectificationDays: 15,
      returnReasons: ['abusive', 'duplicate', 'outsideScope', 'petition', 'court'],
      satisfactionLevels: ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'],
      yearsCovered: ['2025', '2026'],
    });
    expect(body.types).toEqual([
      { type: 'thanks', handlingDays: 7 },
      { type: 'suggestion', handlingDays: 7 },
      { type: 'help', handlingDays: 7 },
      { type: 'complaint', handlingDays: 7 },
      { type: 'consultation', handlingDays: 5 },
    ]);
    expect(body.domains).toEqual(expect.arrayContaining(['城建', '交通', '三农', '环保', '教育', '就业', '医疗', '社保']));
  });
});

describe('the sensitive-word screen', () => {
  test('a listed word, however spaced, holds the message for review; it is never dropped', async () => {
    const answer = await write(draft(city.id, { body: '再不修路我就杀 了 你们这些人' }));
    expect(answer.status).toBe(201);
    expect(answer.body.message.message.status).toBe('held');
    const seen = await fb.staffView(answer.id, citySecretary);
    expect(seen).toMatchObject({ status: 'held', screenHits: ['杀了你（威胁）'] });
    expect(seen.history.map((s: Json) => s.action)).toEqual(['submit', 'hold']);
    const held = await fb.call('GET', '/api/v1/feedback/messages?status=held', cityAdmin);
    expect(held.body.items.map((m: Json) => m.id)).toContain(answer.id);
    // Held is not public.
    expect((await fb.call('GET', `/api/v1/messages/${answer.id}`)).status).toBe(404);
  });

  test('a reviewer releases it to the queue or returns it; a secretary may do neither, nor accept it meanwhile', async () => {
    const first = await write(draft(city.id, { subject: '狗 官不作为' }));
    const second = await write(draft(city.id, { body: '专业代開發票，联系微信' }));
    expect((await fb.staffView(second.id, cityAdmin)).screenHits).toEqual(['代开发票（广告）']);
    for (const name of ['release', 'accept']) {
      expect((await fb.step(first.id, name, citySecretary)).status).toBe(name === 'release' ? 403 : 409);
    }
    expect(await fb.step(first.id, 'return', citySecretary, { reason: 'abusive', note: '辱骂' })).toMatchObject({
      status: 403,
      body: { error: { details: { action: 'feedback.review' } } },
    });
    const released = await fb.step(first.id, 'release', cityAdmin, { note: '批评性意见，可受理' });
    expect(released.body).toMatchObject({ status: 'submitted' });
    expect((await fb.step(first.id, 'accept', citySecretary)).body.status).toBe('accepted');
    const returned = await fb.step(second.id, 'return', cityAdmin, { reason: 'abusive', note: '广告信息' });
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: 'abusive' });
  });

  test('a word operators add to the list holds messages within seconds of the edit', async () => {
    const before = await write(draft(city.id, { body: '这里有人卖假药' }));
    expect(before.body.message.message.status).toBe('submitted');
    appendFileSync(wordsFile, '\n卖假药 违法\n');
    const after = await waitFor(
      async () => {
        const answer = await write(draft(city.id, { body: '这里有人卖 假药' }));
        if (answer.body.message.message.status === 'held') return answer;
        return undefined;
      },
      { what: 'the edited word list in use', timeoutMs: 20_000, intervalMs: 2_000 },
    );
    expect((await fb.staffView(after.id, cityAdmin)).screenHits).toEqual(['卖假药（违法）']);
  });
});

describe('likely duplicates and merging', () => {
  test('the same contact writing the same matter again is offered as a duplicate; another matter is not', async () => {
    const contact = '13755556666';
    const first = await write(
      draft(city.id, { contact, subject: '滨江路积水', body: '滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。' }),
    );
    const again = await write(
      draft(city.id, {
        contact: '137-5555-6666',
        subject: '滨江路积水问题',
        body: '滨江路小区门口每次下雨积水都没过脚踝，请尽快修缮排水设施！',
      }),
    );
    const other = await write(draft(city.id, { contact, subject: '学校门口拥堵', body: '希望上下学时段增派交警疏导交通。' }));
    const elsewhere = await write(
      draft(city.id, { subject: '滨江路积水', body: '滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。' }),
    );
    const candidates = (await fb.staffView(again.id, cityAdmin)).duplicateCandidates;
    expect(candidates).toEqual([expect.objectContaining({ messageId: first.id, subject: '滨江路积水' })]);
    expect(candidates[0].similarity).toBeGreaterThan(0.5);
    expect((await fb.staffView(other.id, cityAdmin)).duplicateCandidates).toEqual([]);
    // The same words from another contact are another writer's matter, not a duplicate.
    expect((await fb.staffView(elsewhere.id, cityAdmin)).duplicateCandidates).toEqual([]);

    // Merged into a thread that is not public yet: its writer does not read the other's text.
    expect((await fb.step(again.id, 'merge', cityAdmin, { intoMessageId: again.id })).status).toBe(400);
    const merged = await fb.step(again.id, 'merge', cityAdmin, { intoMessageId: first.id, note: '同一事项' });
    expect(merged.body).toMatchObject({ status: 'merged', mergedInto: first.id });
    expect(await fb.step(other.id, 'merge', cityAdmin, { intoMessageId: again.id })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_MERGE_TARGET' } },
    });
    const early = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode: again.trackingCode, contact });
    expect(early.body).toMatchObject({ message: { status: 'merged' }, mergedInto: null });

    // Once the thread is public and answered, the reply answers the merged writer too.
    await fb.step(first.id, 'accept', cityAdmin);
    await fb.step(first.id, 'reply', cityAdmin, { body: '已安排疏通排水管网。' });
    const tracked = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode: again.trackingCode, contact });
    expect(tracked.body).toMatchObject({
      canRate: false,
      message: { status: 'merged' },
      mergedInto: { id: first.id, status: 'replied', reply: { body: '已安排疏通排水管网。' } },
    });
    expect((await fb.staffView(first.id, cityAdmin)).mergedMessages).toEqual([again.id]);
    expect((await fb.call('GET', `/api/v1/messages/${first.id}`)).body.mergedCount).toBe(1);
    // A merged message is answered by its thread: it is not public on its own and runs no deadline.
    expect((await fb.call('GET', `/api/v1/messages/${again.id}`)).status).toBe(404);
  });
});

describe('bad input, named field by field, nothing written', () => {
  test('the schema: wrong words, missing and unknown fields', async () => {
    const { contact: _contact, ...withoutContact } = draft(city.id);
    const answer = await fb.call('POST', '/api/v1/messages', {}, { ...withoutContact, type: 'praise', colour: 'red' });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(answer.body.error.details).toMatchObject({
      'body.type': 'must be one of thanks, suggestion, help, complaint, consultation',
      'body.contact': 'is required',
      'body.colour': 'is not a known field',
    });
  });

  test('the rules: a contact that is none, an unknown domain, no recipient or two, one that does not exist', async () => {
    const before = await fb.feedback.messages.model.countDocuments({}).exec();
    const answer = await fb.call('POST', '/api/v1/messages', {}, draft(city.id, { contact: 'call me', domain: '天文', region: '  ' }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual({
      domain: expect.stringMatching(/^must be one of 城建, 交通/),
      region: 'is required',
      contact: 'must be a mobile number, a landline with its area code, or an e-mail address',
    });
    expect((await fb.call('POST', '/api/v1/messages', {}, draft('', { organizationId: undefined }))).body.error.details).toEqual({
      organizationId: 'is required unless leaderPostId names a leader post',
    });
    expect((await fb.call('POST', '/api/v1/messages', {}, draft(city.id, { leaderPostId: district.id }))).body.error.details).toEqual({
      leaderPostId: 'give either organizationId or leaderPostId, not both',
    });
    expect((await fb.call('POST', '/api/v1/messages', {}, draft(node(city, '无').id))).body.error.details).toEqual({
      organizationId: 'names no organisation',
    });
    expect((await fb.call('POST', '/api/v1/messages', {}, draft(city.id, { subject: '字'.repeat(81) }))).status).toBe(400);
    expect((await fb.call('POST', '/api/v1/messages', {}, draft(city.id, { body: '按时\u202e办结' }))).status).toBe(400);
    expect(await fb.feedback.messages.model.countDocuments({}).exec()).toBe(before);
  });

  test('statistics: a date that is none, a period backwards or over a year', async () => {
    const stats = (q: string) => fb.call('GET', `/api/v1/feedback/statistics?${q}`, cityAdmin);
    expect((await stats('from=2026-13-01&to=2026-10-01')).status).toBe(400);
    expect((await stats('from=2026-10-31&to=2026-10-01')).body.error.details).toEqual({ to: 'must not be before from' });
    expect((await stats('from=2025-01-01&to=2026-10-31')).body.error.details).toEqual({ to: 'the period is at most 366 days' });
  });
});

describe('search over public messages and replies', () => {
  let lampId = '';
  let jiweiId = '';
  let waitingId = '';

  beforeAll(async () => {
    const lamp = await write(
      draft(branch.id, {
        subject: '<script>alert(1)</script>滨江路路灯坏了',
        body: '<img src=x onerror=alert(1)> 滨江路路灯坏了一个月',
        domain: '交通',
        type: 'help',
        region: '江川市临河区',
      }),
    );
    lampId = lamp.id;
    await fb.step(lampId, 'accept', districtAdmin);
    await fb.step(lampId, 'reply', districtAdmin, { body: '已更换<b>路灯</b>' });
    const jiwei = await write(
      draft(city.id, {
        subject: '反映村干部问题',
        body: '希望纪律检查委员会调查村干部优亲厚友问题。',
        domain: '三农',
        region: '江川市东山县',
      }),
    );
    jiweiId = jiwei.id;
    await fb.step(jiweiId, 'accept', cityAdmin);
    waitingId = (await write(draft(city.id, { subject: '未受理的路灯留言', body: '路灯路灯路灯' }))).id;
    await fb.searchUntil('路灯', lampId);
    await fb.searchUntil('优亲厚友', jiweiId);
  });

  test('by words of the subject, the message and the reply; only accepted messages are found', async () => {
    const hits = (await fb.call('GET', `/api/v1/search/messages?q=${encodeURIComponent('路灯')}`)).body.hits;
    expect(hits.map((h: Json) => h.id)).toContain(lampId);
    expect(hits.map((h: Json) => h.id)).not.toContain(waitingId);
    const byReply = await fb.searchUntil('更换', lampId);
    expect(byReply.highlights.reply.join('')).toContain('<em>更换</em>');
  });

  test('synonyms and pinyin as in policy search: 纪委 finds 纪律检查委员会, jiwei is spelled out', async () => {
    expect((await fb.call('GET', `/api/v1/search/messages?q=${encodeURIComponent('纪委')}`)).body.hits.map((h: Json) => h.id)).toContain(
      jiweiId,
    );
    const spelled = await fb.call('GET', '/api/v1/search/messages?q=jiwei');
    expect(spelled.body.searchedFor).toBe('纪委');
    expect(spelled.body.hits.map((h: Json) => h.id)).toContain(jiweiId);
  });

  test('filters and facets; the query is bounded', async () => {
    const ids = async (q: string) => (await fb.call('GET', `/api/v1/search/messages?${q}`)).body.hits.map((h: Json) => h.id);
    expect(await ids('type=help')).toEqual([lampId]);
    expect(await ids('repliedOnly=true')).toContain(lampId);
    expect(await ids('repliedOnly=true')).not.toContain(jiweiId);
    expect(await ids(`organizationId=${branch.id}`)).toEqual([lampId]);
    expect(await ids(`region=${encodeURIComponent('江川市东山县')}`)).toEqual([jiweiId]);
    expect(await ids(`domain=${encodeURIComponent('三农')}&q=${encodeURIComponent('村干部')}`)).toEqual([jiweiId]);
    const all = (await fb.call('GET', '/api/v1/search/messages')).body;
    expect(all.facets.domain).toEqual(expect.arrayContaining([{ key: '交通', count: 1 }]));
    expect(all.facets.type).toEqual(expect.arrayContaining([{ key: 'help', count: 1 }]));
    expect((await fb.call('GET', `/api/v1/search/messages?q=${'字'.repeat(201)}`)).status).toBe(400);
    expect((await fb.call('GET', '/api/v1/search/messages?page=300&size=50')).body.error.details).toEqual({
      page: 'page x size must not exceed 10000; narrow the search',
    });
  });
});

describe('submission limits', () => {
  test('three a day per contact, then 429 with Retry-After until the province’s midnight', async () => {
    const contact = '13622223333';
    for (let i = 0; i < 3; i++) expect((await write(draft(city.id, { contact }))).status).toBe(201);
    const refused = await write(draft(city.id, { contact: '+86 136 2222 3333' }));
    expect(refused).toMatchObject({
      status: 429,
      body: { error: { code: 'FEEDBACK_SUBMISSION_LIMIT', details: { per: 'contact', limit: '3' } } },
    });
    // The clock stands at 9:00 on 12 October: 15 hours to midnight in the province.
    expect(refused.headers['retry-after']).toBe(String(15 * 3600));
    fb.when('2026-10-13 09:00');
    expect((await fb.write(draft(city.id, { contact }))).status).toBe(201);
    fb.when('2026-10-12 09:00');
  });

  test('an address has its limit too, shared by every contact writing from it', async () => {
    while (fromHere < addressLimit) expect((await write(draft(city.id))).status).toBe(201);
    const refused = await write(draft(city.id));
    expect(refused).toMatchObject({
      status: 429,
      body: { error: { code: 'FEEDBACK_SUBMISSION_LIMIT', details: { per: 'address', limit: String(addressLimit) } } },
    });
  });
});
