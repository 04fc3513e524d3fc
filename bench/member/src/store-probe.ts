/**
 * Why the member service slows down as members accumulate: the store queries it runs, timed
 * against a scratch collection of member-shaped documents (generated like the benchmark's, with
 * the indexes the service declares) at growing sizes. Its database is dropped at the end (and
 * FerretDB's leftover -wal/-shm files of it removed, see README).
 *
 * Usage: npx tsx bench/member/src/store-probe.ts [--sizes 1000,2000,5000,10000] [--mongo mongodb://127.0.0.1:27017]
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { percentile } from '../../search-load/src/stats';
import { PeopleGenerator, todayInChina } from './population';
import { removeLeftoverFiles } from './leftovers';

async function median(f: (i: number) => Promise<unknown>, n = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    times.push(performance.now() - t);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

function args(): { sizes: number[]; mongo: string } {
  const argv = process.argv.slice(2);
  const at = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    sizes: (at('--sizes') ?? '1000,2000,5000,10000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0)
      .sort((a, b) => a - b),
    mongo: at('--mongo') ?? 'mongodb://127.0.0.1:27017',
  };
}

async function main(): Promise<void> {
  const { sizes, mongo } = args();
  const client = new MongoClient(mongo, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const database = `bench-member-probe-${Date.now()}`;
  const db = client.db(database);
  const members = db.collection<Document>('members');
  await members.createIndex({ nationalId: 1 }, { unique: true });
  await members.createIndex({ orgPath: 1, name: 1 });
  await members.createIndex({ organizationId: 1 });
  const people = new PeopleGenerator(7, todayInChina());
  const branches = Array.from({ length: 2_000 }, (_, i) => ({ id: randomUUID(), city: i % 20 }));
  const province = randomUUID();
  const cities = Array.from({ length: 20 }, () => randomUUID());
  const pathOf = (b: { id: string; city: number }) => `/${province}/${cities[b.city]}/${b.id}/`;
  const ids: string[] = [];
  const nationalIds: string[] = [];
  const outboxEntry = (id: string) => ({
    id: randomUUID(),
    type: 'member.member.imported',
    actor: 'bench',
    orgPath: '/',
    subjectId: id,
    occurredAt: new Date().toISOString(),
    data: { organizationId: 'x', stage: 'full' },
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  });
  let inserted = 0;
  try {
    console.log(`member store probe on ${mongo}, database ${database}; median of 5 calls, ms\n`);
    console.log(
      '| members | find by _id | updateOne by _id ($pullAll outbox) | relay sweep, nothing pending | list a branch (find+sort+limit 20) | count a branch | nationalId $in 1,000 | findOneAndUpdate by _id + revision | scan for bills (orgPath range, _id >, limit 1,000) |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const size of sizes) {
      while (inserted < size) {
        const batch: Document[] = [];
        for (let k = 0; k < 1_000 && inserted < size; k++, inserted++) {
          const branch = branches[inserted % branches.length]!;
          const p = people.person(branch.id, branch.city);
          const id = randomUUID();
          ids.push(id);
          nationalIds.push(p.nationalId);
          const now = new Date().toISOString();
          batch.push({
            _id: id as never,
            name: p.name,
            gender: p.gender,
            ethnicity: p.ethnicity,
            birthDate: p.birthDate,
            nationalId: p.nationalId,
            education: 'bachelor',
            phone: p.phone,
            organizationId: branch.id,
            orgPath: pathOf(branch),
            stage: p.stage,
            keyDates: { applicationDate: p.keyDates[0] },
            duesCategory: 'inService',
            duesIncomeFen: 0,
            history: p.keyDates.map((date) => ({
              stage: 'x',
              date,
              decisionRef: 'recorded with the member record',
              approvedBy: 'bench',
              recordedAt: now,
            })),
            probationExtensions: 0,
            createdAt: now,
            updatedAt: now,
            createdBy: 'bench',
            revision: 1,
            outbox: [],
          });
        }
        await members.insertMany(batch);
      }
      const branch = branches[size % 97]!;
      const range = { $gte: pathOf(branch), $lt: `${pathOf(branch).slice(0, -1)}0` };
      const pick = (i: number) => ids[(i * 7919) % ids.length]!;
      const byId = await median((i) => members.findOne({ _id: pick(i) as never }, { projection: { outbox: 1 } }));
      const pull = await median((i) =>
        members.updateOne({ _id: pick(i + 1) as never }, { $pullAll: { outbox: [outboxEntry('x')] } } as never),
      );
      const sweep = await median(
        () =>
          members
            .find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } })
            .limit(100)
            .toArray(),
        3,
      );
      const list = await median(
        () =>
          members
            .find({ orgPath: range }, { projection: { outbox: 0, history: 0 } })
            .sort({ orgPath: 1, name: 1, _id: 1 })
            .skip(0)
            .limit(20)
            .toArray(),
        3,
      );
      const count = await median(() => members.countDocuments({ orgPath: range }), 3);
      const inIds = await median(
        (i) =>
          members.find({ nationalId: { $in: nationalIds.slice(i * 10, i * 10 + 1_000) } }, { projection: { nationalId: 1 } }).toArray(),
        3,
      );
      const conditional = await median((i) =>
        members.findOneAndUpdate(
          { _id: pick(i + 2) as never, revision: 1 },
          { $set: { duesIncomeFen: 500_000 }, $push: { outbox: outboxEntry(pick(i + 2)) } } as never,
          { returnDocument: 'after' },
        ),
      );
      // Reset what the conditional update did, so the sweep above keeps finding nothing next time.
      await members.updateMany({ 'outbox.0': { $exists: true } }, { $set: { outbox: [] } });
      const scan = await median(
        () =>
          members
            .find(
              { orgPath: { $gte: `/${province}/`, $lt: `/${province}0` }, _id: { $gt: '' } as never },
              { projection: { outbox: 0, history: 0 } },
            )
            .sort({ _id: 1 })
            .limit(1_000)
            .toArray(),
        3,
      );
      const f = (n: number) => n.toFixed(1);
      console.log(
        `| ${size} | ${f(byId)} | ${f(pull)} | ${f(sweep)} | ${f(list)} | ${f(count)} | ${f(inIds)} | ${f(conditional)} | ${f(scan)} |`,
      );
    }
  } finally {
    await db.dropDatabase();
    await client.close();
    removeLeftoverFiles(database);
  }
}

main().catch((err: unknown) => {
  console.error(`store-probe: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
