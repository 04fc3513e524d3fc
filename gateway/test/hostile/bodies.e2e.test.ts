/**
 * Oversized and malformed bodies and URLs against the real gateway and content service: bodies
 * past the limit, JSON nested to blow a stack, huge arrays, megabyte strings, bytes that are not
 * UTF-8, query strings that cannot be decoded. Each is refused with its status and code, nothing
 * is written, and the gateway keeps serving.
 */
import { documentBodyLimitBytes } from '../../src/routes/content/documents';
import { startPlatform, type Platform } from '../support';
import { documentDraft, documentTotal, expectRefused, send, superAdmin } from './hostile';

jest.setTimeout(120_000);

let platform: Platform;
let before: number;
let draft: string;

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['content'] });
  // One document, so "nothing was written" is told apart from an empty store.
  const created = await send(platform, 'POST', '/api/v1/documents', { headers: superAdmin, body: documentDraft() });
  expect(created.status).toBe(201);
  draft = created.body.id;
  before = await documentTotal(platform);
});

afterEach(async () => {
  expect(await documentTotal(platform)).toBe(before);
  expect((await send(platform, 'GET', '/healthz')).status).toBe(200);
});

afterAll(async () => {
  await platform?.stop();
});

const json = { ...superAdmin, 'content-type': 'application/json' };
const create = (body: string | Uint8Array, headers: Record<string, string> = json) =>
  send(platform, 'POST', '/api/v1/documents', { headers, body });

/** JSON with every character past ASCII escaped, as Python's json.dumps writes it by default. */
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('sizes', () => {
  test('a body past what the longest document weighs is refused before it is parsed: 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify(documentDraft({ body: 'x' })).replace('"x"', `"${'x'.repeat(documentBodyLimitBytes)}"`);
    expectRefused(await create(body), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a document at its longest, every character escaped (2.4 MB of JSON), is within the limit', async () => {
    // 200,000 characters, each an astral one written as two escapes: twelve bytes apiece.
    const body = asciiJson({ body: '𠀀'.repeat(200_000), title: '党'.repeat(200) });
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    const answer = await send(platform, 'PATCH', `/api/v1/documents/${draft}`, { headers: json, body });
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 200, code: undefined });
    expect([...answer.body.body]).toHaveLength(200_000);
  });

  test('the OpenAPI document says a body can be refused as too large or of the wrong type', async () => {
    const openapi = (await send(platform, 'GET', '/docs/json')).body;
    for (const [path, method] of [
      ['/api/v1/documents', 'post'],
      ['/api/v1/documents/{id}', 'patch'],
      ['/api/v1/documents/{id}/approve', 'post'],
    ] as const) {
      expect(Object.keys(openapi.paths[path][method].responses)).toEqual(expect.arrayContaining(['413', '415']));
    }
  });

  test('a workflow step keeps the 1 MiB limit', async () => {
    const answer = await send(platform, 'POST', `/api/v1/documents/${draft}/submit`, {
      headers: json,
      body: JSON.stringify({ note: 'x'.repeat(1024 * 1024) }),
    });
    expectRefused(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a megabyte string under the body limit is refused by the field limit, naming the field', async () => {
    const answer = await create(JSON.stringify(documentDraft({ body: '党'.repeat(340_000) })));
    expectRefused(answer, 400, 'VALIDATION_FAILED');
    expect(Object.keys(answer.body.error.details)).toEqual(['body.body']);
  });

  test('an array of 100,000 topics is refused by its item limit', async () => {
    const answer = await create(JSON.stringify(documentDraft({ topics: Array.from({ length: 100_000 }, (_, i) => `t${i}`) })));
    expectRefused(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.error.details['body.topics']).toMatch(/10/);
    // One problem per field, not one per item: the answer stays small.
    expect(answer.text.length).toBeLessThan(2_000);
  });

  test('10,000 unknown fields answer one bounded error', async () => {
    const extra = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, i]));
    const answer = await create(JSON.stringify(documentDraft(extra)));
    expectRefused(answer, 400, 'VALIDATION_FAILED');
    expect(answer.text.length).toBeLessThan(20_000);
  });

  test('a query string repeated past the URL limit answers 431 in the error shape', async () => {
    const answer = await send(platform, 'GET', `/api/v1/search/documents?${'within=a&'.repeat(10_000)}`);
    expectRefused(answer, 431, 'HEADERS_TOO_LARGE');
  });
});

describe('nesting', () => {
  test.each([
    ['arrays 300,000 deep as the whole body', '['.repeat(300_000) + ']'.repeat(300_000)],
    ['objects 100,000 deep as the whole body', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['arrays 200,000 deep in a field', `{"title":${'['.repeat(200_000)}${']'.repeat(200_000)}}`],
    ['objects 33 deep in a field', `{"kind":"policy","title":${'{"a":'.repeat(33)}1${'}'.repeat(33)}}`],
  ])('JSON nested %s is refused with 400 JSON_TOO_DEEP', async (_what, body) => {
    const answer = await create(body);
    expectRefused(answer, 400, 'JSON_TOO_DEEP');
  });

  test('the anonymous sign-in refuses deep JSON the same way (no 500 before any check)', async () => {
    const answer = await send(platform, 'POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: `{"userName":${'['.repeat(100_000)}${']'.repeat(100_000)},"password":"x"}`,
    });
    expectRefused(answer, 400, 'JSON_TOO_DEEP');
  });
});

describe('bytes that are not UTF-8', () => {
  const wrap = (bytes: number[]) =>
    Buffer.concat([
      Buffer.from(JSON.stringify(documentDraft({ title: '@' })).split('@')[0]!),
      Buffer.from(bytes),
      Buffer.from(JSON.stringify(documentDraft({ title: '@' })).split('@')[1]!),
    ]);

  test.each([
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong NUL (C0 80)', [0xc0, 0x80]],
    ['a three-byte overlong "/" (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['a lone continuation byte', [0x80]],
    ['FF FE', [0xff, 0xfe]],
    ['a truncated sequence', [0xe4, 0xb8]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
  ])('%s in a JSON body is refused with 400 INVALID_UTF8, not stored as U+FFFD', async (_what, bytes) => {
    const answer = await create(wrap(bytes));
    expectRefused(answer, 400, 'INVALID_UTF8');
  });

  test('a body in UTF-16 is refused with 415 whatever its bytes', async () => {
    const answer = await create(Buffer.from(JSON.stringify(documentDraft()), 'utf16le'), {
      ...superAdmin,
      'content-type': 'application/json; charset=utf-16',
    });
    expectRefused(answer, 415, 'UNSUPPORTED_CHARSET');
  });

  test('valid UTF-8 after a byte-order mark is read (RFC 8259 allows ignoring it)', async () => {
    // A change to a document that does not exist: read and validated, then not found.
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ title: '党建' }))]);
    const answer = await send(platform, 'PATCH', '/api/v1/documents/3f1c2a56-8f1e-4c59-9a53-3c5f0b1f8f11', { headers: json, body });
    expectRefused(answer, 404, 'CONTENT_DOCUMENT_NOT_FOUND');
  });

  test.each([
    ['an overlong "/"', 'q=%C0%AF'],
    ['a truncated escape', 'q=%E4%B8'],
    ['an encoded surrogate', 'q=%ED%A0%80'],
    ['a broken escape', 'agency=%ZZ'],
  ])('a query string with %s is refused with 400 BAD_URL, not passed on as typed', async (_what, query) => {
    const answer = await send(platform, 'GET', `/api/v1/search/documents?${query}`);
    expectRefused(answer, 400, 'BAD_URL');
  });

  test('a well-encoded query with a literal percent sign is ordinary text', async () => {
    const answer = await send(platform, 'GET', `/api/v1/search/documents?q=${encodeURIComponent('100%C0%AF 三会一课')}`);
    expect(answer.status).toBe(200);
  });
});
