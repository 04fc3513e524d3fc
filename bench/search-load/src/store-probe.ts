/**
 * Why freshness drifts as the document store grows: the store queries the platform runs on
 * every write, timed against a scratch collection of 100 … 2,000 documents shaped like content
 * documents (bodies of ~2 KB). Its database is dropped at the end.
 *
 * Usage: npx tsx bench/search-load/src/store-probe.ts [mongodb://127.0.0.1:27017]
 */
import { MongoClient, type Document } from 'mongodb';
import { percentile } from './stats';

async function median(f: (i: number) => Promise<unknown>, n = 5): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    times.push(performance.now() - t);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  ).toFixed(1);
}

async function main(): Promise<void> {
  const client = new MongoClient(process.argv[2] ?? 'mongodb://127.0.0.1:27017', { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(`benchprobe${Math.random().toString(16).slice(2, 8)}`);
  const documents = db.collection<Document>('documents');
  const body = '各级党组织要严格落实三会一课制度，支部党员大会每季度至少召开一次。'.repeat(60);
  let inserted = 0;
  try {
    console.log(
      '| documents | find by _id | outbox relay scan (outbox.0 exists, limit 100) | findOneAndUpdate by _id | findOneAndUpdate by _id + revision + status | updateOne by _id |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const size of [100, 500, 1_000, 2_000]) {
      const batch: Document[] = [];
      while (inserted < size) {
        const id = `doc-${inserted++}`;
        batch.push({
          _id: id as never,
          title: `标题${id}`,
          body,
          status: 'inReview',
          revision: 2,
          history: [{ action: 'submit' }],
          outbox: [],
        });
      }
      await documents.insertMany(batch);
      const byId = await median((i) => documents.findOne({ _id: `doc-${i * 7}` as never }));
      const scan = await median(() =>
        documents
          .find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } })
          .limit(100)
          .toArray(),
      );
      const famId = await median((i) =>
        documents.findOneAndUpdate({ _id: `doc-${i * 11}` as never }, { $set: { x: i } }, { returnDocument: 'after' }),
      );
      const famCond = await median((i) =>
        documents.findOneAndUpdate(
          { _id: `doc-${i * 13}` as never, revision: 2, status: 'inReview' },
          { $set: { y: i }, $push: { history: { step: i } } } as never,
          { returnDocument: 'after' },
        ),
      );
      const upd = await median((i) =>
        documents.updateOne({ _id: `doc-${i * 17}` as never }, { $pullAll: { outbox: [{ e: 1 }] } } as never),
      );
      console.log(`| ${size} | ${byId} ms | ${scan} ms | ${famId} ms | ${famCond} ms | ${upd} ms |`);
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(`store-probe: ${(err as Error).message}`);
  process.exit(1);
});
