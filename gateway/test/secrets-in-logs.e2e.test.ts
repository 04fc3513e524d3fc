/**
 * No secret in a log line: the processes are started (from their builds, as in production) with
 * store URLs that carry credentials and point where nothing answers, so they log their retries
 * and failures; none of what they print holds the passwords.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureStack, randomSecret, repoRoot, stackEnv, testCallerKeys, uniqueNamespace } from '@repo/testbed';

jest.setTimeout(60_000);

const password = `pw${randomSecret().slice(0, 16)}`;

/** Everything the process prints in `ms`, then it is stopped. */
function output(script: string, env: Record<string, string>, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot(), script)], {
      cwd: repoRoot(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

beforeAll(async () => {
  await ensureStack();
});

test('the content service retrying a document store that does not answer prints no password', async () => {
  const env = {
    ...stackEnv(uniqueNamespace('logs')),
    LOG_LEVEL: 'debug',
    CONTENT_GRPC_ADDR: '127.0.0.1:0',
    MONGO_URL: `mongodb://content:${password}@127.0.0.1:1/partybuilding`,
  };
  const text = await output('services/content/dist/main.js', env, 15_000);
  expect(text).toMatch(/document store not ready/);
  expect(text).not.toContain(password);
});

test('the content service failing to reach Elasticsearch prints no password', async () => {
  const env = {
    ...stackEnv(uniqueNamespace('logs')),
    LOG_LEVEL: 'debug',
    CONTENT_GRPC_ADDR: '127.0.0.1:0',
    ELASTICSEARCH_URL: `http://elastic:${password}@127.0.0.1:1`,
  };
  const text = await output('services/content/dist/main.js', env, 20_000);
  expect(text).toMatch(/failed to start: ConnectionError/);
  expect(text).not.toContain(password);
});

/** The member service's environment on the test stack, with `store` replacing one store's URL. */
const memberEnv = (store: Record<string, string>) => ({
  ...stackEnv(uniqueNamespace('logs')),
  LOG_LEVEL: 'debug',
  MEMBER_GRPC_ADDR: '127.0.0.1:0',
  AUTH_TOKEN_SECRET: randomSecret(),
  ...store,
});

test('the member service retrying a document store that does not answer prints no password', async () => {
  const env = memberEnv({ MONGO_URL: `mongodb://member:${password}@127.0.0.1:1/partybuilding-member` });
  const text = await output('services/member/dist/main.js', env, 15_000);
  expect(text).toMatch(/document store not ready/);
  expect(text).not.toContain(password);
});

test('the member service waiting for a NATS that does not answer prints no password', async () => {
  const text = await output('services/member/dist/main.js', memberEnv({ NATS_URL: `nats://member:${password}@127.0.0.1:1` }), 10_000);
  expect(text).toMatch(/connecting to NATS/);
  expect(text).toContain('127.0.0.1:1');
  expect(text).not.toContain(password);
});

test('the gateway with an unreachable NATS (shared rate limits) prints no password', async () => {
  const env = {
    LOG_LEVEL: 'debug',
    GATEWAY_PORT: '0',
    AUTH_TOKEN_SECRET: randomSecret(),
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    RATE_LIMIT_STORE: 'nats',
    NATS_URL: `nats://gateway:${password}@127.0.0.1:1`,
  };
  const text = await output('gateway/dist/main.js', env, 6_000);
  expect(text).toMatch(/rate-limit store cannot reach NATS/);
  expect(text).not.toContain(password);
});
