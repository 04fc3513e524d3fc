/**
 * What the public meets, on the real stack: submission limits that hold across replicas, the
 * sensitive-word screen holding a message for review, duplicates offered to staff, bad input
 * named field by field with nothing written, and search over public messages and replies with
 * the policy search's Chinese analysis, safe to render.
 */
import * as pb from '@repo/proto/feedback/v1';
import { cleanupNamespace, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { asPublic, at, caller, draftTo, errorOf, node, publishTree, startFeedback, staffOf, step, type RunningFeedback } from '../support';

jest.setTimeout(120_000);

const namespace = uniqueNamespace('fbpublic');
const city = node(undefined, 'city', '江川市委', 'committee');
const district = node(city, 'lh', '临河区委', 'committee');
let running: RunningFeedback;
let replica: RunningFeedback;
const call = caller(() => running);

beforeAll(async () => {
  await ensureStack();
  const env = { FEEDBACK_ADDRESS_DAILY_LIMIT: '6' };
  running = await startFeedback(namespace, env, at('2026-10-12 09:00'));
  replica = await startFeedback(namespace, env, at('2026-10-12 09:00'));
  await publishTree(running, namespace, [city, district]);
});

afterAll(async () => {
  await running?.stop();
  await replica?.stop();
  await cleanupNamespace(namespace);
});

const submit = (draft: pb.MessageDraft, clientAddress = '', on: RunningFeedback = running) =>
  caller(() => on)('submitMessage', { draft, clientAddress }, asPublic());
const count = () => running.app.messages.model.countDocuments({}).exec();

describe('abuse control', () => {
  test('three messages a day from one contact, however many replicas take them; the next day again', async () => {
    const contact = '13700000001';
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => submit(draftTo(city.id, { contact }), '', i % 2 ? replica : running)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    const refused = await errorOf(submit(draftTo(city.id, { contact })));
    // 15 hours to the province's midnight.
    expect(refused).toMatchObject({
      code: 'FEEDBACK_SUBMISSION_LIMIT',
      grpc: 8,
      details: { limit: '3', per: 'contact', retryAfterSeconds: String(15 * 3600) },
    });
    running.clock.now = at('2026-10-13 09:00');
    await submit(draftTo(city.id, { contact }));
    running.clock.now = at('2026-10-12 09:00');
  });

  test('a client address has its own limit, shared by every contact writing from it', async () => {
    for (let i = 0; i < 6; i++) await submit(draftTo(city.id), '198.51.100.9');
    expect(await errorOf(submit(draftTo(city.id), '198.51.100.9'))).toMatchObject({
      code: 'FEEDBACK_SUBMISSION_LIMIT',
      details: { per: 'address', limit: '6' },
    });
    // The contact's slot taken for the refused attempt was given back.
    const contact = '13700000002';
    await expect(submit(draftTo(city.id, { contact }), '198.51.100.9')).rejects.toBeDefined();
    for (let i = 0; i < 3; i++) await submit(draftTo(city.id, { contact }), '198.51.100.10');
  });

  test('bad input is refused naming each field, and nothing is written', async () => {
    const before = await count();
    const refused = await errorOf(
      submit(draftTo('', { type: pb.MessageType.MESSAGE_TYPE_UNSPECIFIED, domain: '宇宙', subject: '', contact: 'call me' })),
    );
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', grpc: 3 });
    expect(Object.keys(refused.details).sort()).toEqual(['contact', 'domain', 'organizationId', 'subject', 'type']);
    expect(await errorOf(submit(draftTo('nowhere')))).toMatchObject({ details: { organizationId: 'names no organisation' } });
    expect(await errorOf(submit(draftTo('', { leaderPostId: 'nowhere' })))).toMatchObject({
      details: { leaderPostId: 'names no leader post that takes messages' },
    });
    expect(await count()).toBe(before);
  });

  test('a sensitive word holds the message for review; a reviewer releases it, a secretary may not', async () => {
    const { message } = await submit(draftTo(city.id, { body: '再不修路我就杀 了 你们这些人' }));
    const id = message!.message!.id;
    expect(message!.message!.status).toBe(pb.MessageStatus.MESSAGE_STATUS_HELD);
    const seen = await call('getMessage', { id }, staffOf(city, ['secretary']));
    expect(seen.message!.screenHits).toEqual(['杀了你（威胁）']);
    expect(
      (await call('listMessages', { status: pb.MessageStatus.MESSAGE_STATUS_HELD }, staffOf(city))).messages.map((m) => m.id),
    ).toContain(id);
    expect(
      await errorOf(call('takeStep', step(id, { $case: 'release', release: { note: '' } }), staffOf(city, ['secretary']))),
    ).toMatchObject({
      code: 'ACCESS_DENIED',
      details: { action: 'feedback.review' },
    });
    const released = await call('takeStep', step(id, { $case: 'release', release: { note: '情绪表达，无实际威胁' } }), staffOf(city));
    expect(released.message!.status).toBe(pb.MessageStatus.MESSAGE_STATUS_SUBMITTED);
  });

  test('the same contact writing the same matter again is offered to staff as a duplicate to merge', async () => {
    const contact = '13700000003';
    const first = await submit(
      draftTo(city.id, { contact, subject: '滨江路积水', body: '滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。' }),
    );
    const again = await submit(
      draftTo(city.id, { contact, subject: '滨江路积水问题', body: '滨江路小区门口每次下雨积水都没过脚踝，请尽快修缮排水设施！' }),
    );
    const other = await submit(draftTo(city.id, { contact, subject: '学校门口拥堵', body: '希望上下学时段增派交警疏导交通。' }));
    const candidates = (await call('getMessage', { id: again.message!.message!.id }, staffOf(city))).message!.duplicateCandidates;
    expect(candidates.map((c) => c.messageId)).toEqual([first.message!.message!.id]);
    expect(candidates[0]!.similarity).toBeGreaterThan(0.5);
    expect((await call('getMessage', { id: other.message!.message!.id }, staffOf(city))).message!.duplicateCandidates).toEqual([]);
    // Merged: the writer of the duplicate follows the first thread.
    await call('takeStep', step(first.message!.message!.id, { $case: 'accept', accept: { note: '' } }), staffOf(city));
    await call(
      'takeStep',
      step(again.message!.message!.id, { $case: 'merge', merge: { intoMessageId: first.message!.message!.id, note: '同一事项' } }),
      staffOf(city),
    );
    const tracked = await call('trackMessage', { trackingCode: again.trackingCode, contact }, asPublic());
    expect(tracked.message).toMatchObject({
      message: { status: pb.MessageStatus.MESSAGE_STATUS_MERGED },
      mergedInto: { id: first.message!.message!.id },
    });
    expect((await call('getPublicMessage', { id: first.message!.message!.id }, asPublic())).message!.mergedCount).toBe(1);
  });
});

describe('public search with the policy search’s analysis', () => {
  const accepted = async (draft: pb.MessageDraft, replyBody = '') => {
    const { message } = await submit(draft);
    const id = message!.message!.id;
    await call('takeStep', step(id, { $case: 'accept', accept: { note: '' } }), staffOf(city));
    if (replyBody) await call('takeStep', step(id, { $case: 'reply', reply: { body: replyBody } }), staffOf(city));
    return id;
  };
  const search = (query: Partial<pb.SearchMessagesRequest>) =>
    call('searchMessages', { page: { page: 1, size: 20 }, ...query }, asPublic());
  let scriptId = '';
  let jiweiId = '';
  let hiddenId = '';

  beforeAll(async () => {
    scriptId = await accepted(
      draftTo(district.id, {
        subject: '<script>alert(1)</script>滨江路路灯坏了',
        body: '<img src=x onerror=alert(1)> 滨江路路灯坏了一个月',
        domain: '交通',
        type: pb.MessageType.MESSAGE_TYPE_HELP,
      }),
      '已更换<b>路灯</b>',
    );
    jiweiId = await accepted(
      draftTo(city.id, {
        subject: '反映村干部问题',
        body: '希望纪律检查委员会调查村干部优亲厚友问题。',
        domain: '三农',
        type: pb.MessageType.MESSAGE_TYPE_COMPLAINT,
      }),
    );
    hiddenId = (await submit(draftTo(city.id, { subject: '未受理的路灯留言', body: '路灯路灯路灯' }))).message!.message!.id;
    await waitFor(async () => (await search({ query: '路灯' })).hits.length > 0 && (await search({ query: '优亲厚友' })).hits.length > 0, {
      what: 'the accepted messages indexed',
    });
  });

  test('found by words of the subject, the body and the reply; markup escaped in highlights, kept as text elsewhere', async () => {
    const result = await search({ query: '路灯' });
    const hit = result.hits.find((h) => h.id === scriptId)!;
    expect(hit).toBeDefined();
    expect(hit.subject).toBe('<script>alert(1)</script>滨江路路灯坏了');
    const fragments = [...hit.subjectHighlights, ...hit.bodyHighlights, ...hit.replyHighlights].join('\n');
    expect(fragments).toContain('<em>路灯</em>');
    expect(fragments).toContain('&lt;script&gt;');
    expect(fragments).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(fragments.replace(/<\/?em>/g, '')).not.toMatch(/<[a-z]/i);
    // Only accepted messages are public: the one waiting for acceptance is not found.
    expect(result.hits.map((h) => h.id)).not.toContain(hiddenId);
    const { message } = await call('getPublicMessage', { id: scriptId }, asPublic());
    expect(message!.body).toBe('<img src=x onerror=alert(1)> 滨江路路灯坏了一个月');
  });

  test('synonyms and pinyin as in policy search: 纪委 finds 纪律检查委员会, jiwei is spelled out', async () => {
    expect((await search({ query: '纪委' })).hits.map((h) => h.id)).toContain(jiweiId);
    const spelled = await search({ query: 'jiwei' });
    expect(spelled.searchedFor).toBe('纪委');
    expect(spelled.hits.map((h) => h.id)).toContain(jiweiId);
  });

  test('filters and facets', async () => {
    const helps = await search({ query: '', type: pb.MessageType.MESSAGE_TYPE_HELP });
    expect(helps.hits.every((h) => h.type === pb.MessageType.MESSAGE_TYPE_HELP)).toBe(true);
    expect(helps.hits.map((h) => h.id)).toContain(scriptId);
    expect((await search({ query: '', repliedOnly: true })).hits.map((h) => h.id)).toEqual(expect.arrayContaining([scriptId]));
    expect((await search({ query: '', repliedOnly: true })).hits.map((h) => h.id)).not.toContain(jiweiId);
    expect((await search({ query: '', organizationId: district.id })).hits.map((h) => h.id)).toEqual([scriptId]);
    const all = await search({ query: '' });
    expect(all.domainFacets.map((f) => f.key)).toEqual(expect.arrayContaining(['交通', '三农']));
    expect(await errorOf(search({ query: '字'.repeat(201) }))).toMatchObject({ details: { q: 'must be at most 200 characters' } });
  });
});

describe('where messages go', () => {
  test('the recipients under a node with their leader posts, and the catalogue of types and deadlines', async () => {
    const post = (await call('createLeaderPost', { organizationId: district.id, title: '书记', holderName: '李明' }, staffOf(city)))
      .leaderPost!;
    expect(
      await errorOf(call('createLeaderPost', { organizationId: city.id, title: '书记', holderName: '' }, staffOf(district))),
    ).toMatchObject({
      details: { organizationId: 'names no organisation in your scope' },
    });
    const top = await call('listRecipients', { parentId: '' }, asPublic());
    expect(top.organizations).toEqual([
      expect.objectContaining({
        id: city.id,
        name: '江川市委',
        hasChildren: true,
        level: pb.OrganizationLevel.ORGANIZATION_LEVEL_COMMITTEE,
      }),
    ]);
    const below = await call('listRecipients', { parentId: city.id }, asPublic());
    expect(below.organizations[0]!.leaderPosts).toEqual([
      expect.objectContaining({ id: post.id, title: '书记', holderName: '李明', active: true }),
    ]);
    await call('retireLeaderPost', { id: post.id }, staffOf(city));
    expect((await call('listRecipients', { parentId: city.id }, asPublic())).organizations[0]!.leaderPosts).toEqual([]);
    expect(await errorOf(submit(draftTo('', { leaderPostId: post.id })))).toMatchObject({
      details: { leaderPostId: 'names no leader post that takes messages' },
    });

    const catalogue = await call('getCatalogue', {}, asPublic());
    expect(catalogue).toMatchObject({
      acceptanceDays: 1,
      maxHandlingDays: 15,
      ratingWindowDays: 7,
      rectificationDays: 15,
      yearsCovered: ['2025', '2026'],
    });
    expect(catalogue.handlingDays.find((d) => d.type === pb.MessageType.MESSAGE_TYPE_CONSULTATION)!.workingDays).toBe(5);
    expect(catalogue.domains).toContain('城建');
  });
});
