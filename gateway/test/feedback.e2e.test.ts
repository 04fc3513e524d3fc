/**
 * A message's life through REST, on the real feedback service, document store, NATS and
 * Elasticsearch, around 2026 国庆 (1-7 October off, Saturday 10 October worked): written by the
 * public with markup in it, accepted, assigned, disputed and upheld, extended, replied, rated
 * unsatisfied, rectified and revisited. Each step is taken by the organisation it belongs to;
 * public answers never carry a contact, the writer, an actor or a staff note; what people
 * wrote comes back as the text it is.
 */
import { waitFor } from '@repo/testbed';
import { type FeedbackPlatform, type Json, at, draft, node, staff, startFeedbackPlatform } from './feedback-support';

jest.setTimeout(120_000);

const province = node(undefined, '江川省委');
const city = node(province, '江川市委');
const district = node(city, '临河区委');
const other = node(city, '东山区委');

const cityAdmin = staff(city);
const citySecretary = staff(city, ['secretary']);
const cityInspector = staff(city, ['inspector']);
const cityMember = staff(city, ['member']);
const districtSecretary = staff(district, ['secretary']);
const otherAdmin = staff(other);

let fb: FeedbackPlatform;

beforeAll(async () => {
  fb = await startFeedbackPlatform('2026-09-30 09:00', [province, city, district, other]);
});

afterAll(async () => {
  await fb?.stop();
});

describe('a message to the city, 2026 国庆 around it', () => {
  const contact = '13611112222';
  const payload = {
    subject: '<script>alert(1)</script>滨江路路灯坏了',
    body: '<img src=x onerror=alert(1)> 路灯坏了一个月，晚上出行不安全。',
  };
  let id = '';
  let trackingCode = '';

  test('the public writes one on 30 September: 201, a tracking code, the text as written, no contact in the answer', async () => {
    fb.when('2026-09-30 10:00');
    const answer = await fb.write(draft(city.id, { ...payload, contact: '136-1111-2222', domain: '交通', type: 'help' }));
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    ({ id, trackingCode } = answer);
    expect(trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(answer.body.message).toMatchObject({
      trackingCode,
      canRate: false,
      message: {
        status: 'submitted',
        type: 'help',
        subject: payload.subject,
        body: payload.body,
        recipient: { organizationName: '江川市委' },
      },
    });
    expect(JSON.stringify(answer.body)).not.toContain(contact);
    expect(JSON.stringify(answer.body)).not.toContain('王先生');
    // Not public before it is accepted.
    expect((await fb.call('GET', `/api/v1/messages/${id}`)).status).toBe(404);
  });

  test('staff of the city see it with the contact, due to be accepted on the first working day after the holiday', async () => {
    const seen = await fb.staffView(id, cityAdmin);
    expect(seen).toMatchObject({ contact, contactName: '王先生', status: 'submitted', trackingCode: trackingCode.replace(/-/g, '') });
    // One working day: 1 to 7 October are off, so the end of Thursday 8 October; the parent is
    // told at 80 % of the 38 working hours in between (14 on 30 September, 24 on 8 October).
    expect(seen.acceptance).toMatchObject({
      stage: 'acceptance',
      workingDays: 1,
      dueOn: '2026-10-08',
      dueAt: at('2026-10-09 00:00').toISOString(),
      warnAt: at('2026-10-08 16:24').toISOString(),
    });
    expect(seen.history).toEqual([
      expect.objectContaining({
        action: 'submit',
        actor: 'writer',
        at: at('2026-09-30 10:00').toISOString(),
        organizationName: '江川市委',
      }),
    ]);
  });

  test('the public gets 401, a member 403, a sibling district 404; an inspector reads but does not handle', async () => {
    expect(await fb.call('GET', `/api/v1/feedback/messages/${id}`)).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_REQUIRED' } },
    });
    expect((await fb.call('GET', `/api/v1/feedback/messages/${id}`, cityMember)).status).toBe(403);
    expect((await fb.call('GET', `/api/v1/feedback/messages/${id}`, otherAdmin)).status).toBe(404);
    expect((await fb.call('GET', `/api/v1/feedback/messages/${id}`, cityInspector)).status).toBe(200);
    expect((await fb.step(id, 'accept', cityInspector)).status).toBe(403);
    // The district is below the city but the message is the city's to accept.
    expect((await fb.step(id, 'accept', districtSecretary)).status).toBe(404);
  });

  test('the writer follows it with the code in any case and the contact in any form; a wrong contact finds nothing', async () => {
    const tracked = await fb.call(
      'POST',
      '/api/v1/messages/tracking',
      {},
      { trackingCode: trackingCode.toLowerCase(), contact: '+86 136 1111 2222' },
    );
    expect(tracked).toMatchObject({ status: 200, body: { message: { id, status: 'submitted' }, canRate: false } });
    const wrong = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode, contact: '13600000000' });
    expect(wrong).toMatchObject({ status: 404, body: { error: { code: 'FEEDBACK_TRACKING_NOT_FOUND' } } });
    const badCode = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode: 'IIII-LLLL-OOOO', contact });
    expect(badCode).toMatchObject({ status: 400, body: { error: { details: { trackingCode: expect.any(String) } } } });
  });

  test('accepted on 8 October: 7 working days for a request for help, Saturday 10 October counted; a stale revision is 409', async () => {
    fb.when('2026-10-08 09:00');
    const accepted = await fb.step(id, 'accept', citySecretary, { note: '内部：已电话核实', expectedRevision: 1 });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted', revision: 2 } });
    // 9, 10 (Saturday, 调休), 12, 13, 14, 15, 16 October; help has the default 7.
    expect(accepted.body.handling).toMatchObject({ stage: 'handling', workingDays: 7, dueOn: '2026-10-16' });
    expect(await fb.step(id, 'accept', cityAdmin, { expectedRevision: 1 })).toMatchObject({
      status: 409,
      body: { error: { code: 'STALE_REVISION' } },
    });
    expect(await fb.step(id, 'accept', cityAdmin)).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_WORKFLOW_STEP', details: { status: 'accepted', requiredStatus: 'submitted' } } },
    });
    // Public now: what was written, to whom, due when.
    const shown = await fb.call('GET', `/api/v1/messages/${id}`);
    expect(shown.body).toMatchObject({ status: 'accepted', subject: payload.subject, body: payload.body, dueOn: '2026-10-16' });
  });

  test('assigned to the district, which disputes it; the assigner upholds it, the district may not answer its own dispute', async () => {
    fb.when('2026-10-08 10:00');
    expect(await fb.step(id, 'assign', districtSecretary, { organizationId: other.id })).toMatchObject({ status: 404 });
    expect(await fb.step(id, 'assign', cityAdmin, { organizationId: province.id })).toMatchObject({
      status: 400,
      body: { error: { details: { organizationId: 'names no organisation in your scope' } } },
    });
    const assigned = await fb.step(id, 'assign', cityAdmin, { organizationId: district.id, note: '内部：请区里办' });
    expect(assigned.body).toMatchObject({ status: 'assigned', handlingOrganizationId: district.id, handlingOrganizationName: '临河区委' });
    // The deadline runs from acceptance, whoever handles it.
    expect(assigned.body.handling.dueOn).toBe('2026-10-16');
    // The sibling district does not even see it.
    expect((await fb.step(id, 'reply', otherAdmin, { body: '答复' })).status).toBe(404);

    fb.when('2026-10-08 15:00');
    expect((await fb.step(id, 'dispute', districtSecretary, { reason: '' })).status).toBe(400);
    const disputed = await fb.step(id, 'dispute', districtSecretary, { reason: '内部：该路段由市政管理' });
    expect(disputed.body).toMatchObject({ status: 'disputed', disputeReason: '内部：该路段由市政管理' });
    // Outside, the message is still assigned: the dispute is the organisations' business.
    expect((await fb.call('GET', `/api/v1/messages/${id}`)).body.status).toBe('assigned');
    expect(await fb.step(id, 'answer-dispute', districtSecretary, { note: '维持' })).toMatchObject({
      status: 403,
      body: { error: { code: 'FEEDBACK_NOT_YOUR_STEP' } },
    });
    expect(await fb.step(id, 'answer-dispute', cityAdmin, {})).toMatchObject({
      status: 400,
      body: { error: { details: { note: 'is required' } } },
    });
    const upheld = await fb.step(id, 'answer-dispute', cityAdmin, { note: '内部：经核实属临河区管理路段' });
    expect(upheld.body).toMatchObject({ status: 'assigned', disputeReason: '', handlingOrganizationName: '临河区委' });
    expect(upheld.body.history.map((s: Json) => s.action)).toEqual(['submit', 'accept', 'assign', 'dispute', 'uphold']);
  });

  test('extended once, before the deadline, within 15 working days in all; the reason is public', async () => {
    fb.when('2026-10-09 09:00');
    expect(await fb.step(id, 'extend', districtSecretary, { days: 9, reason: '需协调供电公司' })).toMatchObject({
      status: 400,
      body: { error: { details: { days: 'must be between 1 and 8 working days (15 in all, extension included)' } } },
    });
    const extended = await fb.step(id, 'extend', districtSecretary, { days: 3, reason: '需协调供电公司更换线路' });
    // 16 October + 3 working days: 19, 20, 21 October.
    expect(extended.body).toMatchObject({
      status: 'assigned',
      handling: { dueOn: '2026-10-21', workingDays: 10 },
      extension: { days: 3, reason: '需协调供电公司更换线路' },
    });
    expect(await fb.step(id, 'extend', districtSecretary, { days: 1, reason: '再延' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_EXTENSION_USED' } },
    });
    const shown = (await fb.call('GET', `/api/v1/messages/${id}`)).body;
    expect(shown).toMatchObject({ dueOn: '2026-10-21', extension: { days: 3, reason: '需协调供电公司更换线路' } });
    expect(shown.history.find((s: Json) => s.action === 'extend').note).toBe('需协调供电公司更换线路');
  });

  test('replied by the district on 12 October; public then, without contact, writer, actors or staff notes', async () => {
    fb.when('2026-10-12 14:00');
    expect(await fb.step(id, 'reply', districtSecretary, { body: '' })).toMatchObject({ status: 400 });
    const replied = await fb.step(id, 'reply', districtSecretary, { body: '已更换<b>路灯</b>。' });
    // 8, 9, 10 (Saturday) and 12 October: four working days after 30 September.
    expect(replied.body).toMatchObject({
      status: 'replied',
      reply: { body: '已更换<b>路灯</b>。', organizationName: '临河区委', onTime: true, workingDays: 4 },
      // Seven working days to rate: 13 to 16, 19 to 21 October.
      ratingWindow: { stage: 'rating', dueOn: '2026-10-21' },
    });

    const text = await fb.raw(`/api/v1/messages/${id}`);
    for (const secret of [contact, '王先生', '内部', 'orgAdmin-', 'secretary-', '"writer"', '维持']) expect(text).not.toContain(secret);
    const shown = JSON.parse(text);
    expect(shown).toMatchObject({
      status: 'replied',
      subject: payload.subject,
      body: payload.body,
      handlingOrganizationName: '临河区委',
      reply: { body: '已更换<b>路灯</b>。', onTime: true },
      overdue: false,
    });
    expect(shown.history.map((s: Json) => [s.action, s.organizationName])).toEqual([
      ['submit', '江川市委'],
      ['accept', '江川市委'],
      ['assign', '临河区委'],
      ['extend', '临河区委'],
      ['reply', '临河区委'],
    ]);

    // The public list is picked by the search index, a moment behind the store.
    const listed = await waitFor(
      async () => {
        const text = await fb.raw('/api/v1/messages?repliedOnly=true');
        return JSON.parse(text).items.some((m: Json) => m.id === id) ? text : undefined;
      },
      { what: 'the replied message in the public list' },
    );
    expect(listed).not.toContain(contact);
    expect(JSON.parse(listed).items.find((m: Json) => m.id === id)).toMatchObject({ subject: payload.subject, body: payload.body });
  });

  test('found in search with the markup escaped in the highlights and kept as text in the fields', async () => {
    const found = await fb.searchUntil('路灯', id);
    expect(found.subject).toBe(payload.subject);
    const fragments = [...found.highlights.subject, ...found.highlights.body, ...found.highlights.reply].join('\n');
    expect(fragments).toContain('<em>路灯</em>');
    expect(fragments).toContain('&lt;script&gt;');
    expect(fragments).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(fragments).toContain('&lt;b&gt;');
    expect(fragments.replace(/<\/?em>/g, '')).not.toMatch(/<[a-z/]/i);
  });

  test('rated unsatisfied by the writer: closed, a rectification due in 15 working days, rated once', async () => {
    fb.when('2026-10-13 09:00');
    const rating = { trackingCode, contact, attitude: 2, speed: 1, overall: 'dissatisfied', comment: '晚上仍然很黑' };
    expect((await fb.call('POST', '/api/v1/messages/tracking/rating', {}, { ...rating, attitude: 6 })).status).toBe(400);
    const rated = await fb.call('POST', '/api/v1/messages/tracking/rating', {}, rating);
    expect(rated).toMatchObject({
      status: 200,
      body: {
        canRate: false,
        rating: { attitude: 2, speed: 1, overall: 'dissatisfied', comment: '晚上仍然很黑' },
        message: { status: 'closed', satisfaction: 'dissatisfied' },
        // 15 working days after 13 October.
        rectificationDueOn: '2026-11-03',
        rectified: false,
      },
    });
    expect(await fb.call('POST', '/api/v1/messages/tracking/rating', {}, { ...rating, overall: 'satisfied' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_ALREADY_RATED' } },
    });
    // The comment is the writer's and staff's, never the public's.
    expect(await fb.raw(`/api/v1/messages/${id}`)).not.toContain('晚上仍然很黑');
  });

  test('the district rectifies; the revisit is the city’s (it accepted the message), once', async () => {
    fb.when('2026-10-20 09:00');
    expect(await fb.step(id, 'revisit', cityAdmin, { result: 'resolved', note: '回访' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_NOT_RECTIFIED' } },
    });
    const rectified = await fb.step(id, 'rectify', districtSecretary, { note: '加装两盏路灯' });
    expect(rectified.body.rectification).toMatchObject({ note: '加装两盏路灯', rectifiedAt: at('2026-10-20 09:00').toISOString() });
    expect(rectified.body.rectification.deadline).toMatchObject({ stage: 'rectification', dueOn: '2026-11-03' });
    expect(await fb.step(id, 'revisit', districtSecretary, { result: 'resolved', note: '回访' })).toMatchObject({
      status: 403,
      body: { error: { code: 'FEEDBACK_NOT_YOUR_STEP' } },
    });
    const revisited = await fb.step(id, 'revisit', citySecretary, { result: 'resolved', note: '电话回访，群众认可' });
    expect(revisited.body.rectification.revisit).toMatchObject({
      result: 'resolved',
      note: '电话回访，群众认可',
      actor: 'secretary-江川市委',
    });
    expect(await fb.step(id, 'revisit', citySecretary, { result: 'resolved', note: '再访' })).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_ALREADY_REVISITED' } },
    });
    const tracked = await fb.call('POST', '/api/v1/messages/tracking', {}, { trackingCode, contact });
    expect(tracked.body).toMatchObject({ rectified: true });
    expect(tracked.body.message.history.map((s: Json) => s.action)).toEqual([
      'submit',
      'accept',
      'assign',
      'extend',
      'reply',
      'rate',
      'rectify',
      'revisit',
    ]);
    // The writer is told the steps, never who took them.
    expect(JSON.stringify(tracked.body)).not.toMatch(/secretary-|orgAdmin-/);
  });

  test('every step is in the staff history with actor, time and note', async () => {
    const seen = await fb.staffView(id, cityAdmin);
    expect(seen.history.map((s: Json) => [s.action, s.actor, s.at, s.note])).toEqual([
      ['submit', 'writer', at('2026-09-30 10:00').toISOString(), ''],
      ['accept', 'secretary-江川市委', at('2026-10-08 09:00').toISOString(), '内部：已电话核实'],
      ['assign', 'orgAdmin-江川市委', at('2026-10-08 10:00').toISOString(), '内部：请区里办'],
      ['dispute', 'secretary-临河区委', at('2026-10-08 15:00').toISOString(), '内部：该路段由市政管理'],
      ['uphold', 'orgAdmin-江川市委', at('2026-10-08 15:00').toISOString(), '内部：经核实属临河区管理路段'],
      ['extend', 'secretary-临河区委', at('2026-10-09 09:00').toISOString(), '需协调供电公司更换线路'],
      ['reply', 'secretary-临河区委', at('2026-10-12 14:00').toISOString(), ''],
      ['rate', 'writer', at('2026-10-13 09:00').toISOString(), ''],
      ['rectify', 'secretary-临河区委', at('2026-10-20 09:00').toISOString(), '加装两盏路灯'],
      ['revisit', 'secretary-江川市委', at('2026-10-20 09:00').toISOString(), '电话回访，群众认可'],
    ]);
  });
});

describe('signed-in writers', () => {
  test('a signed-in writer lists their own messages with their tracking codes; nobody else sees them there', async () => {
    const writer = staff(district, ['member'], 'writer-7');
    const answer = await fb.write(draft(city.id), writer);
    expect(answer.status).toBe(201);
    const mine = await fb.call('GET', '/api/v1/messages/mine', writer);
    expect(mine.body.items.map((m: Json) => m.trackingCode)).toEqual([answer.trackingCode]);
    expect((await fb.call('GET', '/api/v1/messages/mine', cityAdmin)).body.items).toEqual([]);
    // The writer's identity is not the staff's business either.
    expect(JSON.stringify(await fb.staffView(answer.id, cityAdmin))).not.toContain('writer-7');
  });
});
