/**
 * Member benchmark, start to finish, all through the gateway's REST API:
 *
 * 1. starts the member service and the gateway from their builds on free ports, with a database
 *    and NATS streams of their own and a random token secret;
 * 2. builds the tree: a province committee, its city committees, the branches;
 * 3. imports the members as CSV files with Chinese headers (every file must import every row);
 * 4. optionally sets a realistic dues category and income on a sample of members;
 * 5. generates one month of dues bills for the whole province, then once more (bills nobody twice);
 * 6. lists branches' members under load (vegeta, secretaries' tokens, round robin over branches);
 * 7. stops both processes, drops the database and the streams (unless --keep), and writes
 *    results/<date>.json with a summary.
 *
 * Run through ./run.sh (builds, makes sure FerretDB and NATS run, installs vegeta). Options: README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { bearer, cleanupNamespace, randomSecret, testCallerKeys } from '@repo/testbed';
import { Api, pool, type Json } from './api';
import { runLeg, writeTargets, type ListTarget, type LoadLeg } from './listing';
import { removeLeftoverFiles } from './leftovers';
import { cpuMeter, loadAverage, memoryMiB, postgresProcesses, RunStore, streamMessages, type CpuReading } from './observe';
import {
  branchName,
  cityName,
  csvFile,
  duesPayingStages,
  PeopleGenerator,
  provinceName,
  randomStream,
  todayInChina,
  type Person,
} from './population';
import { assertPortFree, readPid, startService, waitUntil, type Service } from '../../search-load/src/proc';
import { round, rounded, summarize } from '../../search-load/src/stats';
import { commandOptions, sh } from '../../search-load/src/cli';

const benchDir = resolve(__dirname, '..');
const repo = resolve(benchDir, '../..');

interface Options {
  members: number;
  branches: number;
  cities: number;
  seconds: number;
  concurrency: number[];
  listBranches: number;
  fileRows: number;
  treeConcurrency: number;
  incomeSample: number;
  month: string;
  keep: boolean;
  seed: number;
  gatewayPort: number;
  memberPort: number;
  maxMinutes: number;
  drainMinutes: number;
  importMinutes: number;
  duesMinutes: number;
}

function currentMonthInChina(): string {
  return todayInChina().slice(0, 7);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    members: 100_000,
    branches: 2_000,
    cities: 20,
    seconds: 30,
    concurrency: [1, 8, 32],
    listBranches: 200,
    fileRows: 10_000,
    treeConcurrency: 4,
    incomeSample: 40,
    month: currentMonthInChina(),
    keep: false,
    seed: 20_261_127,
    gatewayPort: 0,
    memberPort: 0,
    maxMinutes: 75,
    drainMinutes: 2,
    importMinutes: 25,
    duesMinutes: 15,
  };
  for (const { arg, value, int } of commandOptions(argv)) {
    switch (arg) {
      case '--members':
        o.members = int(1, 1_000_000);
        break;
      case '--branches':
        o.branches = int(1, 20_000);
        break;
      case '--cities':
        o.cities = int(1, 200);
        break;
      case '--seconds':
        o.seconds = int(1, 600);
        break;
      case '--concurrency':
        o.concurrency = value()
          .split(',')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n >= 1 && n <= 256);
        break;
      case '--list-branches':
        o.listBranches = int(1, 20_000);
        break;
      case '--file-rows':
        o.fileRows = int(1, 100_000);
        break;
      case '--tree-concurrency':
        o.treeConcurrency = int(1, 64);
        break;
      case '--income-sample':
        o.incomeSample = int(0, 100_000);
        break;
      case '--month':
        o.month = value();
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--seed':
        o.seed = int(0, 2 ** 31);
        break;
      case '--gateway-port':
        o.gatewayPort = int(1_024, 65_535);
        break;
      case '--member-port':
        o.memberPort = int(1_024, 65_535);
        break;
      case '--max-minutes':
        o.maxMinutes = int(5, 240);
        break;
      case '--drain-minutes':
        o.drainMinutes = int(0, 120);
        break;
      case '--import-minutes':
        o.importMinutes = int(1, 240);
        break;
      case '--dues-minutes':
        o.duesMinutes = int(1, 240);
        break;
      default:
        throw new Error(`unknown option ${arg} (see bench/member/README.md)`);
    }
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month)) throw new Error('--month: YYYY-MM');
  if (o.concurrency.length === 0) throw new Error('--concurrency: a list such as 1,8,32');
  o.cities = Math.min(o.cities, o.branches);
  o.listBranches = Math.min(o.listBranches, o.branches);
  return o;
}

function machine() {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? '';
  const os = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(sh('cat', ['/etc/os-release']))?.[1] ?? '';
  return {
    date: sh('date', ['-u']),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpuModel,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeH: sh('free', ['-h']),
    kernel: sh('uname', ['-r']),
    os,
  };
}

function sourceState() {
  const status = sh('git', ['-C', repo, 'status', '--short']);
  const files = status ? status.split('\n').filter((l) => !l.includes('bench/member/')) : [];
  return {
    commit: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    uncommittedFiles: files.length,
    uncommitted: files.map((l) => l.trim()),
  };
}

function readEnvFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['ferretdb.env', 'nats.env']) {
    try {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (m) out[m[1]!] = m[2]!;
      }
    } catch {
      // not running from this clone's stack: defaults
    }
  }
  return out;
}

/** A port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const perSecond = (count: number, seconds: number) => round(count / Math.max(seconds, 1e-9), 1);
const msSummary = (values: number[]) => rounded(summarize(values));

/** p50 of each tenth of a sequence of call times, in call order (does it slow down as data grows?). */
function byTenth(values: number[]): number[] {
  const out: number[] = [];
  const step = Math.max(1, Math.ceil(values.length / 10));
  for (let i = 0; i < values.length; i += step) out.push(round(summarize(values.slice(i, i + step)).p50, 1));
  return out;
}

interface Org {
  id: string;
  path: string;
  name: string;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const machineBefore = machine();
  const source = sourceState();
  const t0 = performance.now();
  const deadline = Date.now() + o.maxMinutes * 60_000;
  const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\..+$/, 'Z');
  const compact = stamp.replace(/[-TZ]/g, '');
  const workDir = join(benchDir, 'results', stamp);
  mkdirSync(workDir, { recursive: true });
  const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}`);
  const checkTime = (what: string) => {
    if (Date.now() > deadline) throw new Error(`time limit of ${o.maxMinutes} min reached before ${what}`);
  };

  // The stack run.sh started: STACK_DIR when set (as deploy/local/lib.sh reads it), else this clone's.
  const stackDir = process.env.STACK_DIR ?? join(repo, '.local');
  const stackEnv = readEnvFiles(join(stackDir, 'run'));
  const mongoBase = `mongodb://127.0.0.1:${stackEnv.MONGO_PORT ?? '27017'}`;
  const natsUrl = `nats://127.0.0.1:${stackEnv.NATS_PORT ?? '4222'}`;
  const ferretPid = readPid(join(stackDir, 'run/ferretdb.pid'));
  const natsPid = readPid(join(stackDir, 'run/nats.pid'));
  // FerretDB's backend (PostgreSQL) is a process per connection: counted as a group.
  const postgres = postgresProcesses(join(stackDir, 'data/postgres'));
  const vegeta =
    process.env.VEGETA_BIN ?? join(process.env.PB_CACHE_DIR ?? join(process.env.HOME ?? '/root', '.cache/partybuilding'), 'bin/vegeta');
  // FerretDB database names: letters, digits, - and _. Bus namespaces: lower case letters and digits.
  const database = `bench-member-${compact.slice(0, 8)}-${compact.slice(8)}`;
  const namespace = `benchmember${compact}`;
  const secret = randomSecret();
  const gatewayPort = o.gatewayPort || (await freePort());
  const memberPort = o.memberPort || (await freePort());
  await assertPortFree(gatewayPort);
  await assertPortFree(memberPort);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const month = o.month;
  log(
    `member bench ${stamp}: ${o.members} members in ${o.branches} branches of ${o.cities} cities, bills for ${month}, listing legs of ${o.seconds} s at concurrency ${o.concurrency.join(', ')}; load average ${loadBefore.one}`,
  );

  const services: Service[] = [];
  const stopAll = async () => {
    for (const s of [...services].reverse()) await s.stop();
  };
  process.once('SIGINT', () => {
    log('interrupted (SIGINT): stopping the services, dropping the database and the streams');
    void stopAll()
      .then(() => (o.keep ? undefined : cleanupNamespace(namespace, { database })))
      .then(() => (o.keep ? 0 : removeLeftoverFiles(database)))
      .catch((err: unknown) => log(`cleanup after SIGINT: ${(err as Error).message}`))
      .finally(() => process.exit(130));
  });

  const results: Json = {
    benchmark: 'member',
    startedAt: startedAt.toISOString(),
    options: o,
    machine: machineBefore,
    loadAverage: { before: loadBefore },
    versions: {
      node: process.version,
      ferretdb: /version:\s*(\S+)/.exec(sh(join(stackDir, 'bin/ferretdb'), ['--version']))?.[1] ?? '',
      natsServer: /v[\d.]+/.exec(sh(join(stackDir, 'bin/nats-server'), ['--version']))?.[0] ?? '',
      vegeta: /\tmod\t\S+\t(\S+)/.exec(sh('go', ['version', '-m', vegeta]))?.[1] ?? '',
      go: sh('go', ['env', 'GOVERSION']),
      ...source,
    },
    namespace: { database, busNamespace: namespace, gatewayUrl, memberAddr: `127.0.0.1:${memberPort}` },
    phases: {} as Record<string, unknown>,
    notes: [] as string[],
  };
  const notes = results.notes as string[];
  const file = join(benchDir, 'results', `${stamp}.json`);
  /** The results so far: written after each phase, so a run cut short still leaves its figures. */
  const save = () => writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const phases = results.phases as Record<string, Json>;

  let nc: NatsConnection | undefined;
  let counter: RunStore | undefined;
  try {
    // ---- 1. The platform from its builds -------------------------------------------------------
    let phaseStart = performance.now();
    const register = ['--require', '@repo/telemetry/register'];
    const startMember = () =>
      startService(
        'member',
        [...register, 'services/member/dist/main.js'],
        {
          AUTH_TOKEN_SECRET: secret,
          MEMBER_GRPC_ADDR: `127.0.0.1:${memberPort}`,
          MONGO_URL: `${mongoBase}/${database}`,
          NATS_URL: natsUrl,
          BUS_NAMESPACE: namespace,
          CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem,
          LOG_LEVEL: 'warn',
          OTEL_SERVICE_NAME: 'member',
        },
        join(workDir, 'member.log'),
        repo,
      );
    services.push(startMember());
    services.push(
      startService(
        'gateway',
        [...register, 'gateway/dist/main.js'],
        {
          GATEWAY_HOST: '127.0.0.1',
          GATEWAY_PORT: String(gatewayPort),
          MEMBER_ADDR: `127.0.0.1:${memberPort}`,
          // Not started: the content service is not part of this benchmark (readyz reports it down).
          CONTENT_ADDR: `127.0.0.1:${await freePort()}`,
          AUTH_TOKEN_SECRET: secret,
          CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
          RATE_LIMIT_PER_MINUTE: '1000000',
          PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
          // The gateway's configuration caps this one at 10,000 (it refuses to start above).
          AUTH_RATE_LIMIT_PER_MINUTE: '10000',
          LOG_LEVEL: 'warn',
          OTEL_SERVICE_NAME: 'gateway',
        },
        join(workDir, 'gateway.log'),
        repo,
      ),
    );
    const member = services[0]!;
    const gateway = services[1]!;
    for (const s of services) s.child.once('exit', (code, signal) => log(`${s.name} exited (${signal ?? code})`));
    const memberReady = () =>
      waitUntil(
        'the gateway to report the member service ready',
        async () => {
          for (const s of services) if (s.child.exitCode !== null) throw new Error(`${s.name} exited; see ${s.logFile}`);
          const r = await fetch(`${gatewayUrl}/readyz`);
          return ((await r.json()) as { services?: { member?: boolean } }).services?.member === true;
        },
        90_000,
      );
    await memberReady();
    save();
    phases.start = {
      seconds: round((performance.now() - phaseStart) / 1000, 1),
      memberMiB: memoryMiB(member.pid),
      gatewayMiB: memoryMiB(gateway.pid),
    };
    log(
      `ready: gateway ${gatewayUrl} (pid ${gateway.pid}), member 127.0.0.1:${memberPort} (pid ${member.pid}), database ${database}, streams ${namespace.toUpperCase()}_*`,
    );

    const api = new Api(gatewayUrl);
    const pids = { member: member.pid, gateway: gateway.pid, ferretdb: ferretPid, postgres, nats: natsPid };
    const admin = bearer({ userId: 'bench-admin', roles: ['superAdmin'], orgPath: '/' }, secret, 4 * 3_600);
    nc = await connect({ servers: natsUrl, timeout: 5_000 });
    const jsm = await nc.jetstreamManager();
    const published = async () => Object.values(await streamMessages(jsm, namespace)).reduce((s, v) => s + v, 0);

    /**
     * Waits (at most --drain-minutes) until the relay has published `expected` events. The relay
     * publishes each written document's events one document at a time; how fast it goes, and
     * how long it would need for the rest, is part of the result.
     */
    const waitForRelay = async (expected: number, since: number, what: string) => {
      const limit = Math.min(deadline, Date.now() + o.drainMinutes * 60_000);
      const meter = cpuMeter(pids);
      const first = await published();
      const t = performance.now();
      let count = first;
      while (count < expected && Date.now() < limit) {
        await sleep(1_000);
        count = await published();
      }
      const seconds = round((performance.now() - since) / 1000, 1);
      const waited = (performance.now() - t) / 1000;
      const rate = waited > 0 ? (count - first) / waited : NaN;
      const drained = count >= expected;
      const etaMinutes = drained ? 0 : rate > 0 ? round((expected - count) / rate / 60, 0) : NaN;
      if (!drained)
        notes.push(
          `${what}: the outbox relay had published ${count} of ${expected} events ${seconds} s after the writes ended, at ${round(rate, 1)} events/s (about ${etaMinutes} min more to go); the next phases ran with it still busy`,
        );
      log(
        `${what}: ${count}/${expected} events published ${drained ? '' : '(NOT drained) '}${seconds} s after the writes ended (${round(rate, 1)} events/s while waiting)`,
      );
      return {
        expected,
        published: count,
        drained,
        secondsAfterWrites: seconds,
        eventsPerSecondWhileWaiting: round(rate, 1),
        etaMinutes,
        cpu: meter.read(),
      };
    };
    const store = await RunStore.open(mongoBase, database);
    counter = store;

    // ---- 2. The tree ---------------------------------------------------------------------------
    checkTime('the tree');
    phaseStart = performance.now();
    let meter = cpuMeter(pids);
    const createMs: number[] = [];
    const createOrg = async (body: Record<string, unknown>): Promise<Org> => {
      const a = await api.expect(201, 'POST', '/api/v1/organizations', admin, body);
      createMs.push(a.ms);
      return { id: a.body.id, path: a.body.path, name: a.body.name };
    };
    const province = await createOrg({ name: provinceName, kind: 'committee' });
    const cities = await pool(
      Array.from({ length: o.cities }, (_, i) => i),
      o.treeConcurrency,
      (i) => createOrg({ parentId: province.id, name: cityName(i), kind: 'committee' }),
    );
    const branchSpecs: { city: number; j: number }[] = [];
    for (let i = 0; i < o.cities; i++) {
      const count = Math.floor(o.branches / o.cities) + (i < o.branches % o.cities ? 1 : 0);
      for (let j = 0; j < count; j++) branchSpecs.push({ city: i, j });
    }
    const branchTimes: number[] = [];
    const branches = await pool(branchSpecs, o.treeConcurrency, async ({ city, j }) => {
      const org = await createOrg({ parentId: cities[city]!.id, name: branchName(city, j), kind: 'branch' });
      branchTimes.push(createMs[createMs.length - 1]!);
      return { ...org, city };
    });
    const treeSeconds = (performance.now() - phaseStart) / 1000;
    const nodes = 1 + cities.length + branches.length;
    phases.tree = {
      nodes,
      seconds: round(treeSeconds, 1),
      nodesPerSecond: perSecond(nodes, treeSeconds),
      concurrency: o.treeConcurrency,
      createMs: msSummary(createMs),
      branchCreateP50MsByTenth: byTenth(branchTimes),
      cpu: meter.read(),
      memberMiB: memoryMiB(member.pid),
    };
    log(
      `tree: ${nodes} nodes in ${round(treeSeconds, 1)} s (${phases.tree.nodesPerSecond}/s at ${o.treeConcurrency} in flight), create p50 ${phases.tree.createMs.p50} ms, p95 ${phases.tree.createMs.p95} ms`,
    );
    const treeEvents = await published();
    save();

    // ---- 3. Import -----------------------------------------------------------------------------
    checkTime('the import');
    const genStart = performance.now();
    const people = new PeopleGenerator(o.seed, todayInChina());
    const all: Person[] = [];
    branches.forEach((b, k) => {
      const count = Math.floor(o.members / branches.length) + (k < o.members % branches.length ? 1 : 0);
      for (let n = 0; n < count; n++) {
        const p = people.person(b.id, b.city);
        all.push(p);
      }
    });
    const files: Buffer[] = [];
    for (let i = 0; i < all.length; i += o.fileRows) files.push(csvFile(all.slice(i, i + o.fileRows)));
    writeFileSync(join(workDir, 'import-sample.csv'), files[0]!.subarray(0, 4_000));
    const generationSeconds = round((performance.now() - genStart) / 1000, 1);
    log(
      `import: ${all.length} members generated in ${generationSeconds} s (${files.length} files, ${round(files.reduce((s, f) => s + f.length, 0) / 2 ** 20, 1)} MiB); stages ${JSON.stringify(people.stageCounts)}`,
    );

    const importer = bearer({ userId: 'bench-importer', roles: ['orgAdmin'], orgPath: province.path }, secret, 4 * 3_600);
    phaseStart = performance.now();
    const importLimit = Math.min(deadline, Date.now() + o.importMinutes * 60_000);
    meter = cpuMeter(pids);
    const memoryBefore = memoryMiB(member.pid);
    const fileResults: Json[] = [];
    let stored = 0;
    for (const [i, file] of files.entries()) {
      if (Date.now() > importLimit) {
        notes.push(`import: stopped after ${i} of ${files.length} files at the --import-minutes limit (${o.importMinutes} min)`);
        log(`import: --import-minutes (${o.importMinutes}) reached; ${files.length - i} files not sent`);
        break;
      }
      const fileMeter = cpuMeter(pids);
      const rows = Math.min(o.fileRows, all.length - i * o.fileRows);
      const sent = performance.now();
      const a = await api.call('POST', '/api/v1/members/import', { ...importer, 'content-type': 'text/csv' }, file, 600_000);
      let serviceMs = a.ms;
      let imported = Number(a.body?.imported ?? NaN);
      // 504: the gateway gave up (120 s deadline for imports). 503 "Connection dropped": the member
      // service's gRPC server closed the connection under the call (its connections live 5 min
      // plus 30 s of grace, however long a call runs). In both the handler may go on: watch the rows land.
      const cutShort = a.status === 504 || a.status === 503;
      if (cutShort) {
        let n = await store.count('members');
        let lastChange = performance.now();
        while (n < stored + rows && performance.now() - lastChange < 300_000 && Date.now() < deadline) {
          await sleep(2_000);
          const m = await store.count('members');
          if (m !== n) lastChange = performance.now();
          n = m;
        }
        serviceMs = lastChange - sent;
        imported = n - stored;
      } else if ((a.status === 200 || a.status === 201) && (imported !== rows || a.body?.invalidRows !== 0)) {
        // Rows the service refused: a fault of the generated data, so the run stops here, the answer kept.
        writeFileSync(join(workDir, `import-${i + 1}-answer.json`), JSON.stringify(a.body, null, 1));
        throw new Error(`import file ${i + 1} answered ${a.status}: ${JSON.stringify(a.body).slice(0, 800)}`);
      } else if (a.status !== 201) {
        // The service failed (e.g. 500): whatever it stored before failing stays stored. Count it and go on.
        writeFileSync(join(workDir, `import-${i + 1}-answer.json`), JSON.stringify(a.body, null, 1));
        imported = (await store.count('members')) - stored;
      }
      stored += imported;
      const cpu = fileMeter.read();
      const r = {
        file: i + 1,
        rows,
        bytes: file.length,
        status: a.status,
        requestMs: round(a.ms, 1),
        ms: round(serviceMs, 1),
        rowsPerSecond: perSecond(imported, serviceMs / 1000),
        imported,
        invalidRows: a.body?.invalidRows,
        errors: Array.isArray(a.body?.errors) ? a.body.errors.length : undefined,
        cpuSeconds: cpu.seconds,
        memberMiB: memoryMiB(member.pid),
        eventsPublished: await published(),
      };
      fileResults.push(r);
      const how = cutShort
        ? `gateway ${a.status} after ${round(a.ms / 1000, 1)} s, rows stored after ${round(serviceMs / 1000, 1)} s`
        : `${round(a.ms / 1000, 2)} s`;
      log(
        `import file ${i + 1}/${files.length}: ${a.status} ${imported} imported, ${r.errors ?? '?'} errors, ${how} (${r.rowsPerSecond} rows/s; member CPU ${cpu.seconds.member} s, FerretDB ${cpu.seconds.ferretdb} s, PostgreSQL ${cpu.seconds.postgres} s, member RSS ${r.memberMiB.rss} MiB, ${r.eventsPublished} events published)`,
      );
      if (cutShort)
        notes.push(
          `import file ${i + 1}: the gateway answered ${a.status} ${a.body?.error?.code ?? ''} "${a.body?.error?.message ?? ''}" after ${round(a.ms / 1000, 1)} s; the service stored ${imported} of ${rows} rows ${round(serviceMs / 1000, 1)} s after the file was sent`,
        );
      if (!cutShort && a.status !== 201)
        notes.push(
          `import file ${i + 1}: answered ${a.status} ${JSON.stringify(a.body).slice(0, 300)} after ${round(a.ms / 1000, 1)} s; ${imported} of its ${rows} rows were stored all the same`,
        );
      if (imported !== rows)
        notes.push(`import file ${i + 1}: ${imported} of ${rows} rows stored; the later phases use what the store holds`);
    }
    const importSeconds = (performance.now() - phaseStart) / 1000;
    const importEnd = performance.now();
    const imported = stored;
    phases.import = {
      members: imported,
      filesSent: fileResults.length,
      files: files.length,
      rowsPerFile: o.fileRows,
      bytes: files.reduce((s, f) => s + f.length, 0),
      generationSeconds,
      seconds: round(importSeconds, 1),
      rowsPerSecond: perSecond(imported, importSeconds),
      fileMs: msSummary(fileResults.map((f) => f.ms)),
      fileRowsPerSecond: rounded(summarize(fileResults.map((f) => f.rowsPerSecond)), 1),
      stages: people.stageCounts,
      genders: people.genderCounts,
      cpu: meter.read(),
      memberMiB: { before: memoryBefore, after: memoryMiB(member.pid) },
      databaseBytes: await store.databaseBytes(),
      perFile: fileResults,
    };
    log(
      `import: ${imported} members in ${round(importSeconds, 1)} s = ${phases.import.rowsPerSecond} rows/s; file p50 ${round(phases.import.fileMs.p50 / 1000, 2)} s, p95 ${round(phases.import.fileMs.p95 / 1000, 2)} s`,
    );
    phases.importRelay = await waitForRelay(treeEvents + imported, importEnd, 'import events');
    save();
    // Only what was imported takes part from here on.
    // What the store holds from here on (a failed file may have left part of its rows).
    const held = await store.membersByBranch();
    const storedIds = new Set(held.nationalIds);
    const importedPeople = all.filter((p) => storedIds.has(p.nationalId));
    const importedBranches = new Set(importedPeople.map((p) => p.organizationId));
    const stageCounts = { applicant: 0, activist: 0, candidate: 0, probationary: 0, full: 0 };
    for (const p of importedPeople) stageCounts[p.stage] += 1;
    const rollOf = (k: number) => held.byBranch.get(branches[k]!.id) ?? 0;
    if (importedPeople.length !== imported)
      notes.push(`the store holds ${importedPeople.length} of the generated members; the import counted ${imported}`);

    // ---- 4. A realistic income on a sample -------------------------------------------------------
    // Import gives everybody inService with income 0. A sample gets a category and income through
    // PATCH /api/v1/members/:id, as a secretary would enter them. The bench finds the sample's ids
    // in its own database by national ID (one query), since a listing may not answer in time.
    const sampleSize = Math.min(o.incomeSample, imported);
    if (sampleSize > 0) {
      checkTime('the income sample');
      phaseStart = performance.now();
      const sampleLimit = Date.now() + 3 * 60_000;
      meter = cpuMeter(pids);
      const random = randomStream(o.seed + 1);
      const spread = Math.max(1, Math.floor(imported / sampleSize));
      const wanted = Array.from({ length: sampleSize }, (_, i) => importedPeople[i * spread]!.nationalId);
      const lookupStart = performance.now();
      const chosen = await store.membersByNationalId(wanted);
      const lookupMs = performance.now() - lookupStart;
      const patchMs: number[] = [];
      const failedMs: number[] = [];
      const patchStatus: Record<string, number> = {};
      const categories: Record<string, number> = {};
      await pool(chosen, 4, async (m) => {
        if (Date.now() > sampleLimit) return;
        const retired = Number(m.birthDate.slice(0, 4)) < 1966;
        const duesCategory = retired ? 'retired' : random() < 0.03 ? 'annualSalary' : 'inService';
        // Post-tax monthly income in fen (annual for annualSalary): pensions 2,500-8,000 yuan, salaries 3,000-25,000.
        const monthly = retired ? 250_000 + Math.floor(random() * 550_000) : 300_000 + Math.floor(random() ** 2 * 2_200_000);
        const duesIncomeFen = duesCategory === 'annualSalary' ? monthly * 12 + 2_400_000 : monthly;
        const a = await api.call('PATCH', `/api/v1/members/${m.id}`, admin, { duesCategory, duesIncomeFen }, 60_000);
        patchStatus[a.status] = (patchStatus[a.status] ?? 0) + 1;
        if (a.status === 200) {
          patchMs.push(a.ms);
          categories[duesCategory] = (categories[duesCategory] ?? 0) + 1;
        } else {
          failedMs.push(a.ms);
        }
      });
      const seconds = (performance.now() - phaseStart) / 1000;
      phases.incomeSample = {
        members: patchMs.length,
        asked: sampleSize,
        categories,
        patchStatus,
        seconds: round(seconds, 1),
        patchesPerSecond: perSecond(patchMs.length, seconds),
        concurrency: 4,
        idLookupMs: round(lookupMs, 1),
        patchMs: msSummary(patchMs),
        failedMs: msSummary(failedMs),
        cpu: meter.read(),
      };
      if (patchMs.length < sampleSize)
        notes.push(`income sample: ${patchMs.length} of ${sampleSize} PATCH calls succeeded (${JSON.stringify(patchStatus)})`);
      log(
        `income sample: ${patchMs.length} of ${sampleSize} members patched in ${round(seconds, 1)} s (statuses ${JSON.stringify(patchStatus)}; id lookup ${round(lookupMs, 0)} ms), PATCH p50 ${phases.incomeSample.patchMs.p50} ms, p95 ${phases.incomeSample.patchMs.p95} ms`,
      );
      save();
    }

    // ---- 5. One month of dues bills for the whole province -------------------------------------------
    checkTime('the dues bills');
    const payers = duesPayingStages.reduce((s, stage) => s + stageCounts[stage], 0);
    {
      /** POST starts the run (202); its status resource is polled every second until it is finished. */
      const billingRun = async (label: string) => {
        const runMeter = cpuMeter(pids);
        const eventsBefore = await published();
        const started = performance.now();
        const a = await api.call('POST', '/api/v1/dues/bills', importer, { organizationId: province.id, month }, 60_000);
        const out: Json = {
          via: 'REST',
          available: a.status === 202 || a.status === 200,
          status: a.status,
          requestMs: round(a.ms, 1),
          answer: a.body,
          eventsBefore,
        };
        if (a.status !== 202 && a.status !== 200) {
          notes.push(
            `dues bills (${label}): POST /api/v1/dues/bills answered ${a.status} ${JSON.stringify(a.body).slice(0, 200)} after ${round(a.ms / 1000, 1)} s`,
          );
          out.finished = false;
          return out;
        }
        const limit = Math.min(deadline, Date.now() + o.duesMinutes * 60_000);
        const timeline: [number, number, number][] = [];
        let run: Json = a.body;
        while (run.state !== 'finished' && run.state !== 'failed' && Date.now() < limit) {
          await sleep(1_000);
          const polled = await api.call('GET', a.body.status, importer, undefined, 30_000);
          if (polled.status !== 200) continue;
          run = polled.body;
          timeline.push([round((performance.now() - started) / 1000, 1), run.membersRead, run.created]);
        }
        out.run = run;
        out.finished = run.state === 'finished';
        out.created = run.created;
        out.existing = run.existing;
        out.attempts = run.attempts;
        // The service's own times: queued at requestedAt, finished at finishedAt.
        out.serviceSeconds = out.finished
          ? round((Date.parse(run.finishedAt) - Date.parse(run.requestedAt)) / 1000, 2)
          : round((performance.now() - started) / 1000, 1);
        out.timeline = timeline;
        if (!out.finished)
          notes.push(
            `dues bills (${label}): run ${run.state} after ${round((performance.now() - started) / 1000, 0)} s (limit --dues-minutes ${o.duesMinutes}): ${run.created} created, ${run.membersRead} members read`,
          );
        out.billsPerSecond = perSecond(out.created, out.serviceSeconds);
        out.cpu = runMeter.read();
        return out;
      };

      phaseStart = performance.now();
      const first = await billingRun('first run');
      phases.dues = { month, payers, first };
      log(
        `dues bills (first run): POST ${first.status} in ${first.requestMs} ms, run ${first.run?.state}: ${first.created} created in ${first.serviceSeconds} s = ${first.billsPerSecond} bills/s (payers ${payers}); member CPU ${first.cpu?.seconds.member} s, FerretDB ${first.cpu?.seconds.ferretdb} s, PostgreSQL ${first.cpu?.seconds.postgres} s`,
      );
      if (first.finished && first.created !== payers)
        notes.push(`dues bills: created ${first.created}, expected ${payers} (probationary + full members)`);
      const billingEnd = performance.now();
      if (first.finished) {
        phases.duesRelay = await waitForRelay(first.eventsBefore + first.created, billingEnd, 'bill events');
        // Asked again: the same run answers (200, finished), nobody is billed twice.
        const second = await billingRun('second run');
        phases.dues.second = second;
        log(
          `dues bills (second request): ${second.status}, run ${second.run?.id === first.run?.id ? 'the same' : 'ANOTHER'} (${second.run?.state}), created ${second.created}, existing ${second.existing}`,
        );
        if (second.run?.id !== first.run?.id) notes.push(`dues bills: the second request answered another run (${second.run?.id})`);
        phases.dues.billsStored = await store.count('duesBills');
        if (phases.dues.billsStored !== payers)
          notes.push(`dues bills: ${phases.dues.billsStored} bills stored for ${month}, expected ${payers}`);
      } else {
        notes.push('dues bills: the second request was skipped because the first run had not finished');
      }
      phases.dues.seconds = round((performance.now() - phaseStart) / 1000, 1);
      save();
    }

    // ---- 6. Branch listing under load ------------------------------------------------------------------
    checkTime('the listing load');
    const listable = branches.map((b, k) => ({ b, k })).filter(({ b }) => importedBranches.has(b.id));
    const step = listable.length / Math.min(o.listBranches, listable.length);
    const listed = Array.from({ length: Math.min(o.listBranches, listable.length) }, (_, i) => listable[Math.floor(i * step)]!.k);
    const targets: ListTarget[] = listed.map((k) => ({
      id: `b${k}`,
      path: `/api/v1/members?organizationId=${branches[k]!.id}&page=1&size=20`,
      headers: bearer({ userId: `bench-secretary-${k}`, roles: ['secretary'], orgPath: branches[k]!.path }, secret, 4 * 3_600),
    }));
    // Each target once (at most a minute of checks): the secretary sees the branch's whole roll, 20 on the page.
    const checkMs: number[] = [];
    const checkStatus: Record<string, number> = {};
    const checkUntil = Date.now() + 60_000;
    for (const [n, t] of targets.entries()) {
      if (Date.now() > checkUntil) break;
      // The check asks for the total too; the load does not (totals only on request).
      const a = await api.call('GET', `${t.path}&withTotal=true`, t.headers);
      checkStatus[a.status] = (checkStatus[a.status] ?? 0) + 1;
      if (a.status !== 200) {
        notes.push(
          `listing check: branch ${listed[n]} answered ${a.status} after ${round(a.ms / 1000, 1)} s: ${JSON.stringify(a.body).slice(0, 200)}`,
        );
        break;
      }
      checkMs.push(a.ms);
      const k = listed[n]!;
      const roll = rollOf(k);
      if (
        a.body.total !== roll ||
        a.body.items.length !== Math.min(20, roll) ||
        a.body.items.some((m: Json) => m.organizationId !== branches[k]!.id)
      ) {
        throw new Error(`listing branch ${k}: total ${a.body.total} (expected ${roll}), ${a.body.items.length} items`);
      }
    }
    // The neighbour's roll is out of a secretary's scope.
    if (targets.length > 1 && checkMs.length > 0) {
      const other = await api.call('GET', targets[1]!.path, targets[0]!.headers);
      if (other.status !== 404) notes.push(`a secretary listing another branch got ${other.status}, expected 404`);
    }
    writeTargets(join(workDir, 'targets.json'), gatewayUrl, targets);
    log(
      `listing: ${checkMs.length} of ${targets.length} branches checked (${JSON.stringify(checkStatus)}; each ${rollOf(listed[0]!)} members; first calls p50 ${round(summarize(checkMs).p50, 1)} ms)`,
    );

    // What the platform does on its own meanwhile (relay, sweeps, jobs): 10 s with no requests.
    const idleMeter = cpuMeter(pids);
    await sleep(10_000);
    phases.idle = idleMeter.read();
    log(
      `idle 10 s: member ${phases.idle.percentOfCore.member} %, FerretDB ${phases.idle.percentOfCore.ferretdb} %, PostgreSQL ${phases.idle.percentOfCore.postgres} %, gateway ${phases.idle.percentOfCore.gateway} % of a core`,
    );

    const legPids = { gateway: gateway.pid, member: member.pid, ferretdb: ferretPid, postgres, nats: natsPid };
    await runLeg({
      vegeta,
      concurrency: 8,
      durationSeconds: 5,
      targetsFile: join(workDir, 'targets.json'),
      resultsFile: join(workDir, 'warmup.bin'),
      pids: legPids,
    });
    const legs: LoadLeg[] = [];
    for (const concurrency of o.concurrency) {
      checkTime(`the listing leg at concurrency ${concurrency}`);
      const leg = await runLeg({
        vegeta,
        concurrency,
        durationSeconds: o.seconds,
        targetsFile: join(workDir, 'targets.json'),
        resultsFile: join(workDir, `results-c${concurrency}.bin`),
        pids: legPids,
      });
      legs.push(leg);
      const l = leg.latencyMs;
      log(
        `list c=${String(concurrency).padEnd(2)} ${leg.ok} ok, ${leg.errors} errors ${JSON.stringify(leg.statusCodes)}, ${leg.throughputPerSecond}/s, p50 ${l.p50} ms, p90 ${l.p90} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms (CPU % of a core: gateway ${leg.cpuPercentOfCore.gateway}, member ${leg.cpuPercentOfCore.member}, FerretDB ${leg.cpuPercentOfCore.ferretdb}, PostgreSQL ${leg.cpuPercentOfCore.postgres}, vegeta ${leg.cpuPercentOfCore.vegeta}, other ${leg.cpuPercentOfCore.other})`,
      );
    }
    // The wider scopes under the same load (the highest concurrency): each city's first page by
    // that city's orgAdmin, round robin over the cities, and the province's by the province's.
    const scopeLegs: Record<string, LoadLeg> = {};
    const widest = Math.max(...o.concurrency);
    const scopes: [string, ListTarget[]][] = [
      [
        'city',
        cities.map((c, i) => ({
          id: `c${i}`,
          path: `/api/v1/members?organizationId=${c.id}&size=20`,
          headers: bearer({ userId: `bench-city-admin-${i}`, roles: ['orgAdmin'], orgPath: c.path }, secret, 4 * 3_600),
        })),
      ],
      ['province', [{ id: 'p', path: `/api/v1/members?organizationId=${province.id}&size=20`, headers: importer }]],
    ];
    for (const [scope, scopeTargets] of scopes) {
      checkTime(`the ${scope} listing leg`);
      writeTargets(join(workDir, `targets-${scope}.json`), gatewayUrl, scopeTargets);
      const leg = await runLeg({
        vegeta,
        concurrency: widest,
        durationSeconds: o.seconds,
        targetsFile: join(workDir, `targets-${scope}.json`),
        resultsFile: join(workDir, `results-${scope}-c${widest}.bin`),
        pids: legPids,
      });
      scopeLegs[scope] = leg;
      const l = leg.latencyMs;
      log(
        `list ${scope} c=${widest} ${leg.ok} ok, ${leg.errors} errors ${JSON.stringify(leg.statusCodes)}, ${leg.throughputPerSecond}/s, p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms (CPU % of a core: gateway ${leg.cpuPercentOfCore.gateway}, member ${leg.cpuPercentOfCore.member}, FerretDB ${leg.cpuPercentOfCore.ferretdb}, PostgreSQL ${leg.cpuPercentOfCore.postgres}, other ${leg.cpuPercentOfCore.other})`,
      );
    }
    phases.listing = {
      branches: targets.length,
      membersPerBranch: rollOf(listed[0]!),
      pageSize: 20,
      checkStatus,
      checkMs: msSummary(checkMs),
      legs,
      scopeLegs,
    };

    // Wider lists for comparison, once each, not under load: the whole province and one city.
    const probe = async (label: string, path: string, who: Record<string, string>) => {
      const a = await api.call('GET', path, who, undefined, 120_000);
      log(`probe ${label}: ${a.status}, total ${a.body?.total ?? '-'}, ${round(a.ms, 1)} ms`);
      return {
        label,
        path,
        status: a.status,
        total: a.body?.total,
        items: a.body?.items?.length,
        nextPageToken: a.body?.nextPageToken as string | undefined,
        ms: round(a.ms, 1),
      };
    };
    const provincePage = await probe('whole province, page 1', `/api/v1/members?organizationId=${province.id}&page=1&size=20`, importer);
    phases.probes = [
      provincePage,
      await probe(
        'whole province, page 2 (token)',
        `/api/v1/members?organizationId=${province.id}&size=20&pageToken=${provincePage.nextPageToken ?? ''}`,
        importer,
      ),
      await probe('one city, page 1', `/api/v1/members?organizationId=${cities[0]!.id}&page=1&size=20`, importer),
      await probe('one city, page 1 with total', `/api/v1/members?organizationId=${cities[0]!.id}&size=20&withTotal=true`, importer),
      await probe('whole province, page 1 with total', `/api/v1/members?organizationId=${province.id}&size=20&withTotal=true`, importer),
      await probe('one branch, page 3', `/api/v1/members?organizationId=${branches[listed[0]!]!.id}&page=3&size=20`, targets[0]!.headers),
    ];
    save();
    phases.end = {
      memberMiB: memoryMiB(member.pid),
      gatewayMiB: memoryMiB(gateway.pid),
      ferretdbMiB: memoryMiB(ferretPid),
      databaseBytes: await store.databaseBytes(),
      eventsPublished: await published(),
    };
  } finally {
    await stopAll();
    await counter?.close();
    if (!o.keep) {
      await cleanupNamespace(namespace, { database }).catch((err: unknown) => log(`cleanup: ${(err as Error).message}`));
      const freed = removeLeftoverFiles(database);
      if (freed > 0) log(`cleanup: removed FerretDB's leftover -wal/-shm files of ${database} (${round(freed / 2 ** 20, 0)} MiB)`);
      results.leftoverBytesRemoved = freed;
    } else {
      log(`--keep: database ${database} and streams ${namespace.toUpperCase()}_* are left (README says how to remove them)`);
    }
    await nc?.close();
  }

  results.runSeconds = round((performance.now() - t0) / 1000, 1);
  results.loadAverage.after = loadAverage();
  results.endedAt = new Date().toISOString();
  results.dateEnd = sh('date', ['-u']);
  save();
  printSummary(results);
  console.log(`\nresults: ${file} (work files in ${workDir})`);
}

function cpuLine(c: CpuReading | undefined): string {
  if (!c) return '';
  const s = c.seconds;
  return `member ${s.member} s, FerretDB ${s.ferretdb} s, PostgreSQL ${s.postgres} s, gateway ${s.gateway} s, NATS ${s.nats} s, other ${s.other} s (machine ${c.machineBusyPercent} % busy)`;
}

function printSummary(r: Json): void {
  const p = r.phases;
  const m = r.machine;
  console.log(`\n## member bench summary (${m.date}; ${m.nproc} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, kernel ${m.kernel})`);
  console.log(
    `commit ${r.versions.commit} (${r.versions.uncommittedFiles} uncommitted files outside bench/member), node ${r.versions.node}, FerretDB ${r.versions.ferretdb}, nats-server ${r.versions.natsServer}, vegeta ${r.versions.vegeta}`,
  );
  console.log(
    `load average before ${r.loadAverage.before.one} / ${r.loadAverage.before.five} / ${r.loadAverage.before.fifteen}, after ${r.loadAverage.after.one} / ${r.loadAverage.after.five} / ${r.loadAverage.after.fifteen}; run ${(r.runSeconds / 60).toFixed(1)} min`,
  );
  console.log('\n| phase | count | seconds | per second | |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  if (p.tree)
    console.log(
      `| tree (REST, ${p.tree.concurrency} in flight) | ${p.tree.nodes} nodes | ${p.tree.seconds} | ${p.tree.nodesPerSecond} | create p50 ${p.tree.createMs.p50} ms, p95 ${p.tree.createMs.p95} ms |`,
    );
  if (p.import)
    console.log(
      `| import (${p.import.filesSent} of ${p.import.files} CSV files) | ${p.import.members} rows | ${p.import.seconds} | ${p.import.rowsPerSecond} | file p50 ${round(p.import.fileMs.p50 / 1000, 2)} s, p95 ${round(p.import.fileMs.p95 / 1000, 2)} s; member RSS ${p.import.memberMiB.after.rss} MiB (peak ${p.import.memberMiB.after.peak}) |`,
    );
  if (p.importRelay)
    console.log(
      `| import events relayed | ${p.importRelay.published} of ${p.importRelay.expected} | ${p.importRelay.secondsAfterWrites} after | ${p.importRelay.eventsPerSecondWhileWaiting} | ${p.importRelay.drained ? 'drained' : `NOT drained, ~${p.importRelay.etaMinutes} min to go`} |`,
    );
  if (p.incomeSample)
    console.log(
      `| income sample (PATCH, 4 in flight) | ${p.incomeSample.members} | ${p.incomeSample.seconds} | ${p.incomeSample.patchesPerSecond} | PATCH p50 ${p.incomeSample.patchMs.p50} ms, p95 ${p.incomeSample.patchMs.p95} ms |`,
    );
  if (p.dues?.first) {
    const f = p.dues.first;
    if (!f.available) console.log(`| dues bills | not available | | | ${f.status} |`);
    else
      console.log(
        `| dues bills, first run (${f.via}) | ${f.created} of ${p.dues.payers} created | ${f.serviceSeconds} | ${f.billsPerSecond} | HTTP ${f.status} after ${f.requestSeconds} s${f.finished === false ? ', NOT finished' : ''} |`,
      );
    const s = p.dues.second;
    if (s?.available)
      console.log(
        `| dues bills, second run (${s.via}) | ${s.created ?? '?'} created, ${s.existing ?? '?'} existing | ${s.serviceSeconds} | | ${s.status} |`,
      );
  }
  if (p.listing) {
    console.log(
      `\nbranch listing (${p.listing.branches} branches round robin, ${p.listing.membersPerBranch} members each, page of 20, secretaries' tokens):\n`,
    );
    console.log(
      '| c | requests | errors | req/s (ok) | p50 ms | p90 ms | p95 ms | p99 ms | max ms | all answers p50 / p95 ms | CPU % of a core: gateway / member / FerretDB / PostgreSQL / NATS / vegeta / other | machine busy |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |');
    for (const l of p.listing.legs as LoadLeg[]) {
      const s = l.latencyMs;
      const c = l.cpuPercentOfCore;
      console.log(
        `| ${l.concurrency} | ${l.requests} | ${l.errors} | ${l.throughputPerSecond} | ${s.p50} | ${s.p90} | ${s.p95} | ${s.p99} | ${s.max} | ${l.allLatencyMs.p50} / ${l.allLatencyMs.p95} | ${c.gateway} / ${c.member} / ${c.ferretdb} / ${c.postgres} / ${c.nats} / ${c.vegeta} / ${c.other} | ${l.machineBusyPercent} % |`,
      );
    }
  }
  console.log('\nCPU per phase:');
  for (const [name, phase] of Object.entries(p as Record<string, Json>)) if (phase?.cpu) console.log(`- ${name}: ${cpuLine(phase.cpu)}`);
  if (p.dues?.first?.cpu) console.log(`- dues first run: ${cpuLine(p.dues.first.cpu)}`);
  if (p.dues?.second?.cpu) console.log(`- dues second run: ${cpuLine(p.dues.second.cpu)}`);
  if (p.idle) console.log(`- idle 10 s: ${cpuLine(p.idle)}`);
  for (const n of r.notes as string[]) console.log(`note: ${n}`);
}

main().catch((err: unknown) => {
  console.error(`member bench: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
