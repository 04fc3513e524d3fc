/**
 * The learning benchmark (see ../README.md): a province of members learnt from the member
 * service's events, a day of unit completions sent the way a player sends them, then the
 * yearly class-hour report of a city and the cadre portrait under load through the gateway and
 * straight to the service over gRPC. Results go to results/<stamp>.json after every phase.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { RpcClient, httpStatusOf } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import { platformServices, addressVariable } from '@repo/platform';
import * as pb from '@repo/proto/learning/v1';
import { bearer, cleanupNamespace, credentialsFor, randomSecret, stackEnv, stackUrls, testCallerKeys } from '@repo/testbed';
import { cpuMeter, loadAverage, memoryMiB, postgresProcesses } from '../../member/src/observe';
import { runLoad, type Step } from '../../platform/src/load';
import { freePort } from '../../platform/src/replicas';
import { attackSlice } from '../../search-load/src/load';
import { readPid, startService, waitUntil, type Service } from '../../search-load/src/proc';
import { round, rounded, summarize } from '../../search-load/src/stats';
import { legOf, machine, targetLine } from '../../common/src/run-info';
import { commandOptions, sh } from '../../search-load/src/cli';
import { buildProvince, randomStream, shuffled, type Member, type Province } from './dataset';
import {
  announceTree,
  enrolAll,
  httpClient,
  pool,
  publishCourses,
  publisherFor,
  publishMembers,
  recordCadres,
  waitForConsumers,
  type SeededCourse,
} from './seed';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** What a run writes to results/<stamp>/seeded.json for a later --reuse. */
interface Seeded {
  namespace: string;
  year: number;
  province: Province;
  courses: { id: string; unitIds: string[] }[];
}

const benchDir = resolve(__dirname, '..');
const repo = resolve(benchDir, '../..');

interface Options {
  members: number;
  perCity: number;
  completions: number;
  units: number;
  courses: number;
  cadreShare: number;
  via: 'gateway' | 'grpc';
  completionConcurrency: number;
  publishConcurrency: number;
  seconds: number;
  concurrency: number[];
  batch: number;
  seed: number;
  skipReads: boolean;
  keep: boolean;
  /** A kept run's results folder: its namespace is read again (reads only, no seed, no completions). */
  reuse: string;
  /** With --reuse: drop the namespace at the end (reused ones are kept otherwise). */
  drop: boolean;
  /** With --reuse: every ledger marked for the refresher, which recounts every node summary, before the reads. */
  recount: boolean;
  /** A kept namespace whose members were learnt (a run cut after its seed): continue with the cadres. */
  continueFrom: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    members: 10_000,
    perCity: 5_000,
    completions: 0,
    units: 3,
    courses: 4,
    cadreShare: 0.02,
    via: 'gateway',
    completionConcurrency: 16,
    publishConcurrency: 64,
    seconds: 20,
    concurrency: [1, 8],
    batch: 1_000,
    seed: 20261207,
    skipReads: false,
    keep: false,
    reuse: '',
    drop: false,
    recount: false,
    continueFrom: '',
  };
  for (const { arg, value, int, list } of commandOptions(argv)) {
    switch (arg) {
      case '--members':
        o.members = int(10, 200_000);
        break;
      case '--per-city':
        o.perCity = int(100, 20_000);
        break;
      case '--completions':
        o.completions = int(0, 1_000_000);
        break;
      case '--units':
        o.units = int(1, 10);
        break;
      case '--courses':
        o.courses = int(1, 50);
        break;
      case '--cadre-share': {
        const n = Number(value());
        if (!(n > 0 && n <= 1)) throw new Error('--cadre-share: a share above 0, at most 1');
        o.cadreShare = n;
        break;
      }
      case '--via': {
        const v = value();
        if (v !== 'gateway' && v !== 'grpc') throw new Error('--via: gateway or grpc');
        o.via = v;
        break;
      }
      case '--completion-concurrency':
        o.completionConcurrency = int(1, 512);
        break;
      case '--publish-concurrency':
        o.publishConcurrency = int(1, 1_000);
        break;
      case '--seconds':
        o.seconds = int(3, 600);
        break;
      case '--concurrency':
        o.concurrency = list();
        break;
      case '--batch':
        o.batch = int(10, 10_000);
        break;
      case '--seed':
        o.seed = int(0, 2 ** 31);
        break;
      case '--skip-reads':
        o.skipReads = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--reuse':
        o.reuse = value();
        break;
      case '--drop':
        o.drop = true;
        break;
      case '--recount':
        o.recount = true;
        break;
      case '--continue':
        o.continueFrom = value();
        o.keep = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see bench/learning/README.md)`);
    }
  }
  // A day's completions: by default every member completes every unit of their course.
  if (o.completions === 0) o.completions = o.members * o.units;
  if (o.completions > o.members * o.units) throw new Error(`--completions: at most members × units (${o.members * o.units})`);
  return o;
}

/** The class-hour year of the province (UTC+8) today: completions are credited to it. */
const provinceYear = () => Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\..+$/, 'Z');
  const compact = stamp.replace(/[-TZ]/g, '').toLowerCase();
  const workDir = join(benchDir, 'results', stamp);
  mkdirSync(workDir, { recursive: true });
  const t0 = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}`);
  const stackDir = process.env.STACK_DIR ?? join(repo, '.local');
  const vegeta =
    process.env.VEGETA_BIN ?? join(process.env.PB_CACHE_DIR ?? join(process.env.HOME ?? '/root', '.cache/partybuilding'), 'bin/vegeta');
  const reused = o.reuse ? (JSON.parse(readFileSync(join(resolve(o.reuse), 'seeded.json'), 'utf8')) as Seeded) : undefined;
  if (reused) o.keep = !o.drop;
  const namespace = reused?.namespace || o.continueFrom || `benchlearn${compact}`;
  const secret = randomSecret();
  const year = reused?.year ?? provinceYear();
  const logger = createLogger('learning-bench', 'warn');
  const results: Json = {
    benchmark: 'learning',
    startedAt: startedAt.toISOString(),
    command: `npx tsx bench/learning/src/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    options: o,
    machine: machine(repo),
    sharedMachine: 'other helpers ran builds, tests and benchmarks on the same machine meanwhile: see loadAverage',
    loadAverage: { before: loadAverage() },
    commit: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    uncommitted: sh('git', ['-C', repo, 'status', '--short']).split('\n').filter(Boolean).length,
    versions: { node: process.version, ferretdb: sh(join(stackDir, 'bin/ferretdb'), ['--version']).split('\n')[0] ?? '' },
    namespace,
    learningMain: process.env.LEARNING_MAIN ?? 'services/learning/dist/main.js',
    year,
    phases: {} as Record<string, Json>,
  };
  const phases = results.phases as Record<string, Json>;
  const file = join(benchDir, 'results', `${stamp}.json`);
  const save = () => writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`learning bench ${stamp}: ${o.members} members, ${o.completions} completions via ${o.via}; load ${results.loadAverage.before.one}`);

  const random = randomStream(o.seed);
  const province =
    reused?.province ??
    (o.continueFrom ? await provinceFromStore(namespace, random, o.cadreShare) : undefined) ??
    buildProvince({ members: o.members, perCity: o.perCity, counties: 4, streets: 5, branches: 5, cadreShare: o.cadreShare }, random);
  if (reused) results.reused = { from: o.reuse, members: province.members.length };
  const services: Service[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
    for (const s of services.splice(0)) await s.stop();
    if (!o.keep) await cleanupNamespace(namespace).catch((err: Error) => log(`cleanup ${namespace}: ${err.message}`));
  };
  process.once('SIGINT', () => {
    log('interrupted: stopping, dropping the database and streams');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const env = stackEnv(namespace);
    const learningPort = await freePort();
    const learningAddress = `127.0.0.1:${learningPort}`;
    const learning = startService(
      'learning',
      // LEARNING_MAIN: another build of the service (a before/after comparison).
      [process.env.LEARNING_MAIN ?? 'services/learning/dist/main.js'],
      { ...env, LEARNING_GRPC_ADDR: learningAddress, LOG_LEVEL: 'warn', OTEL_SERVICE_NAME: 'learning' },
      join(workDir, 'learning.log'),
      repo,
    );
    services.push(learning);
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    // Only learning runs: nothing listens at the others' addresses (readyz reports them down).
    const elsewhere: Record<string, string> = {};
    for (const s of platformServices) if (s.name !== 'learning') elsewhere[addressVariable(s.name)] = `127.0.0.1:${await freePort()}`;
    const gateway = startService(
      'gateway',
      ['gateway/dist/main.js'],
      {
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: String(gatewayPort),
        ...elsewhere,
        [addressVariable('learning')]: learningAddress,
        AUTH_TOKEN_SECRET: secret,
        CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
        RATE_LIMIT_PER_MINUTE: '1000000',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
        // The run's tokens live for its length (the default caps them at 15 minutes).
        AUTH_ACCESS_MAX_SECONDS: '86400',
        LOG_LEVEL: 'warn',
        OTEL_SERVICE_NAME: 'gateway',
      },
      join(workDir, 'gateway.log'),
      repo,
    );
    services.push(gateway);
    await waitUntil(
      'the gateway to report the learning service ready',
      async () => ((await (await fetch(`${gatewayUrl}/readyz`)).json()) as Json).services?.learning === true,
      120_000,
    );
    const pids = {
      bench: process.pid,
      learning: learning.pid,
      gateway: gateway.pid,
      ferretdb: readPid(join(stackDir, 'run/ferretdb.pid')),
      postgres: postgresProcesses(join(stackDir, 'data/postgres')),
      nats: readPid(join(stackDir, 'run/nats.pid')),
    };
    const memory = () => ({ learning: memoryMiB(learning.pid), gateway: memoryMiB(gateway.pid) });
    const http = httpClient(gatewayUrl);
    const ttl = 12 * 3_600;
    const superAdmin = bearer({ userId: 'bench-super', roles: ['superAdmin'], orgPath: '/' }, secret, ttl);
    const provinceAdmin = bearer({ userId: 'bench-province', roles: ['orgAdmin'], orgPath: province.province.path }, secret, ttl);
    const { bus, publisher } = await publisherFor(stackUrls().natsUrl, namespace, logger);
    closers.push(() => bus.close());
    const mongo = new MongoClient(env.MONGO_URL!);
    await mongo.connect();
    closers.push(() => mongo.close());
    const db = mongo.db(namespace);

    const cadres = province.members.filter((m) => m.cadreLevel);
    if (!reused) {
      // ---- The province, as the member service announces it -------------------------------------
      let meter = cpuMeter(pids);
      let t = performance.now();
      if (o.continueFrom) phases.members = { continued: `the tree and members were learnt by an earlier run in ${namespace}` };
      else {
        await announceTree(namespace, province);
        await waitForConsumers(bus, ['learning-organizations'], 600_000);
        phases.tree = { nodes: province.all.length, cities: province.cities.length, seconds: round((performance.now() - t) / 1000, 1) };
        log(`tree: ${province.all.length} nodes (${province.cities.length} cities) in ${phases.tree.seconds} s`);

        meter = cpuMeter(pids);
        t = performance.now();
        await publishMembers(publisher, province.members, o.publishConcurrency, (n) => log(`members published: ${n}`));
        const publishedSeconds = (performance.now() - t) / 1000;
        await waitForConsumers(bus, ['learning-members', 'learning-users'], 4 * 3_600_000);
        // collStats counts cheaply on FerretDB (count reads every document); one without an account is found by its index.
        const withoutAccount = await db.collection('learners').findOne({ userId: '' }, { projection: { _id: 1 } });
        const learned = Number((await db.command({ collStats: 'learners' })).count);
        const membersSeconds = (performance.now() - t) / 1000;
        phases.members = {
          members: o.members,
          events: 2 * o.members,
          publishedSeconds: round(publishedSeconds, 1),
          seconds: round(membersSeconds, 1),
          membersPerSecond: round(o.members / membersSeconds, 0),
          learners: learned,
          everyLearnerHasAccount: !withoutAccount,
          cpu: meter.read(),
          memoryMiB: memory(),
        };
        save();
        log(
          `members: ${learned} of ${o.members} learnt (${withoutAccount ? 'not all' : 'all'} with an account) in ${phases.members.seconds} s (${phases.members.membersPerSecond}/s)`,
        );
        if (learned !== o.members || withoutAccount)
          throw new Error(`${learned} of ${o.members} learners, ${withoutAccount ? 'not all' : 'all'} with an account`);
      }
      t = performance.now();
      await recordCadres(http, superAdmin, province.members, 8);
      phases.cadres = { cadres: cadres.length, seconds: round((performance.now() - t) / 1000, 1) };
      log(`cadres: ${cadres.length} in ${phases.cadres.seconds} s`);

      t = performance.now();
      const courses = await publishCourses(http, provinceAdmin, o.courses, o.units);
      phases.courses = { courses: courses.length, unitsEach: o.units, seconds: round((performance.now() - t) / 1000, 1) };
      meter = cpuMeter(pids);
      phases.enrolments = { ...(await enrolAll(env.MONGO_URL!, publisher, logger, province.members, courses, o.batch)), cpu: meter.read() };
      save();
      log(`courses: ${courses.length} of ${o.units} units; enrolments: ${o.members} in ${phases.enrolments.seconds} s`);
      // What a later run with --reuse needs to read this namespace again (kept with --keep).
      const seeded: Seeded = { namespace, year, province, courses: courses.map((c) => ({ id: c.id, unitIds: c.unitIds })) };
      writeFileSync(join(workDir, 'seeded.json'), JSON.stringify(seeded));

      // ---- A day of completions -------------------------------------------------------------------
      const courseOf = new Map(province.members.map((m, i) => [m.memberId, courses[i % courses.length]!]));
      const studying = shuffled(province.members, random).slice(0, Math.ceil(o.completions / o.units));
      let remaining = o.completions;
      const plan = studying.map((m) => {
        const units = Math.min(o.units, remaining);
        remaining -= units;
        return { member: m, course: courseOf.get(m.memberId)!, units };
      });
      const ledgerEntriesBefore = await entriesOfYear(db, year);
      meter = cpuMeter(pids);
      t = performance.now();
      const figures = await completeUnits(plan, o, { gatewayUrl, learningAddress, secret }, (n) =>
        log(`completions: ${n} (${round(n / ((performance.now() - t) / 1000), 0)}/s)`),
      );
      const sentSeconds = (performance.now() - t) / 1000;
      const cpuSent = meter.read();
      const entries = (await entriesOfYear(db, year)) - ledgerEntriesBefore;
      const ledgersSeconds = (performance.now() - t) / 1000;
      // The reports read the nodes' summaries, recounted by the service's refresher.
      await waitUntil('the summaries to take in every ledger', async () => summariesFresh(db, year), 3_600_000, 1_000);
      const summariesSeconds = (performance.now() - t) / 1000;
      phases.completions = {
        completions: o.completions,
        members: plan.length,
        via: o.via,
        concurrency: o.completionConcurrency,
        completed: figures.completed,
        errors: figures.errors,
        errorSamples: figures.errorSamples,
        ledgerEntriesCredited: entries,
        sentSeconds: round(sentSeconds, 1),
        ledgersUpdatedSeconds: round(ledgersSeconds, 1),
        summariesFreshSeconds: round(summariesSeconds, 1),
        perSecond: round(figures.completed / sentSeconds, 1),
        requestsPerSecond: round((2 * figures.completed) / sentSeconds, 1),
        startSessionMs: rounded(summarize(figures.startMs)),
        reportProgressMs: rounded(summarize(figures.reportMs)),
        cpu: cpuSent,
        cpuWithSummaries: meter.read(),
        memoryMiB: memory(),
        goal: 'under 600 s for 300,000 at 100,000 members',
      };
      save();
      log(
        `completions: ${figures.completed}/${o.completions} (${figures.errors} errors), ledgers ${entries} entries in ${phases.completions.ledgersUpdatedSeconds} s, summaries fresh at ${phases.completions.summariesFreshSeconds} s (${phases.completions.perSecond}/s)`,
      );
      if (entries !== o.completions) log(`LEDGERS HOLD ${entries} NEW ENTRIES, ${o.completions} EXPECTED`);
    }

    if (reused && o.recount) {
      // A service whose summaries changed shape recounts them all: its refresher does, once marked.
      const meter = cpuMeter(pids);
      const t = performance.now();
      const marked = await db.collection('ledgers').updateMany({ year }, { $set: { changedAt: Date.now() } });
      await waitUntil('the summaries to be recounted', async () => summariesFresh(db, year), 3_600_000, 1_000);
      phases.recount = { ledgers: marked.modifiedCount, seconds: round((performance.now() - t) / 1000, 1), cpu: meter.read() };
      save();
      log(`recount: ${marked.modifiedCount} ledgers marked, every summary recounted in ${phases.recount.seconds} s`);
    }

    // ---- Reads: the city report and the cadre portrait ------------------------------------------
    if (!o.skipReads) {
      const cityAdmin = (i: number) =>
        bearer({ userId: `bench-city-${i}`, roles: ['orgAdmin'], orgPath: province.cities[i]!.path }, secret, ttl);
      const fullCities = province.cities.filter((c) => province.members.filter((m) => m.branch.city === c.city).length >= o.perCity);
      const check = await http(
        'GET',
        `/api/v1/learning/reports/hours?organizationId=${fullCities[0]!.id}&year=${year}`,
        cityAdmin(fullCities[0]!.city),
      );
      phases.reportCheck = {
        status: check.status,
        learners: check.body?.learners,
        onTrack: check.body?.onTrack,
        behindTotal: check.body?.total,
      };
      log(`report of ${fullCities[0]!.name}: ${JSON.stringify(phases.reportCheck)}`);
      const sample = cadres.slice(0, 500);
      const reportTargets = join(workDir, 'report.targets');
      writeFileSync(
        reportTargets,
        `${fullCities
          .map((c, i) =>
            targetLine({
              id: `city${String(i).padStart(2, '0')}`,
              method: 'GET',
              url: `${gatewayUrl}/api/v1/learning/reports/hours?organizationId=${c.id}&year=${year}`,
              headers: cityAdmin(c.city),
            }),
          )
          .join('\n')}\n`,
      );
      const portraitTargets = join(workDir, 'portrait.targets');
      writeFileSync(
        portraitTargets,
        `${sample
          .map((m, i) =>
            targetLine({
              id: `cadre${String(i).padStart(3, '0')}`,
              method: 'GET',
              url: `${gatewayUrl}/api/v1/cadres/${m.memberId}/portrait`,
              headers: provinceAdmin,
            }),
          )
          .join('\n')}\n`,
      );
      const ledgerClient = new RpcClient(pb.LedgerServiceService, learningAddress, 10_000);
      const portraitClient = new RpcClient(pb.PortraitServiceService, learningAddress, 10_000);
      closers.push(async () => {
        ledgerClient.close();
        portraitClient.close();
      });
      const provinceCaller = { userId: 'bench-province', roles: ['orgAdmin'], orgPath: province.province.path };
      const rpcStep = (name: string, call: () => Promise<unknown>): Step => ({
        name,
        weight: 1,
        async send() {
          try {
            await call();
            return { status: 200 };
          } catch (err) {
            return { status: httpStatusOf((err as { code: number }).code) };
          }
        },
      });
      let k = 0;
      // Assertions are short-lived: each request signs its own, as the gateway does.
      const reportStep = rpcStep('report', async () => {
        const c = fullCities[k++ % fullCities.length]!;
        return ledgerClient.call(
          'getHoursReport',
          pb.GetHoursReportRequest.fromPartial({ organizationId: c.id, year, page: { page: 1, size: 50 } }),
          await credentialsFor({ userId: `bench-city-${c.city}`, roles: ['orgAdmin'], orgPath: c.path }),
        );
      });
      let j = 0;
      // The gateway signs an assertion per request: so does this leg.
      const portraitStep = rpcStep('portrait', async () =>
        portraitClient.call(
          'getPortrait',
          pb.GetPortraitRequest.fromPartial({ memberId: sample[j++ % sample.length]!.memberId }),
          await credentialsFor(provinceCaller),
        ),
      );
      phases.reads = [];
      for (const [name, targets, step] of [
        ['report', reportTargets, reportStep],
        ['portrait', portraitTargets, portraitStep],
      ] as const) {
        for (const concurrency of o.concurrency) {
          const slice = await attackSlice({
            vegeta,
            leg: 'gateway',
            concurrency,
            durationSeconds: o.seconds,
            targetsFile: targets,
            resultsFile: join(workDir, `${name}-c${concurrency}.bin`),
            pids,
          });
          const viaGateway = legOf([slice]);
          const grpcMeter = cpuMeter(pids);
          const direct = await runLoad({ steps: [step], concurrency, durationMs: o.seconds * 1000 });
          const grpcCpu = grpcMeter.read();
          const leg = {
            read: name,
            concurrency,
            gateway: { ...viaGateway, byTargetP50Ms: undefined },
            grpc: {
              seconds: round(direct.seconds, 1),
              requests: direct.requests,
              errors: direct.failures,
              statuses: direct.steps[name]?.statuses,
              perSecond: round(direct.rps, 1),
              latencyMs: rounded(summarize(direct.durations)),
              cpuPercentOfCore: grpcCpu.percentOfCore,
            },
          };
          phases.reads.push(leg);
          save();
          log(
            `${name} c=${concurrency}: gateway p50 ${viaGateway.latencyMs.p50} p95 ${viaGateway.latencyMs.p95} p99 ${viaGateway.latencyMs.p99} ms (${viaGateway.errors} errors); grpc p50 ${leg.grpc.latencyMs.p50} p95 ${leg.grpc.latencyMs.p95} ms (${direct.failures} errors)`,
          );
        }
      }
    }
    results.memoryMiB = memory();
  } catch (err) {
    results.error = (err as Error).stack ?? String(err);
    log(`failed: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    results.loadAverage.after = loadAverage();
    results.finishedAt = new Date().toISOString();
    save();
    await cleanup();
    log(`results: ${file}`);
  }
}

/** The province of a kept namespace, from the service's own copies of the tree and its learners (cadres drawn again). */
async function provinceFromStore(namespace: string, random: () => number, cadreShare: number): Promise<Province> {
  const mongo = new MongoClient(stackUrls().mongoUrl);
  await mongo.connect();
  try {
    const db = mongo.db(namespace);
    const organizations = await db.collection<{ _id: string; path: string; name: string }>('organizations').find({}).toArray();
    const depth = (path: string) => path.split('/').filter(Boolean).length;
    const cityOf = new Map(
      organizations
        .filter((n) => depth(n.path) === 2)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((n, i) => [n.path, i]),
    );
    const all = organizations
      .map((n) => ({
        id: n._id,
        name: n.name,
        path: n.path,
        kind: depth(n.path) === 5 ? ('branch' as const) : ('committee' as const),
        city: cityOf.get(`/${n.path.split('/').filter(Boolean).slice(0, 2).join('/')}/`) ?? -1,
      }))
      .sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
    const byPath = new Map(all.map((n) => [n.path, n]));
    const learners = await db
      .collection<{ _id: string; orgPath: string; userId: string }>('learners')
      .find({}, { projection: { _id: 1, orgPath: 1, userId: 1 } })
      .sort({ _id: 1 })
      .toArray();
    const members: Member[] = learners.map((l) => ({
      memberId: l._id,
      userId: l.userId,
      branch: byPath.get(l.orgPath)!,
      cadreLevel: random() < cadreShare ? (random() < 0.2 ? 'countyDivision' : 'townshipSection') : '',
    }));
    return {
      province: all[0]!,
      cities: all.filter((n) => depth(n.path) === 2).sort((a, b) => a.city - b.city),
      branches: all.filter((n) => n.kind === 'branch'),
      all,
      members,
    };
  } finally {
    await mongo.close();
  }
}

/**
 * Whether every node's summary of the year was counted after the last change of its ledgers
 * (each ledger write stamps `changedAt`; each summary saved stamps `updatedAt`).
 */
async function summariesFresh(db: ReturnType<MongoClient['db']>, year: number): Promise<boolean> {
  const changed = new Map<string, number>();
  for await (const l of db.collection('ledgers').find({ year }, { projection: { orgPath: 1, changedAt: 1 } }))
    changed.set(l.orgPath as string, Math.max(changed.get(l.orgPath as string) ?? 0, (l.changedAt as number | undefined) ?? 0));
  const counted = new Map<string, number>();
  for await (const s of db.collection('summaries').find({ year }, { projection: { orgPath: 1, updatedAt: 1 } }))
    counted.set(s.orgPath as string, Date.parse(s.updatedAt as string));
  return [...changed].every(([orgPath, at]) => (counted.get(orgPath) ?? 0) > at);
}

/** Ledger entries of the year, over every ledger (entry keys only). */
async function entriesOfYear(db: ReturnType<MongoClient['db']>, year: number): Promise<number> {
  let n = 0;
  for await (const l of db.collection('ledgers').find({ year }, { projection: { entryKeys: 1 } }))
    n += ((l.entryKeys as unknown[]) ?? []).length;
  return n;
}

interface CompletionFigures {
  completed: number;
  errors: number;
  errorSamples: string[];
  startMs: number[];
  reportMs: number[];
}

/**
 * Each member reads their course's units to the end, one unit at a time (the service allows one
 * playing unit per member): start a session, report it read to the end. That report completes
 * the unit and credits its class hour to the member's ledger before it answers.
 */
async function completeUnits(
  plan: { member: Member; course: SeededCourse; units: number }[],
  o: Options,
  at: { gatewayUrl: string; learningAddress: string; secret: string },
  progress: (done: number) => void,
): Promise<CompletionFigures> {
  const f: CompletionFigures = { completed: 0, errors: 0, errorSamples: [], startMs: [], reportMs: [] };
  const fail = (what: string) => {
    f.errors++;
    if (f.errorSamples.length < 5) f.errorSamples.push(what);
  };
  const study = new RpcClient(pb.StudyServiceService, at.learningAddress, 15_000);
  const http = httpClient(at.gatewayUrl);
  try {
    await pool(plan, o.completionConcurrency, async ({ member, course, units }) => {
      const token = bearer({ userId: member.userId, roles: ['member'], orgPath: member.branch.path }, at.secret, 3_600);
      const caller =
        o.via === 'grpc' ? await credentialsFor({ userId: member.userId, roles: ['member'], orgPath: member.branch.path }) : undefined;
      for (const unitId of course.unitIds.slice(0, units)) {
        try {
          let s = performance.now();
          let sessionId: string;
          if (caller)
            sessionId = (await study.call('startSession', pb.StartSessionRequest.fromPartial({ courseId: course.id, unitId }), caller))
              .session!.id;
          else {
            const r = await http('POST', `/api/v1/courses/${course.id}/units/${unitId}/sessions`, token);
            if (r.status !== 201) throw new Error(`session ${r.status} ${r.body?.error?.code ?? ''}`);
            sessionId = r.body.id;
          }
          f.startMs.push(performance.now() - s);
          s = performance.now();
          let completed: boolean;
          if (caller)
            completed = (
              await study.call('reportProgress', pb.ReportProgressRequest.fromPartial({ sessionId, readToPermille: 1000 }), caller)
            ).unitCompleted;
          else {
            const r = await http('POST', `/api/v1/learning-sessions/${sessionId}/progress`, token, { readToPermille: 1000 });
            if (r.status !== 200) throw new Error(`progress ${r.status} ${r.body?.error?.code ?? ''}`);
            completed = r.body.unitCompleted;
          }
          f.reportMs.push(performance.now() - s);
          if (!completed) throw new Error('the report did not complete the unit');
          if (++f.completed % 10_000 === 0) progress(f.completed);
        } catch (err) {
          fail((err as Error).message);
        }
      }
    });
  } finally {
    study.close();
  }
  return f;
}

void main();
