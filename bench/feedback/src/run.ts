/**
 * The feedback benchmark (see ../README.md): a month of messages through the workflow, then
 * statistics and public search under load through the gateway, and the deadline ticker over a
 * month of open messages. Results go to results/<stamp>.json after every phase.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WorkingDays, defaultWorkingDaysFile } from '@repo/calendar';
import { createLogger } from '@repo/logging';
import { PinyinTerms } from '@repo/text';
import { announceOrganizations, bearer, cleanupNamespace, randomSecret, stackEnv, testCallerKeys } from '@repo/testbed';
import { buildApp, type FeedbackApp } from '../../../services/feedback/src/app';
import { loadConfig } from '../../../services/feedback/src/config';
import { defaultDeadlinePolicy } from '../../../services/feedback/src/domain/deadlines';
import { cpuMeter, loadAverage, memoryMiB, postgresProcesses } from '../../member/src/observe';
import { freePort } from '../../platform/src/replicas';
import { attackSlice, type Slice } from '../../search-load/src/load';
import { readPid, startService, waitUntil, type Service } from '../../search-load/src/proc';
import { round, rounded, summarize } from '../../search-load/src/stats';
import { legOf, machine, targetLine } from '../../common/src/run-info';
import { commandOptions, sh } from '../../search-load/src/cli';
import { buildProvince, randomStream, type Profile, type Province } from './dataset';
import { seed, type OwnCount, type SeedFigures } from './seed';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const benchDir = resolve(__dirname, '..');
const repo = resolve(benchDir, '../..');

interface Options {
  perDay: number;
  days: number;
  firstDay: string;
  cities: number;
  counties: number;
  streets: number;
  branches: number;
  openMessages: number;
  seconds: number;
  slices: number;
  statsConcurrency: number[];
  searchConcurrency: number[];
  writeSample: number;
  batch: number;
  seed: number;
  skipMonth: boolean;
  skipTicker: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    perDay: 10_000,
    days: 30,
    firstDay: '2026-11-01',
    cities: 12,
    counties: 8,
    streets: 5,
    branches: 4,
    openMessages: 300_000,
    seconds: 30,
    slices: 3,
    statsConcurrency: [1, 8],
    searchConcurrency: [1, 8],
    writeSample: 200,
    batch: 1_000,
    seed: 20261201,
    skipMonth: false,
    skipTicker: false,
    keep: false,
  };
  for (const { arg, int, list } of commandOptions(argv)) {
    switch (arg) {
      case '--per-day':
        o.perDay = int(10, 100_000);
        break;
      case '--days':
        o.days = int(1, 30);
        break;
      case '--cities':
        o.cities = int(1, 16);
        break;
      case '--counties':
        o.counties = int(1, 12);
        break;
      case '--streets':
        o.streets = int(1, 10);
        break;
      case '--branches':
        o.branches = int(1, 12);
        break;
      case '--open-messages':
        o.openMessages = int(0, 1_000_000);
        break;
      case '--seconds':
        o.seconds = int(3, 600);
        break;
      case '--slices':
        o.slices = int(1, 10);
        break;
      case '--stats-concurrency':
        o.statsConcurrency = list();
        break;
      case '--search-concurrency':
        o.searchConcurrency = list();
        break;
      case '--write-sample':
        o.writeSample = int(0, 10_000);
        break;
      case '--seed':
        o.seed = int(0, 2 ** 31);
        break;
      case '--skip-month':
        o.skipMonth = true;
        break;
      case '--skip-ticker':
        o.skipTicker = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see bench/feedback/README.md)`);
    }
  }
  return o;
}

/** The figures the run counted itself, in the service's words (nearest-rank percentiles of its own histogram). */
function expectedOf(c: OwnCount) {
  const values = Object.entries(c.handlingDays)
    .flatMap(([days, n]) => Array.from({ length: n }, () => Number(days)))
    .sort((a, b) => a - b);
  const rank = (p: number) => (values.length ? values[Math.ceil((p / 100) * values.length) - 1]! : 0);
  return {
    submitted: c.submitted,
    received: c.received,
    returned: c.returned,
    merged: c.merged,
    replied: c.replied,
    ratings: c.ratings,
    unsatisfied: c.unsatisfied,
    revisited: c.revisited,
    handlingDaysP50: rank(50),
    handlingDaysP90: rank(90),
  };
}

const provinceInstant = (local: string) => new Date(`${local}+08:00`);

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
  const pids = {
    bench: process.pid,
    ferretdb: readPid(join(stackDir, 'run/ferretdb.pid')),
    postgres: postgresProcesses(join(stackDir, 'data/postgres')),
    elasticsearch: readPid(join(stackDir, 'run/elasticsearch/elasticsearch.pid')),
    nats: readPid(join(stackDir, 'run/nats.pid')),
  };
  const calendar = WorkingDays.load(defaultWorkingDaysFile());
  const end = provinceInstant(
    `${new Date(Date.parse(`${o.firstDay}T00:00:00Z`) + o.days * 86_400_000).toISOString().slice(0, 10)}T00:00:00`,
  );
  const namespace = `benchfeedback${compact}`;
  const openNamespace = `${namespace}o`;
  const secret = randomSecret();
  const results: Json = {
    benchmark: 'feedback',
    startedAt: startedAt.toISOString(),
    options: o,
    machine: machine(repo),
    loadAverage: { before: loadAverage() },
    commit: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    uncommitted: sh('git', ['-C', repo, 'status', '--short']).split('\n').filter(Boolean).length,
    versions: { node: process.version, ferretdb: sh(join(stackDir, 'bin/ferretdb'), ['--version']).split('\n')[0] ?? '' },
    namespaces: [namespace, openNamespace],
    simulatedEnd: end.toISOString(),
    phases: {} as Record<string, Json>,
    notes: [] as string[],
  };
  const phases = results.phases as Record<string, Json>;
  const file = join(benchDir, 'results', `${stamp}.json`);
  const save = () => writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(
    `feedback bench ${stamp}: ${o.perDay} a day for ${o.days} days from ${o.firstDay}; ${o.openMessages} open for the ticker; load ${results.loadAverage.before.one}`,
  );

  const random = randomStream(o.seed);
  const province = buildProvince({ cities: o.cities, counties: o.counties, streets: o.streets, branches: o.branches }, random);
  const apps: FeedbackApp[] = [];
  const services: Service[] = [];
  const stopAll = async () => {
    for (const s of services.splice(0)) await s.stop();
    for (const a of apps.splice(0)) await a.stop();
  };
  const cleanup = async () => {
    await stopAll();
    if (!o.keep)
      for (const ns of [namespace, openNamespace]) await cleanupNamespace(ns).catch((err: Error) => log(`cleanup ${ns}: ${err.message}`));
  };
  process.once('SIGINT', () => {
    log('interrupted: stopping, dropping the databases, streams and indices');
    void cleanup().finally(() => process.exit(130));
  });

  /** The service in this process, on its own database and streams, on `clock`. */
  const startApp = async (ns: string, clock: () => Date, port: number) => {
    const config = loadConfig({
      ...stackEnv(ns),
      LOG_LEVEL: 'warn',
      FEEDBACK_GRPC_ADDR: `127.0.0.1:${port}`,
      // Jobs are run by the benchmark at the instants it simulates.
      JOB_INTERVAL_MS: '3600000',
      FEEDBACK_ADDRESS_DAILY_LIMIT: '100000',
    });
    const app = await buildApp(config, createLogger('feedback-bench', 'warn'), { clock });
    await app.start();
    apps.push(app);
    return app;
  };
  const announce = async (app: FeedbackApp, ns: string, tree: Province) => {
    const t = performance.now();
    for (let i = 0; i < tree.all.length; i += 500) await announceOrganizations(ns, tree.all.slice(i, i + 500));
    await waitUntil(
      'the tree in the service',
      async () => (await app.organizations.model.estimatedDocumentCount().exec()) >= tree.all.length,
      300_000,
      1_000,
    );
    return { nodes: tree.all.length, seconds: round((performance.now() - t) / 1000, 1) };
  };
  const simulation = (profile: Profile) => ({
    calendar,
    policy: defaultDeadlinePolicy,
    province,
    random,
    end,
    profile,
    threads: new Map<string, string>(),
  });
  const seedFigures = (f: SeedFigures) => ({
    messages: f.messages,
    public: f.public,
    seconds: round(f.seconds, 1),
    perSecond: round(f.messages / f.seconds, 0),
    simulateSeconds: round(f.simulateSeconds, 1),
    insertSeconds: round(f.insertSeconds, 1),
    indexSeconds: round(f.indexSeconds, 1),
    statuses: f.statuses,
    withCheck: f.withCheck,
    checkHours: f.checkHours,
    staleKeys: f.staleKeys,
  });

  try {
    // ---- The month ------------------------------------------------------------------------------
    if (!o.skipMonth) {
      const realStart = Date.now();
      // The month's end plus the time the run has taken: the service's "now".
      const monthClock = () => new Date(end.getTime() + 9 * 3_600_000 + (Date.now() - realStart));
      const feedbackPort = await freePort();
      const app = await startApp(namespace, monthClock, feedbackPort);
      const gatewayPort = await freePort();
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
      const gateway = startService(
        'gateway',
        ['gateway/dist/main.js'],
        {
          GATEWAY_HOST: '127.0.0.1',
          GATEWAY_PORT: String(gatewayPort),
          FEEDBACK_ADDR: `127.0.0.1:${feedbackPort}`,
          // Not part of this benchmark: nothing listens there (readyz reports them down).
          CONTENT_ADDR: `127.0.0.1:${await freePort()}`,
          MEMBER_ADDR: `127.0.0.1:${await freePort()}`,
          AUTH_TOKEN_SECRET: secret,
          CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
          RATE_LIMIT_PER_MINUTE: '1000000',
          PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
          LOG_LEVEL: 'warn',
        },
        join(workDir, 'gateway.log'),
        repo,
      );
      services.push(gateway);
      await waitUntil(
        'the gateway to report the feedback service ready',
        async () => ((await (await fetch(`${gatewayUrl}/readyz`)).json()) as Json).services?.feedback === true,
        90_000,
      );
      const allPids = { ...pids, gateway: gateway.pid };
      phases.tree = await announce(app, namespace, province);
      log(`tree: ${phases.tree.nodes} nodes in ${phases.tree.seconds} s`);

      const admin = bearer({ userId: 'bench-admin', roles: ['superAdmin'], orgPath: '/' }, secret, 6 * 3_600);
      const post = async (p: (typeof province.posts)[number]) => {
        const r = await fetch(`${gatewayUrl}/api/v1/feedback/leader-posts`, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ organizationId: p.organizationId, title: p.title, holderName: p.holderName }),
        });
        if (r.status !== 201) throw new Error(`leader post: ${r.status} ${await r.text()}`);
        p.id = ((await r.json()) as { id: string }).id;
      };
      for (const p of province.posts) await post(p);
      log(`leader posts: ${province.posts.length}`);

      let meter = cpuMeter(allPids);
      const month = await seed(app, simulation('month'), {
        firstDay: o.firstDay,
        days: o.days,
        perDay: o.perDay,
        batch: o.batch,
        index: true,
        log,
      });
      phases.month = { ...seedFigures(month), cpu: meter.read() };
      save();
      log(`month: ${month.messages} messages (${month.public} public) in ${round(month.seconds, 0)} s`);

      meter = cpuMeter(allPids);
      const statsStart = performance.now();
      let runs = 0;
      let keys = 0;
      for (;;) {
        const r = await app.statistics.recompute();
        runs++;
        keys += r.keys;
        if (r.complete) break;
      }
      phases.statisticsJob = { keys, jobRuns: runs, seconds: round((performance.now() - statsStart) / 1000, 1), cpu: meter.read() };
      save();
      log(`statistics job: ${keys} keys in ${phases.statisticsJob.seconds} s (${runs} runs of its budget)`);

      // The statistics as the service answers them against the run's own count.
      const from = o.firstDay;
      const to = new Date(end.getTime() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
      const cityAdmin = (city: (typeof province.cities)[number]) =>
        bearer({ userId: `admin-${city.city}`, roles: ['orgAdmin'], orgPath: city.path }, secret, 6 * 3_600);
      const mismatches: Json[] = [];
      // These are the first reads since the job ran: each report is made from the tallies (and kept).
      const firstReadMs: number[] = [];
      for (const city of province.cities) {
        const t = performance.now();
        const r = await fetch(`${gatewayUrl}/api/v1/feedback/statistics?organizationId=${city.id}&from=${from}&to=${to}`, {
          headers: cityAdmin(city),
        });
        firstReadMs.push(performance.now() - t);
        const body = (await r.json()) as Json;
        const expected = expectedOf(month.byCity[city.city]!);
        const got = Object.fromEntries(Object.keys(expected).map((k) => [k, body.total?.[k]]));
        if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ city: city.name, expected, got });
      }
      const provinceStart = performance.now();
      const provinceReport = await (
        await fetch(`${gatewayUrl}/api/v1/feedback/statistics?organizationId=${province.province.id}&from=${from}&to=${to}`, {
          headers: admin,
        })
      ).json();
      const provinceFirstReadMs = performance.now() - provinceStart;
      // The largest report kept: the province with the most organisation rows a request may ask.
      await fetch(
        `${gatewayUrl}/api/v1/feedback/statistics?organizationId=${province.province.id}&from=${from}&to=${to}&organizationRows=500`,
        {
          headers: admin,
        },
      );
      const kept = (await app.connection.collection('statisticsReports').find({}).toArray()).map((k) => ({
        _id: String(k._id),
        bytes: Buffer.byteLength(String(k.report)),
      }));
      const provinceExpected = expectedOf(month.total);
      const provinceGot = Object.fromEntries(Object.keys(provinceExpected).map((k) => [k, (provinceReport as Json).total?.[k]]));
      if (JSON.stringify(provinceGot) !== JSON.stringify(provinceExpected))
        mismatches.push({ city: 'province', expected: provinceExpected, got: provinceGot });
      phases.statisticsCheck = {
        cities: province.cities.length,
        mismatches,
        province: provinceGot,
        firstReadMs: { cities: rounded(summarize(firstReadMs)), province: round(provinceFirstReadMs, 1) },
        keptReports: kept.length,
        keptBytesMax: Math.max(0, ...kept.map((k) => k.bytes)),
        keptBytesCity: Math.max(0, ...kept.filter((k) => !k._id.startsWith(`${province.province.path}|`)).map((k) => k.bytes)),
      };
      log(
        `statistics first reads (made from the tallies): cities p50 ${phases.statisticsCheck.firstReadMs.cities.p50} ms, province ${phases.statisticsCheck.firstReadMs.province} ms; ${kept.length} kept, largest ${phases.statisticsCheck.keptBytesMax} bytes`,
      );
      if (mismatches.length) log(`statistics check: ${mismatches.length} MISMATCHES (see results)`);
      else log(`statistics check: the ${province.cities.length} cities and the province equal the run's own count`);
      save();

      // Statistics of a city for the month under load, each city by its own orgAdmin.
      const statsTargets = join(workDir, 'statistics.targets');
      writeFileSync(
        statsTargets,
        `${province.cities
          .map((city, i) =>
            targetLine({
              id: `city${String(i).padStart(2, '0')}`,
              method: 'GET',
              url: `${gatewayUrl}/api/v1/feedback/statistics?organizationId=${city.id}&from=${from}&to=${to}`,
              headers: cityAdmin(city),
            }),
          )
          .join('\n')}\n`,
      );
      phases.statistics = [];
      for (const concurrency of o.statsConcurrency) {
        const slice = await attackSlice({
          vegeta,
          leg: 'gateway',
          concurrency,
          durationSeconds: o.seconds,
          targetsFile: statsTargets,
          resultsFile: join(workDir, `statistics-c${concurrency}.bin`),
          pids: allPids,
        });
        const leg = legOf([slice]);
        phases.statistics.push(leg);
        save();
        log(
          `statistics c=${concurrency}: p50 ${leg.latencyMs.p50} ms, p95 ${leg.latencyMs.p95} ms, ${leg.perSecond}/s, ${leg.errors} errors`,
        );
      }

      // Public search through the gateway, and the same request straight to Elasticsearch.
      const queries: { id: string; q: string; params?: string }[] = [
        { id: 'q01', q: '路灯' },
        { id: 'q02', q: '积水' },
        { id: 'q03', q: '拖欠工资' },
        { id: 'q04', q: '医保报销' },
        { id: 'q05', q: '电梯故障' },
        { id: 'q06', q: '红绿灯' },
        { id: 'q07', q: '油烟扰民' },
        { id: 'q08', q: '土地流转' },
        { id: 'q09', q: '纪委' },
        { id: 'q10', q: 'jiwei' },
        { id: 'q11', q: '小区 物业' },
        { id: 'q12', q: '公交线路停运' },
        { id: 'q13', q: '路灯', params: '&domain=城建&repliedOnly=true' },
        { id: 'q14', q: '入学', params: '&type=consultation' },
        { id: 'q15', q: '', params: '&repliedOnly=true&sort=date' },
        { id: 'q16', q: '施工噪音', params: '&sort=date' },
      ];
      const esUrl = stackEnv(namespace).ELASTICSEARCH_URL;
      const prepared = queries.map((query) => {
        const params = new URLSearchParams(query.params ? query.params.slice(1) : '');
        let text = query.q;
        if (PinyinTerms.looksLikePinyin(text)) text = app.search.analyzer.pinyin.fromPinyin(text) ?? text;
        const request = app.search.queries.buildRequest({
          text,
          page: 1,
          size: 20,
          ...(params.get('domain') ? { domain: params.get('domain')! } : {}),
          ...(params.get('type') ? { type: params.get('type')! } : {}),
          repliedOnly: params.get('repliedOnly') === 'true',
          ...(params.get('sort') ? { sort: params.get('sort') as 'date' } : {}),
        });
        const { index, ...body } = request;
        return {
          id: query.id,
          gateway: targetLine({
            id: query.id,
            method: 'GET',
            url: `${gatewayUrl}/api/v1/search/messages?q=${encodeURIComponent(query.q)}${query.params ?? ''}`,
          }),
          direct: targetLine({
            id: query.id,
            method: 'POST',
            url: `${esUrl}/${String(index)}/_search`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
          gatewayPath: `/api/v1/search/messages?q=${encodeURIComponent(query.q)}${query.params ?? ''}`,
          body,
          index: String(index),
        };
      });
      // Both answer the same messages.
      const sameHits: Json[] = [];
      for (const p of prepared) {
        const viaGateway = (await (await fetch(`${gatewayUrl}${p.gatewayPath}`)).json()) as Json;
        const direct = (await (
          await fetch(`${esUrl}/${p.index}/_search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(p.body),
          })
        ).json()) as Json;
        const a = (viaGateway.hits ?? []).map((h: Json) => h.id).join(',');
        const b = (direct.hits?.hits ?? []).map((h: Json) => h._id).join(',');
        sameHits.push({ id: p.id, total: viaGateway.total, hits: (viaGateway.hits ?? []).length, same: a === b });
      }
      phases.searchQueries = sameHits;
      const targets = { gateway: join(workDir, 'search-gateway.targets'), direct: join(workDir, 'search-direct.targets') };
      writeFileSync(targets.gateway, `${prepared.map((p) => p.gateway).join('\n')}\n`);
      writeFileSync(targets.direct, `${prepared.map((p) => p.direct).join('\n')}\n`);
      phases.search = [];
      for (const concurrency of o.searchConcurrency) {
        const slices: Record<'direct' | 'gateway', Slice[]> = { direct: [], gateway: [] };
        const sliceSeconds = Math.max(3, Math.round(o.seconds / o.slices));
        // D G D G …: drift of a shared machine falls on both legs alike.
        for (let i = 0; i < o.slices; i++) {
          for (const leg of ['direct', 'gateway'] as const) {
            slices[leg].push(
              await attackSlice({
                vegeta,
                leg,
                concurrency,
                durationSeconds: sliceSeconds,
                targetsFile: targets[leg],
                resultsFile: join(workDir, `search-${leg}-c${concurrency}-${i}.bin`),
                pids: allPids,
              }),
            );
          }
        }
        const direct = legOf(slices.direct);
        const viaGateway = legOf(slices.gateway);
        const ratio = round(viaGateway.latencyMs.p95 / direct.latencyMs.p95, 2);
        phases.search.push({ concurrency, direct, gateway: viaGateway, p95Ratio: ratio });
        save();
        log(`search c=${concurrency}: direct p95 ${direct.latencyMs.p95} ms, gateway p95 ${viaGateway.latencyMs.p95} ms: ${ratio}x`);
      }

      // The write path through REST, for the record: write, accept, reply.
      if (o.writeSample > 0) {
        const times: Record<string, number[]> = { write: [], accept: [], reply: [] };
        const county = province.counties[0]!;
        const countyAdmin = bearer({ userId: 'bench-county', roles: ['orgAdmin'], orgPath: county.path }, secret, 3_600);
        for (let i = 0; i < o.writeSample; i++) {
          const timed = async (what: string, url: string, headers: Record<string, string>, body: unknown) => {
            const t = performance.now();
            const r = await fetch(`${gatewayUrl}${url}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            times[what]!.push(performance.now() - t);
            if (r.status >= 300) throw new Error(`${what}: ${r.status} ${await r.text()}`);
            return (await r.json()) as Json;
          };
          const written = await timed(
            'write',
            '/api/v1/messages',
            {},
            {
              type: 'complaint',
              domain: '城建',
              organizationId: county.id,
              subject: `基准写入${i}：路灯不亮`,
              body: '人民路路灯晚上全部不亮，请尽快维修。',
              region: '江川省',
              contact: `186${String(10_000_000 + i).slice(-8)}`,
            },
          );
          const id = written.message.message.id as string;
          await timed('accept', `/api/v1/feedback/messages/${id}/accept`, countyAdmin, {});
          await timed('reply', `/api/v1/feedback/messages/${id}/reply`, countyAdmin, { body: '已安排维修。' });
        }
        phases.writePath = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, rounded(summarize(v))]));
        save();
        log(
          `write path: write p50 ${phases.writePath.write.p50} ms, accept p50 ${phases.writePath.accept.p50} ms, reply p50 ${phases.writePath.reply.p50} ms`,
        );
      }
      phases.memoryMiB = { bench: memoryMiB(process.pid), gateway: memoryMiB(gateway.pid) };
      await stopAll();
    }

    // ---- The ticker over open messages -----------------------------------------------------------
    if (!o.skipTicker && o.openMessages > 0) {
      const clock = { now: end };
      const app = await startApp(openNamespace, () => clock.now, await freePort());
      phases.openTree = await announce(app, openNamespace, province);
      province.posts.forEach((p, i) => (p.id = p.id ?? `post-${i}`));
      let meter = cpuMeter(pids);
      const perDay = Math.ceil(o.openMessages / o.days);
      const open = await seed(app, simulation('open'), { firstDay: o.firstDay, days: o.days, perDay, batch: o.batch, index: false, log });
      phases.open = { ...seedFigures(open), cpu: meter.read() };
      save();
      log(`open: ${open.messages} messages, ${open.withCheck} with a check to come in ${open.checkHours} hours`);

      const ticks: Json[] = [];
      const tickAt = async (at: Date, label: string) => {
        clock.now = at;
        const t = performance.now();
        const summary = await app.ticker.tick(at);
        const ms = performance.now() - t;
        ticks.push({ at: at.toISOString(), label, ms: round(ms, 0), ...summary });
        return { ms, summary };
      };
      meter = cpuMeter(pids);
      // Every minute through the first hours of the day (the deadlines' ends fall at midnight),
      // then every 10 minutes through the rest of the working day and the next midnight.
      const minute = 60_000;
      for (let m = 0; m <= 120; m++) await tickAt(new Date(end.getTime() + 30_000 + m * minute), 'minute');
      for (let m = 130; m <= 26 * 60; m += 10) await tickAt(new Date(end.getTime() + 30_000 + m * minute), 'ten minutes');
      const series = meter.read();
      // After an outage of 12 hours: ticks back to back until one completes.
      meter = cpuMeter(pids);
      let outageAt = new Date(end.getTime() + 38 * 60 * minute);
      let outageTicks = 0;
      for (; outageTicks < 200; outageTicks++) {
        const { summary } = await tickAt(outageAt, 'after 12 h outage');
        if (summary.complete) break;
        outageAt = new Date(outageAt.getTime() + minute);
      }
      const tickMs = ticks.map((t) => t.ms as number);
      const busiest = [...ticks].sort((a, b) => b.ms - a.ms).slice(0, 10);
      // The minute ticks after midnight until one finds nothing left behind it.
      const burstEnd = ticks.find((t, i) => i > 0 && t.label === 'minute' && t.complete && t.checked < 50);
      phases.ticker = {
        ticks: ticks.length,
        tickMs: rounded(summarize(tickMs)),
        acted: ticks.reduce((s, t) => s + t.acted, 0),
        checked: ticks.reduce((s, t) => s + t.checked, 0),
        incomplete: ticks.filter((t) => !t.complete).length,
        busiest,
        firstMinutes: ticks.slice(0, 15),
        midnightBurstClearedAt: burstEnd?.at ?? '',
        outage: { ticks: outageTicks + 1, cpu: meter.read() },
        cpu: series,
      };
      writeFileSync(join(workDir, 'ticks.json'), `${JSON.stringify(ticks, null, 2)}\n`);
      save();
      log(
        `ticker: ${ticks.length} ticks, max ${phases.ticker.tickMs.max} ms, p95 ${phases.ticker.tickMs.p95} ms, ${phases.ticker.acted} acted, ${phases.ticker.incomplete} stopped at the budget`,
      );
    }
  } finally {
    results.loadAverage.after = loadAverage();
    results.seconds = round((performance.now() - t0) / 1000, 0);
    save();
    await cleanup();
  }
  log(`done in ${results.seconds} s: ${file}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
