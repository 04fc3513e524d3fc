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
