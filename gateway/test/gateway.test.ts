/** The gateway on its own, with its downstream services unreachable. */
import { createLogger } from '@repo/logging';
import { addressVariable, platformServices } from '@repo/platform';
import { testCallerKeys } from '@repo/testbed';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app';
import { loadConfig } from '../src/config';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    // Nothing listens here: every call to every service of the list fails fast.
    ...Object.fromEntries(platformServices.map((service) => [addressVariable(service.name), '127.0.0.1:1'])),
    AUTH_TOKEN_SECRET: 'a-test-secret-of-at-least-thirty-two-characters',
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    GRPC_DEADLINE_MS: '1000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '5',
    CORS_ORIGINS: 'https://portal.example',
  });
  ({ app } = await buildGateway(config, createLogger('gateway-test', 'silent')));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

test('a service that does not answer gives 503 in the error shape, and readiness says so', async () => {
  const response = await get('/api/v1/documents/3f1c2a56-8f1e-4c59-9a53-3c5f0b1f8f11');
  expect(response.status).toBe(503);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
  const ready = await get('/readyz');
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({
    status: 'unavailable',
    services: Object.fromEntries(platformServices.map((service) => [service.name, false])),
  });
});

test('bodies over 1 MiB are refused before they are parsed', async () => {
  const response = await fetch(`${base}/api/v1/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'x'.repeat(1024 * 1024 + 1) }),
  });
  expect(response.status).toBe(413);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
});

test('CORS admits the configured portal only', async () => {
  expect((await get('/healthz', { origin: 'https://portal.example' })).headers.get('access-control-allow-origin')).toBe(
    'https://portal.example',
  );
  expect((await get('/healthz', { origin: 'https://elsewhere.example' })).headers.get('access-control-allow-origin')).toBeNull();
});

test('a client over its rate limit gets 429 in the error shape; probes are exempt', async () => {
  let last: Response | undefined;
  for (let i = 0; i < 8; i++) last = await get('/docs/json');
  expect(last!.status).toBe(429);
  const body = (await last!.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.message).toMatch(/rate limit of 5 requests/);
  expect((await get('/healthz')).status).toBe(200);
});
