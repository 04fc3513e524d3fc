/**
 * Rate limits shared by the gateway's replicas: two gateways counting in one NATS KV bucket
 * (RATE_LIMIT_STORE=nats) allow the limit once between them, where two gateways counting in
 * memory allow it once each; and with NATS unreachable each replica keeps counting on its own.
 * Real NATS of the local stack; no service runs (the limit answers before any call).
 */
import { createLogger } from '@repo/logging';
import { ensureStack, randomSecret, stackUrls, testCallerKeys, uniqueNamespace } from '@repo/testbed';
import type { FastifyInstance } from 'fastify';
import { connect } from 'nats';
import { buildGateway } from '../src/app';
import { loadConfig } from '../src/config';

jest.setTimeout(60_000);

const limit = 3;
const bucket = `${uniqueNamespace('ratelimits')}`;
const gateways: FastifyInstance[] = [];

async function gateway(overrides: Record<string, string>): Promise<string> {
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUTH_TOKEN_SECRET: randomSecret(),
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    PUBLIC_RATE_LIMIT_PER_MINUTE: String(limit),
    // No service listens here: what is not limited answers 503 at once.
    CONTENT_ADDR: '127.0.0.1:1',
    MEMBER_ADDR: '127.0.0.1:1',
    ...overrides,
  });
  const { app } = await buildGateway(config, createLogger('gateway-test', config.LOG_LEVEL));
  gateways.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Statuses of `count` anonymous searches sent to the gateways in turn (from one address). */
async function statuses(bases: string[], count: number): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await fetch(`${bases[i % bases.length]}/api/v1/search/documents?q=x`)).status);
  return answers;
}

beforeAll(async () => {
  await ensureStack(['nats']);
});

afterAll(async () => {
  await Promise.all(gateways.map((app) => app.close()));
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    await (await nc.jetstreamManager()).streams.delete(`KV_${bucket}`).catch(() => undefined);
  } finally {
    await nc.close();
  }
});

async function sharedReady(base: string): Promise<void> {
  // The bucket is opened in the background: wait until the first count went to NATS.
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for (let tries = 0; tries < 100; tries++) {
      if (
        await jsm.streams.info(`KV_${bucket}`).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`bucket ${bucket} not created by ${base}`);
  } finally {
    await nc.close();
  }
}

test('two replicas on one NATS KV bucket allow the limit once between them', async () => {
  const shared = { RATE_LIMIT_STORE: 'nats', NATS_URL: stackUrls().natsUrl, RATE_LIMIT_BUCKET: bucket };
  const bases = [await gateway(shared), await gateway(shared)];
  await sharedReady(bases[0]!);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const answers = await statuses(bases, 8);
  expect(answers.filter((s) => s !== 429)).toHaveLength(limit);
  expect(answers.slice(limit).every((s) => s === 429)).toBe(true);
});

test('replicas counting in memory allow the limit once each', async () => {
  const bases = [await gateway({ RATE_LIMIT_STORE: 'memory' }), await gateway({ RATE_LIMIT_STORE: 'memory' })];
  const answers = await statuses(bases, 8);
  expect(answers.filter((s) => s !== 429)).toHaveLength(2 * limit);
});

test('with NATS unreachable each replica still limits, on its own, and answers at once', async () => {
  const unreachable = { RATE_LIMIT_STORE: 'nats', NATS_URL: 'nats://127.0.0.1:1', RATE_LIMIT_BUCKET: bucket };
  const bases = [await gateway(unreachable), await gateway(unreachable)];
  const started = Date.now();
  const answers = await statuses(bases, 8);
  expect(answers.filter((s) => s !== 429)).toHaveLength(2 * limit);
  expect(Date.now() - started).toBeLessThan(5_000);
});
