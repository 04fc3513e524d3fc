/**
 * What the gateway refuses before any service is asked, in the error shape and with the right
 * status: oversized headers and path segments, other charsets, integers past their proto type
 * (and past what a JSON number holds exactly),
 * control, bidirectional and invisible characters; and the headers every answer carries.
 * Services are unreachable here: none of these requests may get that far.
 */
import { request as httpRequest } from 'node:http';
import { createLogger } from '@repo/logging';
import { bearer, testCallerKeys } from '@repo/testbed';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app';
import { loadConfig } from '../src/config';

let app: FastifyInstance;
let base: string;
const tokenSecret = 'a-test-secret-of-at-least-thirty-two-characters';

beforeAll(async () => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    CONTENT_ADDR: '127.0.0.1:1',
    MEMBER_ADDR: '127.0.0.1:1',
    AUTH_TOKEN_SECRET: tokenSecret,
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    GRPC_DEADLINE_MS: '500',
  });
  ({ app } = await buildGateway(config, createLogger('gateway-test', 'silent')));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; details: Record<string, string> } };
  headers: Headers;
}

async function send(path: string, init: RequestInit = {}): Promise<ErrorAnswer> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: (await response.json()) as ErrorAnswer['body'], headers: response.headers };
}

const json = (body: unknown, contentType = 'application/json') => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body: JSON.stringify(body),
});

/** A raw request, for what fetch refuses to send. */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('headers too large answer 431 in the error shape', async () => {
  const answer = await raw('/api/v1/documents', { 'x-padding': 'x'.repeat(20_000) });
  expect(answer.status).toBe(431);
  expect(JSON.parse(answer.body)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: {} } });
});

test('a path segment too long answers 414 in the error shape', async () => {
  const answer = await send(`/api/v1/documents/${'a'.repeat(500)}`);
  expect(answer.status).toBe(414);
  expect(answer.body.error.code).toBe('URI_TOO_LONG');
  // The router answers it before any route, so every operation with a path parameter documents it.
  const openapi = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: object }>> };
  const withParameter = Object.entries(openapi.paths).filter(([path]) => path.includes('{'));
  expect(withParameter.length).toBeGreaterThan(20);
  const undocumented = withParameter.flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => !('414' in operation.responses))
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  expect(undocumented).toEqual([]);
});

test('a JSON body in another charset is refused with 415', async () => {
  const answer = await send('/api/v1/documents', json({ title: 'x' }, 'application/json; charset=utf-16'));
  expect(answer.status).toBe(415);
  expect(answer.body.error).toMatchObject({ code: 'UNSUPPORTED_CHARSET', details: { charset: 'utf-16' } });
  // UTF-8, spelled either way, gets through to validation.
  expect((await send('/api/v1/documents', json({}, 'application/json; charset=UTF-8'))).status).toBe(400);
});

test.each(['/api/v1/documents?page=99999999999', '/api/v1/documents?size=2147483648', '/api/v1/search/documents?page=3000000000'])(
  'an integer past its proto type is a 400, never a 500: %s',
  async (path) => {
    const answer = await send(path);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  },
);

test.each([
  [
    'an amount past what a JSON number holds exactly (the fuzzer sent it; 500 from serialising it)',
    '/api/v1/dues/payments',
    { memberId: '67d7cc9f-31f7-4a83-ae25-da9c114b879e', month: '2024-03', amountFen: 21072784445180026552320, reference: 'B-1' },
    'body.amountFen',
  ],
  ['an income past it', '/api/v1/members', { duesIncomeFen: 2 ** 53 }, 'body.duesIncomeFen'],
])('%s is a 400 naming the field', async (_what, path, body, field) => {
  const answer = await send(path, {
    ...json(body),
    headers: {
      'content-type': 'application/json',
      ...bearer({ userId: 'treasurer', roles: ['superAdmin'], orgPath: '/' }, tokenSecret, 600),
    },
  });
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  expect(answer.body.error.details).toHaveProperty([field]);
});

/** Every integer schema within a schema, with where it is. */
function integers(schema: unknown, at: string): [string, { minimum?: number; maximum?: number }][] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own: [string, { minimum?: number; maximum?: number }][] = node.type === 'integer' ? [[at, node]] : [];
  return [
    ...own,
    ...Object.entries((node.properties as Record<string, unknown>) ?? {}).flatMap(([name, child]) => integers(child, `${at}.${name}`)),
    ...integers(node.items, `${at}[]`),
    ...['anyOf', 'oneOf', 'allOf'].flatMap((key) => ((node[key] as unknown[]) ?? []).flatMap((child) => integers(child, at))),
  ];
}

test('every integer a request carries is bounded within what a JSON number holds exactly', async () => {
  type Operation = {
    parameters?: { in: string; name: string; schema: unknown }[];
    requestBody?: { content: Record<string, { schema: unknown }> };
  };
  const openapi = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  const found = Object.entries(openapi.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => [
      ...(operation.parameters ?? []).flatMap((p) => integers(p.schema, `${method.toUpperCase()} ${path} ${p.in}.${p.name}`)),
      ...integers(operation.requestBody?.content['application/json']?.schema, `${method.toUpperCase()} ${path} body`),
    ]),
  );
  expect(found.length).toBeGreaterThan(10);
  const unbounded = found.filter(([, s]) => !(Number.isSafeInteger(s.minimum) && Number.isSafeInteger(s.maximum))).map(([where]) => where);
  expect(unbounded).toEqual([]);
});

test.each([
  ['a NUL byte', 'a\u0000b'],
  ['a bidirectional override', 'safe\u202etxt.exe'],
  ['a zero-width space', 'ad\u200bmin'],
  ['a byte-order mark', '\ufeffname'],
  ['a lone surrogate', 'x\ud800y'],
  ['a C1 control', 'x\u0085y'],
])('%s in text is refused naming the field', async (_what, text) => {
  const answer = await send('/api/v1/auth/login', json({ userName: text, password: 'whatever-it-is' }));
  expect(answer.status).toBe(400);
  expect(answer.body.error.details).toHaveProperty(['body.userName']);
  // A URL cannot carry a lone surrogate at all (percent-decoding makes it U+FFFD).
  if (/[\ud800-\udfff]/.test(text)) return;
  const query = await send(`/api/v1/search/documents?q=${encodeURIComponent(text)}`);
  expect(query.status).toBe(400);
  expect(query.body.error.details).toHaveProperty(['query.q']);
});

test('tabs, line breaks and emoji with joiners are ordinary text', async () => {
  // Validation passes the text rule and stops at the schema (title must be present, etc.) or reaches the unreachable service.
  const answer = await send('/api/v1/search/documents?q=' + encodeURIComponent('三会一课\t通知 👨‍👩‍👧'));
  expect(answer.status).toBe(503);
});

test('every answer carries the security headers', async () => {
  const answer = await fetch(`${base}/healthz`);
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=/);
  expect((await fetch(`${base}/docs`)).status).toBe(200);
});

test('a bad token on a public route is 401, and the OpenAPI document says so', async () => {
  const answer = await send('/api/v1/search/documents?q=x', { headers: { authorization: 'Bearer not.a.token' } });
  expect(answer.status).toBe(401);
  expect(answer.body.error.code).toBe('AUTH_TOKEN_INVALID');
  const openapi = (await (await fetch(`${base}/docs/json`)).json()) as {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  };
  const search = openapi.paths['/api/v1/search/documents']!.get!;
  expect(search.responses).toHaveProperty('401');
  expect(search.security).toEqual([{}, { bearer: [] }]);
});

test('a client request id is kept only when it is a sane token', async () => {
  expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'portal-42' } })).headers.get('x-request-id')).toBe('portal-42');
  const replaced = (await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b <script>' } })).headers.get('x-request-id');
  expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
});
