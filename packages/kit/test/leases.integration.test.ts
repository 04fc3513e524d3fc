/**
 * Job leases against the real document store: replicas racing for one lease, each with its own
 * connection, as separate processes would.
 */
import { connectMongo, type Connection } from '@repo/db';
import { createLogger } from '@repo/logging';
import { cleanupNamespace, ensureStack, stackUrls, uniqueNamespace } from '@repo/testbed';
import { Leases } from '../src';

jest.setTimeout(60_000);

const logger = createLogger('leases-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const namespace = uniqueNamespace('leases');
const connections: Connection[] = [];

async function replicas(n: number): Promise<Leases[]> {
  const url = `${stackUrls().mongoUrl}/${namespace}`;
  const opened = await Promise.all(Array.from({ length: n }, () => connectMongo({ url, logger })));
  connections.push(...opened);
  return opened.map((connection) => new Leases(connection));
}

beforeAll(async () => {
  await ensureStack(['ferretdb']);
});

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await cleanupNamespace(namespace);
});

test('of replicas racing for a free lease exactly one takes it, round after round', async () => {
  const racers = await replicas(4);
  for (let round = 0; round < 5; round++) {
    // Each replica asks twice at once, as two ticks of one process can.
    const taken = await Promise.all([...racers, ...racers].map((leases) => leases.acquire('job:race', 30_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);
    const winner = racers[taken.indexOf(true) % racers.length]!;
    // Held: nobody else, and not the holder again.
    expect(await Promise.all(racers.map((leases) => leases.acquire('job:race', 30_000)))).toEqual([false, false, false, false]);
    await winner.release('job:race');
  }
});

test('an expired lease is free again; a minimum interval holds across replicas', async () => {
  const [a, b] = await replicas(2);
  const t0 = new Date('2026-01-01T00:00:00Z');
  expect(await a!.acquire('job:interval', 1_000, 60_000, t0)).toBe(true);
  // Held until it expires, even when it is not released (a replica that died mid-run).
  expect(await b!.acquire('job:interval', 1_000, 0, new Date(t0.getTime() + 500))).toBe(false);
  expect(await b!.acquire('job:interval', 1_000, 0, new Date(t0.getTime() + 1_500))).toBe(true);
  await b!.release('job:interval');
  // The work last started at t0 + 1.5 s: with a minute between runs, not before t0 + 61.5 s.
  expect(await a!.acquire('job:interval', 1_000, 60_000, new Date(t0.getTime() + 30_000))).toBe(false);
  expect(await a!.acquire('job:interval', 1_000, 60_000, new Date(t0.getTime() + 61_500))).toBe(true);
});

test('a renewed lease stays held past its first expiry; a lost one cannot be renewed', async () => {
  const [a, b] = await replicas(2);
  const t0 = new Date('2026-01-01T00:00:00Z');
  expect(await a!.acquire('run:long', 1_000, 0, t0)).toBe(true);
  expect(await a!.renew('run:long', 1_000, new Date(t0.getTime() + 800))).toBe(true);
  // Without the renewal it would be free at t0 + 1.2 s.
  expect(await b!.acquire('run:long', 1_000, 0, new Date(t0.getTime() + 1_200))).toBe(false);
  // a stops renewing (it died): b takes it, and a's late renewal is refused.
  expect(await b!.acquire('run:long', 1_000, 0, new Date(t0.getTime() + 2_000))).toBe(true);
  expect(await a!.renew('run:long', 1_000, new Date(t0.getTime() + 2_100))).toBe(false);
  expect(await b!.renew('run:long', 1_000, new Date(t0.getTime() + 2_100))).toBe(true);
  await b!.release('run:long');
});
