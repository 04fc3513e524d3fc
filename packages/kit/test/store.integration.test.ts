/**
 * What the services' batched writes ask of the local document store (FerretDB on PostgreSQL,
 * patched by deploy/local): a bulk of many updates answers, and the store answers others after it.
 */
import { connectMongo, type Connection } from '@repo/db';
import { createLogger } from '@repo/logging';
import { cleanupNamespace, ensureStack, stackUrls, uniqueNamespace } from '@repo/testbed';

jest.setTimeout(60_000);

const logger = createLogger('store-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const namespace = uniqueNamespace('store');
let connection: Connection;

beforeAll(async () => {
  await ensureStack(['ferretdb']);
  connection = await connectMongo({ url: `${stackUrls().mongoUrl}/${namespace}`, logger });
});

afterAll(async () => {
  await connection?.close();
  await cleanupNamespace(namespace);
});

test('a bulk of more updates than the store has connections answers, and the store keeps answering', async () => {
  // FerretDB's PostgreSQL pool has 50 connections; unpatched, each statement of a bulk update kept
  // one until the whole command ended, so the 51st waited forever and every client hung with it.
  const rows = connection.db!.collection<{ _id: string; userId: string; revision: number }>('links');
  const ids = Array.from({ length: 120 }, (_, i) => `m${String(i).padStart(3, '0')}`);
  await rows.insertMany(ids.map((_id) => ({ _id, userId: `u-${_id}`, revision: 0 })));
  const result = await rows.bulkWrite(
    ids.map((_id) => ({ updateOne: { filter: { _id, userId: `u-${_id}` }, update: { $set: { userId: '' }, $inc: { revision: 1 } } } })),
    { ordered: false },
  );
  expect(result.modifiedCount).toBe(ids.length);
  expect(await rows.countDocuments({ userId: '', revision: 1 })).toBe(ids.length);
});

// Unpatched, FerretDB v1 reads the matching documents without a lock and writes each whole
// document back, so of two concurrent updates of one document one was lost. The services count on
// every update taking effect (counters, queues claimed by findOneAndUpdate, $inc upserts).
describe('concurrent updates of one document all take effect', () => {
  const concurrency = 40;

  test('$inc from many clients at once counts every one', async () => {
    const counters = connection.db!.collection<{ _id: string; n: number; seen: string[] }>('counters');
    await counters.insertOne({ _id: 'c', n: 0, seen: [] });
    await Promise.all(
      Array.from({ length: concurrency }, (_, i) => counters.updateOne({ _id: 'c' }, { $inc: { n: 1 }, $push: { seen: `w${i}` } })),
    );
    const counter = await counters.findOne({ _id: 'c' });
    expect(counter?.n).toBe(concurrency);
    expect(new Set(counter?.seen).size).toBe(concurrency);
  });

  test('findOneAndUpdate claims a different pending job for each worker, none left out', async () => {
    const jobs = connection.db!.collection<{ _id: string; state: string; worker?: number }>('jobs');
    await jobs.insertMany(Array.from({ length: concurrency }, (_, i) => ({ _id: `j${String(i).padStart(2, '0')}`, state: 'pending' })));
    const claimed = await Promise.all(
      Array.from({ length: concurrency }, (_, worker) =>
        jobs.findOneAndUpdate({ state: 'pending' }, { $set: { state: 'claimed', worker } }, { sort: { _id: 1 }, returnDocument: 'after' }),
      ),
    );
    // A worker whose job was claimed under it looks again instead of coming back empty-handed.
    expect(claimed.filter((job) => job === null)).toHaveLength(0);
    expect(new Set(claimed.map((job) => job?._id)).size).toBe(concurrency);
    expect(await jobs.countDocuments({ state: 'claimed' })).toBe(concurrency);
  });

  test('$inc upserts of one new key under a unique index make one document with every increment', async () => {
    const tallies = connection.db!.collection<{ key: string; n: number }>('tallies');
    await tallies.createIndex({ key: 1 }, { unique: true });
    await Promise.all(Array.from({ length: concurrency }, () => tallies.updateOne({ key: 'k' }, { $inc: { n: 1 } }, { upsert: true })));
    const all = await tallies.find({ key: 'k' }).toArray();
    expect(all).toHaveLength(1);
    expect(all[0]?.n).toBe(concurrency);
  });
});
