/** A 503 always says when to try again: here every service is unreachable (nothing listens at their addresses). */
import { createLogger } from '@repo/logging';
import { randomSecret, testCallerKeys } from '@repo/testbed';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app';
import { loadConfig } from '../src/config';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    AUTH_TOKEN_SECRET: randomSecret(),
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    CONTENT_ADDR: '127.0.0.1:1',
    MEMBER_ADDR: '127.0.0.1:1',
  });
  ({ app } = await buildGateway(config, createLogger('gateway-test', 'silent')));
  // Real HTTP on loopback, as portals call it.
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

test('a route whose service is unreachable answers 503 with Retry-After, and so does /readyz', async () => {
  const search = await fetch(`${base}/api/v1/search/documents?q=x`);
  expect(search.status).toBe(503);
  expect(search.headers.get('retry-after')).toBe('5');
  expect(await search.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(ready.headers.get('retry-after')).toBe('5');
});

test('other answers carry no Retry-After', async () => {
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  expect(health.headers.get('retry-after')).toBeNull();
});
