/**
 * Reading one document by id, three ways side by side in one run (issue 16's ratios):
 * - `read`: GET /api/v1/documents/:id through the gateway (gateway → gRPC → content → store);
 * - `store`: the same lookup sent straight to the document store by this process (the MongoDB
 *   driver, `findOne` by `_id` without the outbox fields, as the content service asks);
 * - `echo`: a fastify route calling a grpc-js server in a second process that answers at once
 *   with a document-sized payload (src/echo.ts): what the framework and transport cost alone.
 * The documents are real corpus documents written straight into the run's database as published.
 */
import { MongoClient, type Document } from 'mongodb';
import { writeFileSync } from 'node:fs';
import type { ContentDocument } from '../../../services/content/dist/domain/document';
import { cpuSample, cpuUsedSince, machineCpu, type Processes } from './proc';
import type { Slice } from './load';

/** Writes `count` published documents (ids `read-…`) into the content service's collection; answers their ids. */
export async function seedReadDocuments(mongoUrl: string, samples: ContentDocument[], count: number): Promise<string[]> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    const now = new Date().toISOString();
    const records: Document[] = Array.from({ length: count }, (_, i) => {
      const { id: _id, ...sample } = samples[i % samples.length]!;
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      return {
        ...sample,
        _id: id,
        status: 'published',
        orgPath: '/1/',
        createdBy: 'bench-editor',
        createdAt: now,
        updatedAt: now,
        history: ['submit', 'approve', 'publish'].map((action, step) => ({
          action,
          from: ['draft', 'inReview', 'approved'][step],
          to: ['inReview', 'approved', 'published'][step],
          actor: 'bench-editor',
          at: now,
          note: '',
        })),
        revision: 4,
        outbox: [],
        outboxPending: false,
      };
    });
    await client
      .db()
      .collection('documents')
      .insertMany(records as never[]);
    return records.map((r) => String(r._id));
  } finally {
    await client.close();
  }
}

/** vegeta targets reading the documents round robin, through the gateway or the echo route. */
export function writeReadTargets(file: string, base: string, path: (id: string) => string, ids: string[], tag: string): void {
  const header = { 'Accept-Encoding': ['identity'] };
  writeFileSync(file, `${ids.map((id) => JSON.stringify({ method: 'GET', url: `${base}${path(id)}#${tag}`, header })).join('\n')}\n`);
}

/**
 * The store leg: `concurrency` loops in this process, each sending its next lookup when the
 * last answer is in (vegeta's closed loop), for `seconds`. This process's CPU counts as `loader`.
 */
export async function storeSlice(
  mongoUrl: string,
  ids: string[],
  concurrency: number,
  seconds: number,
  pids: Record<string, Processes>,
): Promise<Slice> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000, maxPoolSize: concurrency });
  await client.connect();
  const documents = client.db().collection('documents');
  const projection = { outbox: 0, outboxBatch: 0, outboxPending: 0 };
  // Connections opened before the clock starts, as the service's pool is.
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => documents.findOne({ _id: ids[i % ids.length] as never }, { projection })),
  );
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSample(pid)]));
  const machine0 = machineCpu();
  const self0 = process.cpuUsage();
  const samples: { id: string; ms: number }[] = [];
  const statusCodes: Record<string, number> = {};
  const errorSamples = new Set<string>();
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const id = ids[next++ % ids.length]!;
      const t = performance.now();
      try {
        const doc = await documents.findOne({ _id: id as never }, { projection });
        if (!doc) throw new Error(`no document ${id}`);
        samples.push({ id: 'store', ms: performance.now() - t });
        statusCodes['200'] = (statusCodes['200'] ?? 0) + 1;
      } catch (err) {
        errors += 1;
        statusCodes['0'] = (statusCodes['0'] ?? 0) + 1;
        if (errorSamples.size < 5) errorSamples.add((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const self = process.cpuUsage(self0);
  const machine1 = machineCpu();
  await client.close();
  const cpuSeconds: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuUsedSince(pid, cpu0[k]!)]));
  cpuSeconds.loader = (self.user + self.system) / 1e6;
  const busy = machine1.busy - machine0.busy;
  cpuSeconds.other = busy - Object.values(cpuSeconds).reduce((sum, v) => sum + (Number.isFinite(v) ? v : 0), 0);
  cpuSeconds.machineBusy = busy;
  return {
    leg: 'store',
    concurrency,
    seconds: elapsed,
    samples,
    requests: samples.length + errors,
    errors,
    errorSamples: [...errorSamples],
    statusCodes,
    cpuSeconds,
    machineSeconds: machine1.total - machine0.total,
  };
}
