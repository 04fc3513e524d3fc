/**
 * Injection and hostile text against every operation of the OpenAPI document (every service's routes,
 * whichever services run: the gateway refuses these itself), and search syntax
 * against the real index: NoSQL operators in every JSON field, query parameter and path
 * parameter; prototype-pollution keys; control, bidirectional and invisible characters and lone
 * surrogates in every text field; look-alike user names. Each is refused by the gateway with
 * 400 naming the field (so no service ever sees it), nothing is written, and Elasticsearch query
 * syntax is searched for as text, finding no draft.
 */
import { waitFor } from '@repo/testbed';
import { startPlatform, type Platform } from '../support';
import { documentDraft, documentTotal, expectRefused, publishDocument, send, superAdmin, type Json } from './hostile';
import { operations, servicesLeftOut, type Operation } from './openapi';

jest.setTimeout(180_000);

let platform: Platform;
let ops: Operation[];
let before: number;
let published: string;
let draft: string;

beforeAll(async () => {
  // Thousands of requests from one client: the rate limits are tested elsewhere.
  platform = await startPlatform(
    { RATE_LIMIT_PER_MINUTE: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '10000' },
    { only: ['content'] },
  );
  ops = await operations(platform);
  // Every service's routes are attacked, whichever services run: the gateway refuses all of it.
  expect(servicesLeftOut(ops)).toEqual([]);
  published = await publishDocument(platform, { title: '关于加强基层党组织建设的通知' });
  const created = await send(platform, 'POST', '/api/v1/documents', {
    headers: superAdmin,
    body: documentDraft({ title: '机密草稿不得外传' }),
  });
  draft = created.body.id;
  before = await documentTotal(platform);
});

afterEach(async () => {
  expect(await documentTotal(platform)).toBe(before);
});

afterAll(async () => {
  await platform?.stop();
});

/** Sends every attack; returns those not refused with 400 VALIDATION_FAILED naming the field. */
async function unrefused(
  attacks: { what: string; method: Operation['method']; path: string; body?: unknown; field: string }[],
): Promise<string[]> {
  expect(attacks.length).toBeGreaterThan(0);
  const wrong: string[] = [];
  for (const attack of attacks) {
    const answer = await send(platform, attack.method, attack.path, {
      headers: superAdmin,
      ...(attack.body === undefined ? {} : { body: attack.body }),
    });
    const named = Object.keys(answer.body?.error?.details ?? {}).some((field) => field.startsWith(attack.field));
    if (answer.status !== 400 || answer.body?.error?.code !== 'VALIDATION_FAILED' || !named) {
      wrong.push(`${attack.method} ${attack.path} ${attack.what}: ${answer.status} ${answer.text.slice(0, 160)}`);
    }
  }
  return wrong;
}

const operators: [string, unknown][] = [
  ['$ne', { $ne: null }],
  ['$gt', { $gt: '' }],
  ['$where', { $where: 'sleep(5000)' }],
  ['$regex', { $regex: '.*' }],
  ['$in', { $in: ['superAdmin'] }],
];

describe('NoSQL operators', () => {
  test('in every field of every JSON body', async () => {
    const attacks = ops.flatMap((op) =>
      Object.keys(op.bodyFields).flatMap((field) =>
        operators.map(([name, value]) => ({
          what: `body.${field} = ${name}`,
          method: op.method,
          path: op.path,
          body: { [field]: value },
          field: `body.${field}`,
        })),
      ),
    );
    expect(await unrefused(attacks)).toEqual([]);
  });

  test('in every query parameter, as brackets', async () => {
    const attacks = ops.flatMap((op) =>
      op.queryParameters.map((name) => ({
        what: `${name}[$ne]`,
        method: op.method,
        path: `${op.path}?${name}[$ne]=x`,
        field: `query.${name}[$ne]`,
      })),
    );
    expect(await unrefused(attacks)).toEqual([]);
  });

  test('in every path parameter', async () => {
    const attacks = ops
      .filter((op) => op.pathParameters.length > 0)
      .map((op) => ({
        what: 'id = {"$ne":null}',
        method: op.method,
        path: op.template.replace(/\{[^}]+\}/g, encodeURIComponent('{"$ne":null}')),
        body: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
        field: 'params.',
      }));
    expect(await unrefused(attacks)).toEqual([]);
  });

  test('as text of a filter, an operator is a value that matches nothing', async () => {
    const answer = await send(platform, 'GET', `/api/v1/documents?agency=${encodeURIComponent('{"$ne":null}')}`, { headers: superAdmin });
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(0);
  });
});

describe('prototype pollution', () => {
  test.each([
    ['__proto__', '{"kind":"policy","__proto__":{"roles":["superAdmin"]}}'],
    ['a nested __proto__', `{"title":"x","topics":[],"body":"y","x":{"__proto__":{"polluted":true}}}`],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
  ])('a body with %s is refused as malformed, and no object is polluted', async (_what, body) => {
    const answer = await send(platform, 'POST', '/api/v1/documents', {
      headers: { ...superAdmin, 'content-type': 'application/json' },
      body,
    });
    expectRefused(answer, 400, 'MALFORMED_JSON');
    expect(({} as Json).polluted).toBeUndefined();
    expect(({} as Json).roles).toBeUndefined();
  });

  test.each(['__proto__[polluted]=1', '__proto__=1', 'constructor[prototype][polluted]=1', 'toString=1'])(
    'a query %s is an unknown field',
    async (query) => {
      const answer = await send(platform, 'GET', `/api/v1/documents?${query}`, { headers: superAdmin });
      expectRefused(answer, 400, 'VALIDATION_FAILED');
      expect(({} as Json).polluted).toBeUndefined();
    },
  );
});

const hostileText: [string, string][] = [
  ['a NUL', 'a\u0000b'],
  ['a right-to-left override', 'abc\u202Etxt'],
  ['a zero-width space', '党\u200B建'],
  ['a lone high surrogate', 'x\uD800y'],
  ['a lone low surrogate', 'x\uDC00y'],
  ['an escape (ESC)', 'a\u001B[31mb'],
];

describe('hostile text', () => {
  test('in every text field of every JSON body', async () => {
    const attacks = ops.flatMap((op) =>
      Object.entries(op.bodyFields)
        .filter(([, schema]) => schema.type === 'string')
        .flatMap(([field]) =>
          hostileText.map(([what, text]) => ({
            what: `body.${field} with ${what}`,
            method: op.method,
            path: op.path,
            body: { [field]: text },
            field: `body.${field}`,
          })),
        ),
    );
    expect(await unrefused(attacks)).toEqual([]);
  });

  test('in every query parameter', async () => {
    // A URL cannot carry a lone surrogate (percent-encoded, it is refused as undecodable).
    const attacks = ops.flatMap((op) =>
      op.queryParameters.flatMap((name) =>
        hostileText
          .filter(([what]) => !what.includes('surrogate'))
          .map(([what, text]) => ({
            what: `${name} with ${what}`,
            method: op.method,
            path: `${op.path}?${name}=${encodeURIComponent(text)}`,
            field: `query.${name}`,
          })),
      ),
    );
    expect(await unrefused(attacks)).toEqual([]);
  });

  test.each([
    ['full-width letters', 'ａｄｍｉｎ'],
    ['a Cyrillic а', 'аdmin'],
    ['a Greek ο', 'rοot'],
    ['a Kelvin sign', 'Kadmin'.replace('K', '\u212A')],
    ['a dotless ı', 'admın'],
  ])('a user name with %s (an NFKC or confusable look-alike) is refused by the name rule', async (_what, userName) => {
    const answer = await send(platform, 'POST', '/api/v1/users', {
      headers: superAdmin,
      body: { userName, displayName: '仿冒', password: 'Str0ng-enough-passw0rd', roles: ['member'] },
    });
    expectRefused(answer, 400, 'VALIDATION_FAILED');
    expect(Object.keys(answer.body.error.details)).toEqual(['body.userName']);
  });
});

describe('search syntax', () => {
  test.each([
    '*',
    '*:*',
    'title:*',
    'status:draft',
    '_exists_:body',
    '机密草稿 OR *',
    '" OR 1=1 --',
    '\\',
    '((((((',
    '/.*/',
    '机密~10',
    '机密^1000',
    '{"query":{"match_all":{}}}',
    '<script>alert(1)</script>',
  ])('%s is searched for as text: an answer, no error, and no draft', async (q) => {
    const answer = await send(platform, 'GET', `/api/v1/search/documents?q=${encodeURIComponent(q)}&size=50`);
    expect(answer.status).toBe(200);
    expect(answer.body.hits.map((h: Json) => h.id)).not.toContain(draft);
    for (const hit of answer.body.hits) expect(JSON.stringify(hit.highlights)).not.toMatch(/<(?!\/?em>)/);
    const suggested = await send(platform, 'GET', `/api/v1/search/suggest?q=${encodeURIComponent(q)}`);
    expect(suggested.status).toBe(200);
    expect(suggested.body.suggestions.map((s: Json) => s.id)).not.toContain(draft);
  });

  test('the published document is found by its words, so the searches above did search', async () => {
    await waitFor(
      async () =>
        (await send(platform, 'GET', `/api/v1/search/documents?q=${encodeURIComponent('基层党组织')}`)).body.hits.some(
          (h: Json) => h.id === published,
        ),
      {
        what: 'the published document in search',
      },
    );
  });
});
