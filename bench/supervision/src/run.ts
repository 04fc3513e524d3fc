/**
 * Supervision benchmark: the audit log's speed goals, start to finish.
 *
 * 1. publishes a backlog of N events (default 1,000,000) into the run's content and member streams
 *    before the service runs, so the publisher does not share the cores with what is measured;
 * 2. starts the supervision service (services/supervision/dist/main.js) with a database and
 *    streams of its own and measures how fast it appends the backlog: the log's size every second
 *    from its head record, entries per second overall and over the slowest 10 s;
 * 3. publishes live events at a steady rate (default 1,000/s for 60 s) and measures, for every one,
 *    the time from its publication to the first signed checkpoint that covers it;
 * 4. asks for inclusion proofs of random entries at the log's final size (over 1,000,000 entries),
 *    at 1 and 8 in flight, and checks each against the checkpoint;
 * 5. exports the whole log over gRPC into a JSON Lines file and verifies it offline with
 *    services/supervision/dist/verify.js (what `npm run audit:verify` runs), timed;
 * 6. stops the service, drops its database and streams (unless --keep), writes results/<date>.json.
 *
 * Run through ./run.sh. Options: README.md.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { connect, JSONCodec, type JetStreamClient, type NatsConnection } from 'nats';
import { closeMongo, connectMongo } from '@repo/db';
import { RpcClient } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import * as pb from '@repo/proto/supervision/v1';
import { cleanupNamespace, credentialsFor, testCallerKeys } from '@repo/testbed';
import { Sequencer } from '../../../services/supervision/src/audit/sequencer';
import { TreeReader } from '../../../services/supervision/src/audit/tree-reader';
import { loadConfig } from '../../../services/supervision/src/config';
import { exportFormat, type ExportLine } from '../../../services/supervision/src/domain/audit-export';
import { TreeHasher, verifyInclusion } from '../../../services/supervision/src/domain/merkle';
import { NoteSigner, originOf, signatureTypes } from '../../../services/supervision/src/domain/note';
import { CheckpointStore } from '../../../services/supervision/src/store/audit-checkpoints';
import { AuditTreeStore } from '../../../services/supervision/src/store/audit-tree';
import { storedSigningKey } from '../../../services/supervision/src/store/signing-keys';
import { commandOptions, sh } from '../../search-load/src/cli';
import { cpuSeconds, readPid, startService, waitUntil, type Service } from '../../search-load/src/proc';
import { round, rounded, summarize } from '../../search-load/src/stats';
import { cpuMeter, loadAverage, memoryMiB, postgresProcesses } from '../../member/src/observe';

const run = promisify(execFile);
const benchDir = resolve(__dirname, '..');
const repo = resolve(benchDir, '../..');

interface Options {
  entries: number;
  /** Entries built in-process by the sequencer's own code before the service starts (0: none). */
  prebuilt: number;
  prebuildBatch: number;
  liveRate: number;
  liveSeconds: number;
  proofSeconds: number;
  publishInFlight: number;
  keep: boolean;
  skipExport: boolean;
  /** The namespace of a run kept with --keep: only the proofs (and export) are measured again, on its log. */
  reuse: string;
  maxMinutes: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    entries: 60_000,
    prebuilt: 0,
    prebuildBatch: 10_000,
    liveRate: 1_000,
    liveSeconds: 60,
    proofSeconds: 20,
    publishInFlight: 256,
    keep: false,
    skipExport: false,
    reuse: '',
    maxMinutes: 90,
  };
  for (const { arg, int, value } of commandOptions(argv)) {
    switch (arg) {
      case '--entries':
        o.entries = int(1_000, 5_000_000);
        break;
      case '--prebuilt':
        o.prebuilt = int(0, 5_000_000);
        break;
      case '--prebuild-batch':
        o.prebuildBatch = int(100, 50_000);
        break;
      case '--live-rate':
        o.liveRate = int(10, 10_000);
        break;
      case '--live-seconds':
        o.liveSeconds = int(5, 600);
        break;
      case '--proof-seconds':
        o.proofSeconds = int(2, 300);
        break;
      case '--publish-in-flight':
        o.publishInFlight = int(1, 4_096);
        break;
      case '--max-minutes':
        o.maxMinutes = int(5, 240);
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--skip-export':
        o.skipExport = true;
        break;
      case '--reuse':
        o.reuse = value();
        if (!/^benchsupervision\d+$/.test(o.reuse))
          throw new Error('--reuse takes the namespace of a kept run, e.g. benchsupervision20261207082008');
        o.keep = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see bench/supervision/README.md)`);
    }
  }
  return o;
}

const codec = JSONCodec();
const orgPaths = ['/bench/c1/b1/', '/bench/c1/b2/', '/bench/c2/b3/', '/bench/c2/'];
const types = [
  'member.member.updated',
  'member.dues.paid',
  'member.meeting.recorded',
  'content.document.updated',
  'content.document.published',
];

/** An event as the services write them: an envelope of a few hundred bytes. */
function event(i: number, phase: string) {
  const type = types[i % types.length]!;
  return {
    id: `${phase}-${i}-${Math.random().toString(36).slice(2, 10)}`,
    type,
    occurredAt: new Date().toISOString(),
    actor: `user-${i % 997}`,
    orgPath: orgPaths[i % orgPaths.length]!,
    subjectId: `subject-${i % 50_021}`,
    data: { revision: (i % 7) + 1, changed: ['title', 'body'], note: '按照要求完成整改并报告', amountFen: 1_250 },
  };
}

/** Publishes with `inFlight` acknowledgements outstanding; answers each event's publication time. */
async function publishAll(
  js: JetStreamClient,
  namespace: string,
  count: number,
  inFlight: number,
  phase: string,
  ratePerSecond?: number,
): Promise<Map<string, number>> {
  const published = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (ratePerSecond) {
        const due = started + (i * 1000) / ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const e = event(i, phase);
      const at = Date.now();
      await js.publish(`${namespace}.${e.type}`, codec.encode(e), { msgID: e.id, timeout: 30_000 });
      published.set(e.id, at);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return published;
}

interface Head {
  size: number;
}

/** Credentials of a caller, signed anew once they are half their minute old. */
function renewing(caller: Parameters<typeof credentialsFor>[0]): () => Promise<Awaited<ReturnType<typeof credentialsFor>>> {
  let signed: { at: number; credentials: Promise<Awaited<ReturnType<typeof credentialsFor>>> } | undefined;
  return () => {
    if (!signed || Date.now() - signed.at > 30_000) signed = { at: Date.now(), credentials: credentialsFor(caller) };
    return signed.credentials;
  };
}

/**
 * Builds `count` entries into the run's database with the service's own sequencer, stores and
 * keys, called in-process in batches of `batch`: the large tree the proofs and the offline
 * verification are measured on, without a million events through the bus first. Answers the
 * entries per second it appended (the sequencer and the store alone: no bus, no ingest).
 */
async function prebuild(mongoUrl: string, count: number, batch: number, log: (line: string) => void): Promise<Record<string, number>> {
  const config = loadConfig({ CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem, MONGO_URL: mongoUrl });
  const logger = createLogger('bench-prebuild', 'warn');
  const connection = await connectMongo({ url: mongoUrl, logger });
  try {
    const hasher = new TreeHasher(config.AUDIT_LOG_HASH);
    // The key the service falls back to in development: made here first, read by the service after.
    const signer = new NoteSigner(
      originOf(config.AUDIT_LOG_NAME, config.AUDIT_LOG_HASH),
      await storedSigningKey(connection, 'log'),
      signatureTypes.ed25519,
    );
    await storedSigningKey(connection, 'witness');
    const tree = new AuditTreeStore(connection);
    const checkpoints = new CheckpointStore(connection);
    await tree.ensureIndexes();
    await checkpoints.ensureIndexes();
    const sequencer = new Sequencer(tree, checkpoints, new TreeReader(tree, hasher), signer, hasher, logger, {
      checkpointIntervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS,
      maxBatch: batch,
    });
    const started = performance.now();
    let lastLog = started;
    // Two batches handed in at a time, so the next is made while one is written.
    const inFlight: Promise<void>[] = [];
    for (let from = 0; from < count; from += batch) {
      const events = Array.from({ length: Math.min(batch, count - from) }, (_, k) => event(from + k, 'prebuilt'));
      inFlight.push(sequencer.append(events));
      if (inFlight.length >= 2) await inFlight.shift();
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`prebuilt ${from + events.length} of ${count} (${round((from + events.length) / ((lastLog - started) / 1000), 0)}/s)`);
      }
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    // The tree stored and the last entries signed.
    await sequencer.flush();
    await sequencer.stop();
    return { entries: count, batch, seconds: round(seconds, 1), perSecond: round(count / seconds, 0) };
  } finally {
    await closeMongo(connection);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const deadline = Date.now() + options.maxMinutes * 60_000;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const namespace = options.reuse || `benchsupervision${stamp.replace('-', '')}`;
  const resultsDir = join(benchDir, 'results', stamp);
  mkdirSync(resultsDir, { recursive: true });
  const mongoPort = process.env.MONGO_PORT ?? '27017';
  const stackDir = process.env.STACK_DIR ?? join(repo, '.local');
  const natsStackDir = process.env.NATS_STACK_DIR ?? stackDir;
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    commit: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    command: `bash bench/supervision/run.sh ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    options,
    loadBefore: loadAverage(),
  };
  const save = () => writeFileSync(join(benchDir, 'results', `${stamp}.json`), JSON.stringify(results, null, 2));
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  log(`namespace ${namespace}, database ${namespace}, load average ${JSON.stringify(results.loadBefore)}`);

  const nc: NatsConnection = await connect({ servers: `nats://127.0.0.1:${process.env.NATS_PORT ?? '4222'}` });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  for (const domain of options.reuse ? [] : ['content', 'member']) {
    await jsm.streams.add({
      name: `${namespace.toUpperCase()}_${domain.toUpperCase()}`,
      subjects: [`${namespace}.${domain}.>`],
      duplicate_window: 600_000_000_000,
      max_age: 86_400_000_000_000,
    });
  }
  const mongo = new MongoClient(`mongodb://127.0.0.1:${mongoPort}`);
  await mongo.connect();
  const db = mongo.db(namespace);
  let service: Service | undefined;
  const grpcPort = await freePort();
  const audit = new RpcClient(pb.AuditLogServiceService, `127.0.0.1:${grpcPort}`, 60_000);
  const startSupervision = (): Service => {
    return startService(
      'supervision',
      ['--require', '@repo/telemetry/register', join(repo, 'services/supervision/dist/main.js')],
      {
        MONGO_URL: `mongodb://127.0.0.1:${mongoPort}/${namespace}`,
        NATS_URL: `nats://127.0.0.1:${process.env.NATS_PORT ?? '4222'}`,
        BUS_NAMESPACE: namespace,
        SUPERVISION_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
        CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem,
        LOG_LEVEL: 'warn',
        OTEL_SERVICE_NAME: 'supervision-bench',
      },
      join(resultsDir, 'supervision.log'),
      repo,
    );
  };
  const ferretdb = readPid(join(stackDir, 'run/ferretdb.pid'));
  const nats = readPid(join(natsStackDir, 'run/nats.pid'));
  const head = async () => (await db.collection<Head & { _id: string }>('auditHead').findOne({ _id: 'head' }))?.size ?? 0;
  let t = performance.now();
  try {
    // The size the proofs are asked at: the witness must have cosigned it.
    let covered = 0;
    // Indices of entries under /bench/ (the events published here), for an inspector's proofs.
    let benchEntries = 0;
    if (options.reuse) {
      service = startSupervision();
      covered = await head();
      benchEntries = options.prebuilt || covered;
    } else {
      // 0. The large tree, built in-process (the sequencer's code, no bus).
      if (options.prebuilt > 0) {
        results.prebuilt = {
          ...(await prebuild(`mongodb://127.0.0.1:${mongoPort}/${namespace}`, options.prebuilt, options.prebuildBatch, log)),
          cpuNote: 'the bench process runs the sequencer',
        };
        log(`prebuilt: ${JSON.stringify(results.prebuilt)}`);
        save();
      }

      // 1. The backlog.
      t = performance.now();
      await publishAll(js, namespace, options.entries, options.publishInFlight, 'backlog');
      results.backlogPublish = { events: options.entries, seconds: round((performance.now() - t) / 1000, 1) };
      log(`published ${options.entries} events in ${(results.backlogPublish as { seconds: number }).seconds} s`);
      save();

      // 2. The service appends the backlog.
      service = startSupervision();
      const meter = cpuMeter({ supervision: service.pid, ferretdb, postgres: postgresProcesses(join(stackDir, 'data/postgres')), nats });
      const samples: { at: number; size: number }[] = [];
      t = performance.now();
      const target = options.prebuilt + options.entries;
      while ((await head()) < target) {
        if (Date.now() > deadline) throw new Error('the run went past --max-minutes while appending');
        samples.push({ at: (performance.now() - t) / 1000, size: await head() });
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const appendSeconds = (performance.now() - t) / 1000;
      samples.push({ at: appendSeconds, size: await head() });
      // The slowest 10 s after the first entry (the start-up before it is not appending).
      const firstEntry = samples.find((s) => s.size > options.prebuilt)?.at ?? 0;
      const windows = samples
        .filter((s) => s.at >= firstEntry)
        .map((s, i, all) => {
          const later = all.find((x) => x.at >= s.at + 10);
          return later ? (later.size - s.size) / (later.at - s.at) : NaN;
        });
      results.append = {
        entries: options.entries,
        seconds: round(appendSeconds, 1),
        secondsFromFirstEntry: round(appendSeconds - firstEntry, 1),
        perSecond: round(options.entries / (appendSeconds - firstEntry), 0),
        slowest10sPerSecond: round(Math.min(...windows.filter(Number.isFinite)), 0),
        cpu: meter.read(),
        supervisionMemoryMiB: memoryMiB(service.pid),
      };
      writeFileSync(join(resultsDir, 'append-samples.json'), JSON.stringify(samples));
      log(`appended ${options.entries} in ${round(appendSeconds, 1)} s: ${JSON.stringify(results.append)}`);
      save();

      // 3. Live events at a steady rate: publication to a signed checkpoint.
      const liveCount = options.liveRate * options.liveSeconds;
      const liveMeter = cpuMeter({
        supervision: service.pid,
        ferretdb,
        postgres: postgresProcesses(join(stackDir, 'data/postgres')),
        nats,
      });
      const sizeBefore = await head();
      const published = await publishAll(js, namespace, liveCount, 64, 'live', options.liveRate);
      await waitUntil(
        'the live events in a checkpoint',
        async () => {
          const c = await db.collection<{ _id: string; size: number }>('auditCheckpointPointers').findOne({ _id: 'signed' });
          return (c?.size ?? 0) >= sizeBefore + liveCount;
        },
        120_000,
      );
      results.liveCpu = liveMeter.read();
      const checkpoints = (await db.collection<{ size: number; signedAt: string }>('auditCheckpoints').find({}).toArray()).sort(
        (a, b) => a.size - b.size,
      );
      const latencies: number[] = [];
      for (let bucket = Math.floor(sizeBefore / 1024); bucket * 1024 < sizeBefore + liveCount; bucket++) {
        for (const entry of await db
          .collection<{ index: number; eventId: string }>('auditEntries')
          .find({ bucket: `b${bucket}` })
          .toArray()) {
          const at = published.get(entry.eventId);
          if (at === undefined) continue;
          // The first checkpoint covering the entry: binary search over the sizes.
          let lo = 0;
          let hi = checkpoints.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (checkpoints[mid]!.size > entry.index) hi = mid;
            else lo = mid + 1;
          }
          latencies.push(Date.parse(checkpoints[lo]!.signedAt) - at);
        }
      }
      results.live = {
        rate: options.liveRate,
        seconds: options.liveSeconds,
        events: liveCount,
        measured: latencies.length,
        toSignedCheckpointMs: rounded(summarize(latencies), 0),
      };
      log(`live: ${JSON.stringify(results.live)}`);
      save();

      covered = sizeBefore + liveCount;
      benchEntries = options.prebuilt || sizeBefore;
    }

    // 4. Inclusion proofs at the final size, the one the witness cosigned last.
    // Caller assertions live a minute: the proofs and the export run longer, so they are signed anew every 30 s.
    const auditor = renewing({ userId: 'bench-auditor', roles: ['superAdmin'], orgPath: '/' });
    const anyone = renewing({});
    await waitUntil(
      'the witness to cosign the live events',
      async () => {
        const { checkpoint: witnessed } = await audit.call('getCheckpoint', { witnessed: true }, await anyone());
        return Number(witnessed?.size ?? 0) >= covered;
      },
      120_000,
    );
    const { checkpoint, logKey, witnessKey } = await audit.call('getCheckpoint', { witnessed: true }, await anyone());
    const size = Number(checkpoint!.size);
    const hasher = new TreeHasher('sha256');
    const proofs: Record<string, unknown> = { treeSize: size };
    const inspector = renewing({ userId: 'bench-inspector', roles: ['inspector'], orgPath: '/bench/' });
    /** Proofs of the indices `pick` gives, `inFlight` at a time, for `seconds` or until `pick` has none left. */
    const leg = async (name: string, inFlight: number, seconds: number, pick: () => number | undefined, as = auditor) => {
      const times: number[] = [];
      let failures = 0;
      const started = performance.now();
      const cpuBefore = cpuSeconds(service?.pid);
      const stopAt = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let index = pick(); index !== undefined && performance.now() < stopAt; index = pick()) {
            const t0 = performance.now();
            const proof = await audit.call('getInclusionProof', { index: String(index), eventId: '', treeSize: String(size) }, await as());
            times.push(performance.now() - t0);
            if (!verifyInclusion(hasher, index, size, proof.leafHash, proof.hashes, checkpoint!.rootHash)) failures++;
          }
        }),
      );
      const took = (performance.now() - started) / 1000;
      proofs[name] = {
        inFlight,
        ...rounded(summarize(times)),
        failures,
        perSecond: round(times.length / took, 0),
        seconds: round(took, 1),
        // The service's CPU per proof: what a proof costs, whatever else the machine runs.
        cpuMsPerProof: round((1000 * (cpuSeconds(service?.pid) - cpuBefore)) / Math.max(times.length, 1), 2),
        loadAverage: loadAverage().one,
      };
      log(`proofs ${name}: ${JSON.stringify(proofs[name])}`);
      save();
    };
    const random = (below: number) => () => Math.floor(Math.random() * below);
    // Cold: the service has kept few of the tree's tiles yet (each proof may read its leaves' tile).
    await leg('cold', 1, options.proofSeconds, random(size));
    // One proof per tile of leaves, so the service keeps every tile (8 KiB each; 3,907 at a million).
    let nextTile = 0;
    await leg('warmUpEveryTile', 8, 3_600, () => (nextTile * 256 < size ? nextTile++ * 256 : undefined));
    await leg('warm', 1, options.proofSeconds, random(size));
    await leg('warm8', 8, options.proofSeconds, random(size));
    // An inspector's proofs read the entry first, to see it lies in their scope: one round trip to the store.
    await leg('warmInspector', 1, options.proofSeconds, random(benchEntries), inspector);
    results.inclusionProofs = proofs;
    save();

    // 5. Export and offline verification.
    if (!options.skipExport) {
      const file = join(resultsDir, 'export.jsonl');
      const out = createWriteStream(file);
      t = performance.now();
      // As GET /api/v1/audit/export writes it, a chunk of the service's limit at a time.
      const line = (value: ExportLine) => `${JSON.stringify(value)}\n`;
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
      const first = await audit.call('exportAuditEntries', { start: '0', end: String(Math.min(5_000, size)) }, await auditor());
      out.write(
        line({ header: { format: exportFormat, origin: first.origin, start: 0, end: size, leftFrontier: first.leftFrontier.map(b64) } }),
      );
      for (let start = 0, chunk = first; ; ) {
        const notes = new Map(chunk.checkpoints.map((c) => [Number(c.size), c.note]));
        let lines = '';
        for (const e of chunk.entries) {
          lines += line({ entry: { index: Number(e.index), leaf: e.leaf, leafHash: b64(e.leafHash) } });
          const note = notes.get(Number(e.index) + 1);
          if (note) lines += line({ checkpoint: note });
        }
        out.write(lines);
        start = Number(chunk.end);
        if (start >= size) break;
        chunk = await audit.call(
          'exportAuditEntries',
          { start: String(start), end: String(Math.min(start + 5_000, size)) },
          await auditor(),
        );
      }
      await new Promise<void>((r) => out.end(r));
      const exportSeconds = (performance.now() - t) / 1000;
      writeFileSync(join(resultsDir, 'checkpoint.txt'), checkpoint!.note);
      t = performance.now();
      const verifyArgs = [
        '--export',
        file,
        '--checkpoint',
        join(resultsDir, 'checkpoint.txt'),
        '--log-key',
        logKey,
        '--witness-key',
        witnessKey,
        '--json',
      ];
      const { stdout } = await run(process.execPath, [join(repo, 'services/supervision/dist/verify.js'), ...verifyArgs], {
        maxBuffer: 64 * 1024 * 1024,
      });
      const verifySeconds = (performance.now() - t) / 1000;
      const report = JSON.parse(stdout) as { ok: boolean; end: number; checkpointsVerified: number };
      results.offline = {
        exportSeconds: round(exportSeconds, 1),
        exportMiB: round(statSync(file).size / 2 ** 20, 1),
        verifySeconds: round(verifySeconds, 1),
        entriesPerSecond: round(report.end / verifySeconds, 0),
        ok: report.ok,
        entries: report.end,
        checkpointsVerified: report.checkpointsVerified,
      };
      log(`offline: ${JSON.stringify(results.offline)}`);
    }
    results.loadAfter = loadAverage();
    save();
  } finally {
    audit.close();
    await service?.stop();
    await mongo.close();
    await nc.drain();
    if (!options.keep) await cleanupNamespace(namespace);
    save();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
