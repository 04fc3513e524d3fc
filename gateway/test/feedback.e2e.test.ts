/**
 * The online mass line through REST, against the real feedback service, document store, NATS
 * and Elasticsearch: the public writes, follows and rates; staff take the message through the
 * workflow; public answers never carry a contact, a writer or a staff note, and markup people
 * write comes back as the text it is; bad input is named field by field; limits answer 429.
 *
 * The service runs on the wall clock, so its working-day calendar here is the real data file
 * plus, for any year from this one on that the file does not declare yet, a year of plain
 * weekdays marked as a test fixture: what these tests check does not depend on holidays (the
 * service's own tests check those on a fixed clock), and they must not start failing on the
 * day the real data runs out.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkingDaysFile } from '@repo/calendar';
import type { FeedbackApp } from '@repo/feedback/app';
import { announceOrganizations, bearer, waitFor } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// Response bodies are checked field by field below; their shapes are the OpenAPI schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const addressLimit = 12;
let platform: Platform;
let feedback: FeedbackApp;
let fixtureDir: string;
/** Messages written so far from this test's one client address (127.0.0.1). */
let written = 0;

const city = { id: randomUUID(), name: '江川市委' };
const district = { id: randomUUID(), name: '临河区委' };
const other = { id: randomUUID(), name: '东山区委' };
const pathOf = (...ids: string[]) => `/${ids.join('/')}/`;
const cityAdmin = bearer({ userId: 'city-admin', roles: ['orgAdmin'], orgPath: pathOf(city.id) }, tokenSecret);
const districtSecretary = bearer(
  { userId: 'district-secretary', roles: ['secretary'], orgPath: pathOf(city.id, district.id) },
  tokenSecret,
);
const otherAdmin = bearer({ userId: 'other-admin', roles: ['orgAdmin'], orgPath: pathOf(city.id, other.id) }, tokenSecret);
const cityMember = bearer({ userId: 'member-1', roles: ['member'], orgPath: pathOf(city.id) }, tokenSecret);
const signedInWriter = bearer({ userId: 'writer-7', roles: ['member'], orgPath: pathOf(city.id, district.id) }, tokenSecret);

function calendarFixture(): string {
  const real = readFileSync(defaultWorkingDaysFile(), 'utf8');
  const declared = new Set([...real.matchAll(/^year (\d{4})/gm)].map((m) => Number(m[1])));
  const thisYear = new Date().getUTCFullYear();
  const extra = [thisYear, thisYear + 1]
    .filter((year) => !declared.has(year))
    .map((year) => `year ${year} test fixture: weekdays only, not a State Council notice`);
  fixtureDir = mkdtempSync(join(tmpdir(), 'feedback-calendar-'));
  const file = join(fixtureDir, 'working-days.txt');
  writeFileSync(file, [real, ...extra].join('\n'));
  return file;
}

beforeAll(async () => {
  platform = await startPlatform(
    { FEEDBACK_CALENDAR_FILE: calendarFixture(), FEEDBACK_ADDRESS_DAILY_LIMIT: String(addressLimit) },
    { only: ['feedback'] },
  );
  feedback = platform.apps.feedback as FeedbackApp;
  // The tree as the member service announces it.
  await announceOrganizations(platform.namespace, [
    { ...city, kind: 'committee', path: pathOf(city.id) },
    { ...district, kind: 'committee', path: pathOf(city.id, district.id) },
    { ...other, kind: 'committee', path: pathOf(city.id, other.id) },
  ]);
  await waitFor(async () => (await call('GET', '/api/v1/message-recipients')).body.organizations?.length === 1, {
    what: 'the tree in the feedback service',
  });
});

afterAll(async () => {
  await platform?.stop();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

/** Raw text of an answer, to look for what must never be in it. */
const raw = async (url: string, headers: Record<string, string> = {}) => (await fetch(`${platform.baseUrl}${url}`, { headers })).text();

let serial = 0;
const draft = (overrides: Record<string, unknown> = {}) => {
  serial++;
  return {
    type: 'complaint',
    domain: '城建',
    organizationId: city.id,
    subject: `滨江路积水（${serial}）`,
    body: '滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。',
    region: '江川市临河区',
    contact: `1360000${String(1000 + serial)}`,
    contactName: '王先生',
    ...overrides,
  };
};

async function write(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const answer = await call('POST', '/api/v1/messages', headers, body);
  if (answer.status === 201) written++;
  return answer;
}

const step = (id: string, name: string, who: Record<string, string>, body: Record<string, unknown> = {}) =>
  call('POST', `/api/v1/feedback/messages/${id}/${name}`, who, body);

describe('a message through REST', () => {
  const contact = '13611112222';
  const payload = {
    subject: '<script>alert(1)</script>滨江路路灯坏了',
    body: '<img src=x onerror=alert(1)> 路灯坏了一个月，晚上出行不安全。',
  };
  let id = '';
  let trackingCode = '';

  test('the public writes one: 201, a tracking code, the text as written, no contact in the answer', async () => {
    const answer = await write(draft({ ...payload, contact: '136-1111-2222', domain: '交通', type: 'help' }));
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    trackingCode = answer.body.trackingCode;
    expect(trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    id = answer.body.message.message.id;
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
  });

  test('the writer follows it with the code and the contact; a wrong contact finds nothing', async () => {
    const tracked = await call('POST', '/api/v1/messages/tracking', {}, { trackingCode: trackingCode.toLowerCase(), contact });
    expect(tracked.status).toBe(200);
    expect(tracked.body.message).toMatchObject({ id, status: 'submitted' });
    const wrong = await call('POST', '/api/v1/messages/tracking', {}, { trackingCode, contact: '13600000000' });
    expect(wrong).toMatchObject({ status: 404, body: { error: { code: 'FEEDBACK_TRACKING_NOT_FOUND' } } });
  });

  test('staff routes: 401 for the public, 403 without the right, 404 outside the scope', async () => {
    expect((await call('GET', `/api/v1/feedback/messages/${id}`)).body.error.code).toBe('AUTH_REQUIRED');
    expect((await call('GET', `/api/v1/feedback/messages/${id}`)).status).toBe(401);
    expect((await call('GET', `/api/v1/feedback/messages/${id}`, cityMember)).status).toBe(403);
    expect((await call('GET', `/api/v1/feedback/messages/${id}`, otherAdmin)).status).toBe(404);
    const seen = await call('GET', `/api/v1/feedback/messages/${id}`, cityAdmin);
    expect(seen.body).toMatchObject({ contact, contactName: '王先生', status: 'submitted', acceptance: { stage: 'acceptance' } });
  });

  test('accepted, assigned, replied by staff; public then, without contact, writer or staff notes', async () => {
    const accepted = await step(id, 'accept', cityAdmin, { note: '内部：已电话核实', expectedRevision: 1 });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', revision: 2, handling: { stage: 'handling' } });
    expect((await step(id, 'accept', cityAdmin, { expectedRevision: 1 })).body.error.code).toBe('STALE_REVISION');
    expect((await step(id, 'assign', cityAdmin, { organizationId: district.id, note: '内部：请区里办' })).body.status).toBe('assigned');
    // The other district does not even see it.
    expect((await step(id, 'reply', otherAdmin, { body: '答复' })).status).toBe(404);
    const replied = await step(id, 'reply', districtSecretary, { body: '已更换<b>路灯</b>。' });
    expect(replied.body).toMatchObject({ status: 'replied', reply: { organizationName: '临河区委', onTime: true } });

    const text = await raw(`/api/v1/messages/${id}`);
    for (const secret of [contact, '王先生', '内部', 'city-admin', 'district-secretary', 'writer']) expect(text).not.toContain(secret);
    const shown = JSON.parse(text);
    expect(shown).toMatchObject({
      status: 'replied',
      subject: payload.subject,
      body: payload.body,
      handlingOrganizationName: '临河区委',
      reply: { body: '已更换<b>路灯</b>。' },
    });
    expect(shown.history.map((s: Json) => s.action)).toEqual(['submit', 'accept', 'assign', 'reply']);

    // The public list is picked by the search index, a moment behind the store.
    const listed = await waitFor(
      async () => {
        const text = await raw('/api/v1/messages?repliedOnly=true');
        return JSON.parse(text).items.some((m: Json) => m.id === id) ? text : undefined;
      },
      { what: 'the replied message in the public list' },
    );
    expect(listed).not.toContain(contact);
  });

  test('found in search with the markup escaped in the highlights', async () => {
    const found = await waitFor(
      async () => {
        const answer = await call('GET', `/api/v1/search/messages?q=${encodeURIComponent('路灯')}`);
        return answer.body.hits?.find((h: Json) => h.id === id);
      },
      { what: 'the message in search' },
    );
    expect(found.subject).toBe(payload.subject);
    const fragments = [...found.highlights.subject, ...found.highlights.body, ...found.highlights.reply].join('\n');
    expect(fragments).toContain('<em>路灯</em>');
    expect(fragments).toContain('&lt;script&gt;');
    expect(fragments.replace(/<\/?em>/g, '')).not.toMatch(/<[a-z/]/i);
  });

  test('rated unsatisfied by the writer: closed, a rectification due; counted in the statistics', async () => {
    const rated = await call(
      'POST',
      '/api/v1/messages/tracking/rating',
      {},
      { trackingCode, contact, attitude: 2, speed: 1, overall: 'dissatisfied', comment: '晚上仍然很黑' },
    );
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({
      canRate: false,
      rating: { attitude: 2, speed: 1, overall: 'dissatisfied' },
      message: { status: 'closed', satisfaction: 'dissatisfied' },
    });
    expect(rated.body.rectificationDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await feedback.statistics.recompute();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const stats = await call('GET', `/api/v1/feedback/statistics?organizationId=${city.id}&from=${today}&to=${today}`, cityAdmin);
    expect(stats.status).toBe(200);
    expect(stats.body.total).toMatchObject({
      replied: 1,
      ratings: 1,
      unsatisfied: 1,
      revisited: 0,
      satisfaction: 0,
      attitudeStars: 2,
      speedStars: 1,
    });
    expect(stats.body.total.submitted).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/api/v1/feedback/statistics?from=${today}&to=${today}`, cityMember)).status).toBe(403);
  });
});

describe('bad input, named field by field', () => {
  test('the schema: wrong words, missing and unknown fields', async () => {
    const { contact: _contact, ...withoutContact } = draft();
    const answer = await call('POST', '/api/v1/messages', {}, { ...withoutContact, type: 'praise', colour: 'red' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toMatchObject({
      'body.type': 'must be one of thanks, suggestion, help, complaint, consultation',
      'body.contact': 'is required',
      'body.colour': 'is not a known field',
    });
  });

  test('the rules: a contact that is none, an unknown domain, an organisation that does not exist; nothing written', async () => {
    const before = await feedback.messages.model.countDocuments({}).exec();
    const answer = await call('POST', '/api/v1/messages', {}, draft({ contact: 'call me', domain: '天文' }));
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.details).sort()).toEqual(['contact', 'domain']);
    expect((await call('POST', '/api/v1/messages', {}, draft({ organizationId: randomUUID() }))).body.error.details).toEqual({
      organizationId: 'names no organisation',
    });
    expect((await call('GET', '/api/v1/feedback/statistics?from=2026-13-01&to=2026-10-01', cityAdmin)).status).toBe(400);
    expect(await feedback.messages.model.countDocuments({}).exec()).toBe(before);
  });

  test('a workflow step from the wrong status answers 409 naming the rule', async () => {
    const { body } = await write(draft());
    const answer = await step(body.message.message.id, 'reply', cityAdmin, { body: '答复' });
    expect(answer).toMatchObject({
      status: 409,
      body: { error: { code: 'FEEDBACK_WORKFLOW_STEP', details: { status: 'submitted', requiredStatus: 'accepted,assigned' } } },
    });
  });
});

describe('signed-in writers and limits', () => {
  test('a signed-in writer lists their own messages with their tracking codes', async () => {
    const { body } = await write(draft(), signedInWriter);
    const mine = await call('GET', '/api/v1/messages/mine', signedInWriter);
    expect(mine.body.items.map((m: Json) => m.trackingCode)).toEqual([body.trackingCode]);
    expect((await call('GET', '/api/v1/messages/mine', cityAdmin)).body.items).toEqual([]);
  });

  test('three a day per contact, then 429 with Retry-After; the address has its limit too', async () => {
    const contact = '13622223333';
    for (let i = 0; i < 3; i++) expect((await write(draft({ contact }))).status).toBe(201);
    const refused = await write(draft({ contact }));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'FEEDBACK_SUBMISSION_LIMIT', details: { per: 'contact', limit: '3' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    while (written < addressLimit) expect((await write(draft())).status).toBe(201);
    const byAddress = await write(draft());
    expect(byAddress).toMatchObject({
      status: 429,
      body: { error: { code: 'FEEDBACK_SUBMISSION_LIMIT', details: { per: 'address', limit: String(addressLimit) } } },
    });
  });

  test('the catalogue tells what to write and how long it takes', async () => {
    const catalogue = await call('GET', '/api/v1/message-catalogue');
    expect(catalogue.body).toMatchObject({
      acceptanceDays: 1,
      maxHandlingDays: 15,
      returnReasons: ['abusive', 'duplicate', 'outsideScope', 'petition', 'court'],
    });
    expect(catalogue.body.types).toEqual(
      expect.arrayContaining([
        { type: 'consultation', handlingDays: 5 },
        { type: 'complaint', handlingDays: 7 },
      ]),
    );
  });
});
