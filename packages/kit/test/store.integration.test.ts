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

// The store pushes `$in`, ranges, `$exists` and `$or` down to PostgreSQL (patched: upstream
// pushes only equality and reads the whole table for the rest). A pushed condition may only
// narrow the rows to a superset of the matches, since the store filters them again; jsonb orders
// values unlike BSON (arrays above numbers and strings, the empty array below null), so the data
// mixes types on purpose. The reference is the same filter after a `$skip: 0` stage, which the
// store never pushes down.
describe('filters pushed down to PostgreSQL find what the filter matches, no fewer', () => {
  type Row = { _id: string; org?: unknown; at?: unknown; n?: unknown; name?: unknown; seq?: unknown };
  const day = Date.UTC(2026, 0, 1);
  const t = new Date(day + 100 * 3_600_000);
  const rows = () => connection.db!.collection<Row>('pushdown');

  beforeAll(async () => {
    const docs: Row[] = Array.from({ length: 400 }, (_, i) => {
      const row: Row = {
        _id: `m${String(i).padStart(3, '0')}`,
        org: `o${i % 20}`,
        at: new Date(day + i * 3_600_000),
        n: i % 50,
        name: `姓名${i % 37}`,
      };
      if (i % 13 === 0) row.n = [i % 50, 1]; // arrays: an element may match a range
      if (i % 17 === 0) row.n = String(i % 50); // strings where numbers are
      if (i % 19 === 0) row.n = { x: 1 };
      if (i % 23 === 0) row.n = []; // the empty array, which jsonb sorts below null
      if (i % 11 === 0) row.n = 2.5;
      if (i % 29 === 0) row.at = null;
      if (i % 31 === 0) delete row.at;
      if (i % 37 === 0) row.at = [new Date(day + i * 1_800_000)];
      if (i % 7 === 0) row.org = [`o${i % 20}`, 'oX'];
      if (i % 9 === 0) row.name = ['张三', `姓名${i % 37}`];
      if (i % 5 === 0) row.seq = i;
      else if (i % 3 === 0) row.seq = null;
      return row;
    });
    await rows().insertMany(docs);
    for (const field of ['org', 'at', 'n', 'name']) await rows().createIndex({ [field]: 1 });
  });

  const filters: Array<[string, Record<string, unknown>]> = [
    ['_id $in', { _id: { $in: ['m001', 'm017', 'm399', 'absent'] } }],
    ['_id $in of mixed types', { _id: { $in: ['m002', 5, null] } }],
    ['$in over array fields', { org: { $in: ['o1', 'oX'] } }],
    ['$in of numbers', { n: { $in: [1, 2.5, 40] } }],
    ['$gt a date', { at: { $gt: t } }],
    ['a window of dates', { at: { $gte: t, $lt: new Date(t.getTime() + 50 * 3_600_000) } }],
    ['$lt a date', { at: { $lt: t } }],
    ['$lt a number', { n: { $lt: 3 } }],
    ['$lte a number', { n: { $lte: 2.5 } }],
    ['$gt a number', { n: { $gt: 45 } }],
    ['$gt a string where numbers are', { n: { $gt: '3' } }],
    ['$lt a string', { name: { $lt: '姓名2' } }],
    ['$gte a string', { name: { $gte: '张' } }],
    ['$lt an _id', { _id: { $lt: 'm010' } }],
    ['$exists false', { seq: { $exists: false } }],
    ['$or of _ids', { $or: [{ _id: 'm003' }, { _id: 'm004' }] }],
    ['$or with $exists', { $or: [{ seq: { $lt: 100 } }, { seq: { $exists: false } }] }],
    ['$or with a dotted path', { $or: [{ 'n.x': 1 }, { org: 'o3' }] }],
    ['keyset page of names', { org: 'o7', $or: [{ name: { $gt: '姓名20' } }, { name: '姓名20', _id: { $gt: 'm100' } }] }],
  ];

  test.each(filters)('%s', async (_name, filter) => {
    const found = (await rows().find(filter).toArray()).map((row) => row._id).sort();
    const reference = (
      await rows()
        .aggregate<Row>([{ $skip: 0 }, { $match: filter }])
        .toArray()
    )
      .map((row) => row._id)
      .sort();
    expect(found).toEqual(reference);
    expect(await rows().countDocuments(filter)).toBe(reference.length);
  });

  test('the reference is not empty where arrays and mixed types must match', async () => {
    const ids = async (filter: Record<string, unknown>) => (await rows().find(filter).toArray()).map((row) => row._id);
    // m013: n [13, 1] matches $lt 3 through its second element; m011: n 2.5.
    expect(await ids({ n: { $lt: 3 } })).toEqual(expect.arrayContaining(['m013', 'm011', 'm000', 'm001']));
    // m037: at is an array of one date before t.
    expect(await ids({ at: { $lt: t } })).toContain('m037');
    // m007: org ['o7', 'oX'].
    expect(await ids({ org: { $in: ['oX'] } })).toContain('m007');
  });

  test('the conditions reach PostgreSQL (the plan shows them)', async () => {
    const plan = async (filter: Record<string, unknown>) => JSON.stringify((await rows().find(filter).explain()).queryPlanner);
    expect(await plan({ _id: { $in: ['m001', 'm002'] } })).toMatch(/'_id'::text\) = ANY/);
    expect(await plan({ org: { $in: ['o1', 'o2'] } })).toMatch(/'org'::text\) @> /);
    expect(await plan({ at: { $gte: t } })).toMatch(/'at'::text\) >= /);
    expect(await plan({ n: { $lt: 3 } })).toMatch(/'n'::text\) >= '\[null\]'/);
    expect(await plan({ $or: [{ _id: 'm003' }, { _id: 'm004' }] })).toMatch(/ OR /);
  });
});
