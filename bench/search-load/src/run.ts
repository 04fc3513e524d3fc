/**
 * Search load benchmark, start to finish: corpus index (reused or rebuilt), content service and
 * gateway started from their builds, the query mix prepared and checked, vegeta legs against
 * the gateway and straight against Elasticsearch at each concurrency, the freshness test, then
 * everything this run started is stopped and removed, and results/<date>.json written.
 *
 * Run through ./run.sh (installs vegeta, builds, checks the stack). Options: see README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { cleanupNamespace, testCallerKeys } from '@repo/testbed';
import { generateChunk, corpusShape } from './corpus';
import { benchTokenSecret, measureFreshness, type FreshnessResult } from './freshness';
import { prepareCorpusIndex, removeFreshnessDocs } from './indexing';
import { aggregate, attackSlice, writeTargets, type Leg, type LegResult, type Slice } from './load';
import { assertPortFree, readPid, startService, waitUntil, type Service } from './proc';
import { buildQueryMix, prepareQueries, type Category, type PreparedQuery } from './queries';
import { seedReadDocuments, storeSlice, writeReadTargets } from './reads';
import { postgresProcesses } from '../../member/src/observe';
import { round } from './stats';
import { commandOptions, sh } from './cli';

const benchDir = resolve(__dirname, '..');
const repo = resolve(benchDir, '../..');

interface Options {
  fresh: boolean;
  docs: number;
  durationSeconds: number;
  slices: number;
  concurrency: number[];
  freshnessDocs: number;
  freshnessConcurrency: number;
  batchSize: number;
  gatewayPort: number;
  contentPort: number;
  prefix: string;
  maxMinutes: number;
  /** Start both services with --cpu-prof (profiles land in the run's work folder). */
  profile: boolean;
  /** Documents written for the read-by-id legs (0 skips them). */
  readDocs: number;
  readConcurrency: number[];
  echoPort: number;
  echoGrpcPort: number;
  /** Skip the search legs (with --freshness 0: the read legs alone). */
  skipSearch: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    fresh: false,
    docs: 100_000,
    durationSeconds: 30,
    slices: 3,
    concurrency: [1, 8, 32],
    freshnessDocs: 1_000,
    freshnessConcurrency: 4,
    batchSize: 500,
    gatewayPort: 18080,
    contentPort: 15051,
    prefix: 'bench-',
    maxMinutes: 40,
    profile: false,
    readDocs: 500,
    readConcurrency: [32],
    echoPort: 18081,
    echoGrpcPort: 15052,
    skipSearch: false,
  };
  for (const { arg, value, int } of commandOptions(argv)) {
    switch (arg) {
      case '--fresh':
        o.fresh = true;
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--docs':
        o.docs = int(1_000, 1_000_000);
        break;
      case '--duration':
        o.durationSeconds = int(5, 300);
        break;
      case '--slices':
        o.slices = int(1, 10);
        break;
      case '--concurrency':
        o.concurrency = value()
          .split(',')
          .map(Number)
          .filter((n) => n >= 1 && n <= 256);
        break;
      case '--freshness':
        o.freshnessDocs = int(0, 10_000);
        break;
      case '--freshness-concurrency':
        o.freshnessConcurrency = int(1, 32);
        break;
      case '--batch':
        o.batchSize = int(50, 5_000);
        break;
      case '--gateway-port':
        o.gatewayPort = int(1_024, 65_535);
        break;
      case '--content-port':
        o.contentPort = int(1_024, 65_535);
        break;
      case '--prefix':
        o.prefix = value();
        break;
      case '--max-minutes':
        o.maxMinutes = int(5, 120);
        break;
      case '--reads':
        o.readDocs = int(0, 100_000);
        break;
      case '--read-concurrency':
        o.readConcurrency = value()
          .split(',')
          .map(Number)
          .filter((n) => n >= 1 && n <= 256);
        break;
      case '--echo-port':
        o.echoPort = int(1_024, 65_535);
        break;
      case '--echo-grpc-port':
        o.echoGrpcPort = int(1_024, 65_535);
        break;
      case '--no-search':
        o.skipSearch = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see bench/search-load/README.md)`);
    }
  }
  if (!/^[a-z0-9-]*$/.test(o.prefix)) throw new Error('--prefix: lower case letters, digits and dashes');
  return o;
}

function machine() {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? '';
  return {
    date: sh('date', ['-u']),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpuModel,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeH: sh('free', ['-h']),
    kernel: sh('uname', ['-r']),
    node: process.version,
  };
}

function sourceState() {
  const status = sh('git', ['-C', repo, 'status', '--short']);
  return {
    commit: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    uncommittedFiles: status ? status.split('\n').filter((l) => !l.includes('bench/search-load/')).length : 0,
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  // The code measured is what run.sh just built: record the commit now, not at the end.
  const source = sourceState();
  const t0 = performance.now();
  const deadline = Date.now() + o.maxMinutes * 60_000;
  const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\..+$/, 'Z');
  const workDir = join(benchDir, 'results', stamp);
  mkdirSync(workDir, { recursive: true });
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    phases[name] = round((performance.now() - phaseStart) / 1000);
    phaseStart = performance.now();
  };
  const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

  // The stack may run from another clone (STACK_DIR, as deploy/local's scripts take it).
  const stackDir = process.env.STACK_DIR ?? join(repo, '.local');
  const stackEnv = readEnvFiles(join(stackDir, 'run'));
  const esUrl = `http://127.0.0.1:${stackEnv.ES_PORT ?? '9200'}`;
  const mongoBase = `mongodb://127.0.0.1:${stackEnv.MONGO_PORT ?? '27017'}`;
  const natsUrl = `nats://127.0.0.1:${stackEnv.NATS_PORT ?? '4222'}`;
  const esPid = readPid(join(stackDir, 'run/elasticsearch/elasticsearch.pid'));
  const ferretPid = readPid(join(stackDir, 'run/ferretdb.pid'));
  const postgres = postgresProcesses(join(stackDir, 'data/postgres'));
  const vegeta =
    process.env.VEGETA_BIN ?? join(process.env.PB_CACHE_DIR ?? join(process.env.HOME ?? '/root', '.cache/partybuilding'), 'bin/vegeta');
  const runTag = randomBytes(3).toString('hex');
  const namespace = `bench${runTag}`;
  const gatewayUrl = `http://127.0.0.1:${o.gatewayPort}`;

  const es = new Client({ node: esUrl, requestTimeout: 60_000 });
  // GET / is refused by this distribution; the node info has the version.
  const esNodes = await es.nodes.info({ node_id: '_local', filter_path: 'nodes.*.version,nodes.*.jvm.mem.heap_max_in_bytes' });
  const esNode = Object.values(esNodes.nodes ?? {})[0];
  const esVersion = { version: esNode?.version ?? '', heapGiB: round((esNode?.jvm?.mem?.heap_max_in_bytes ?? 0) / 2 ** 30, 2) };
  log(
    `search-load ${stamp}: ${o.docs} documents, legs of ${o.durationSeconds} s at concurrency ${o.concurrency.join(', ')}, freshness ${o.freshnessDocs} documents`,
  );

  // 1. The corpus index.
  const corpus = await prepareCorpusIndex({
    esUrl,
    prefix: o.prefix,
    docs: o.docs,
    fresh: o.fresh,
    batchSize: o.batchSize,
    deadline,
    esPid,
    log,
  });
  const indexStats = (await es.cat.indices({ index: corpus.index, format: 'json', bytes: 'b' })) as Record<string, string>[];
  const indexSize = {
    index: corpus.index,
    docsCount: Number(indexStats[0]?.['docs.count'] ?? 0),
    storeSizeBytes: Number(indexStats[0]?.['store.size'] ?? 0),
    cat: String(await es.cat.indices({ index: corpus.index, v: true })).trim(),
  };
  phase('index');

  // 2. The platform, from its builds, on ports of its own, with its own database and streams.
  await assertPortFree(o.gatewayPort);
  await assertPortFree(o.contentPort);
  if (o.readDocs > 0) {
    await assertPortFree(o.echoPort);
    await assertPortFree(o.echoGrpcPort);
  }
  const services: Service[] = [];
  let freshness: FreshnessResult | undefined;
  const legs: LegResult[] = [];
  const readLegs: LegResult[] = [];
  let readSizes: { documents: number; gatewayAnswerBytes: number; echoAnswerBytes: number } | undefined;
  const notes: string[] = [];
  let queries: PreparedQuery[] = [];
  let validation: Record<string, unknown>[] = [];
  try {
    const register = ['--require', '@repo/telemetry/register', ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${workDir}`] : [])];
    services.push(
      startService(
        'content',
        [...register, 'services/content/dist/main.js'],
        {
          MONGO_URL: `${mongoBase}/${namespace}`,
          NATS_URL: natsUrl,
          ELASTICSEARCH_URL: esUrl,
          SEARCH_INDEX_PREFIX: o.prefix,
          CONTENT_GRPC_ADDR: `127.0.0.1:${o.contentPort}`,
          BUS_NAMESPACE: namespace,
          CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem,
          LOG_LEVEL: 'warn',
          OTEL_SERVICE_NAME: 'content',
        },
        join(workDir, 'content.log'),
        repo,
      ),
    );
    services.push(
      startService(
        'gateway',
        [...register, 'gateway/dist/main.js'],
        {
          GATEWAY_HOST: '127.0.0.1',
          GATEWAY_PORT: String(o.gatewayPort),
          CONTENT_ADDR: `127.0.0.1:${o.contentPort}`,
          RATE_LIMIT_PER_MINUTE: '1000000',
          AUTH_TOKEN_SECRET: benchTokenSecret,
          CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
          PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
          LOG_LEVEL: 'warn',
          OTEL_SERVICE_NAME: 'gateway',
        },
        join(workDir, 'gateway.log'),
        repo,
      ),
    );
    // The member service is not part of this benchmark: wait for the content service only.
    await waitUntil(
      'the gateway and content service to be ready',
      async () => ((await (await fetch(`${gatewayUrl}/readyz`)).json()) as { services: { content: boolean } }).services.content,
      90_000,
    );
    const count = (await es.count({ index: corpus.alias })).count;
    if (count !== corpus.docs) throw new Error(`after the content service started the index holds ${count} documents, not ${corpus.docs}`);
    log(
      `platform ready: gateway ${gatewayUrl} (pid ${services[1]!.pid}), content 127.0.0.1:${o.contentPort} (pid ${services[0]!.pid}), namespace ${namespace}`,
    );
    phase('start');

    // 3. The query mix: built from the corpus, requests captured, checked through both legs.
    const shape = corpusShape(o.docs);
    const prepared = await prepareQueries(buildQueryMix(shape), esUrl, o.prefix);
    queries = prepared.queries;
    notes.push(...prepared.notes);
    writeFileSync(
      join(workDir, 'queries.json'),
      JSON.stringify(
        queries.map((q) => ({
          id: q.id,
          category: q.category,
          gatewayUrl: `${gatewayUrl}${q.gatewayPath}`,
          esPath: q.es.path,
          esBody: JSON.parse(q.es.body),
        })),
        null,
        1,
      ),
    );
    validation = await validateQueries(queries, gatewayUrl, esUrl);
    for (const v of validation) {
      if (v.gatewayStatus !== 200 || v.esStatus !== 200)
        throw new Error(`query ${v.id} failed: gateway ${v.gatewayStatus}, direct ${v.esStatus}: ${v.problem ?? ''}`);
      if (v.gatewayTotal !== v.esTotal) notes.push(`${v.id}: gateway total ${v.gatewayTotal} differs from direct total ${v.esTotal}`);
      if (v.gatewayTotal === 0) notes.push(`${v.id}: finds nothing`);
    }
    log(`queries: ${queries.length} prepared and checked through both legs (${notes.length} notes)`);
    phase('queries');

    // 4. Load legs: at each concurrency, direct first, then the gateway.
    const urls = { gateway: gatewayUrl, es: esUrl };
    const categories = new Map(queries.map((q) => [q.id, q.category]));
    const pids = { gateway: services[1]!.pid, content: services[0]!.pid, elasticsearch: esPid };
    const searchConcurrency = o.skipSearch ? [] : o.concurrency;
    for (const leg of ['direct', 'gateway'] as Leg[]) writeTargets(join(workDir, `targets-${leg}.json`), leg, queries, urls);
    // Warm-up: JIT, connection pools, Elasticsearch caches; not recorded.
    for (const leg of o.skipSearch ? [] : (['direct', 'gateway'] as Leg[])) {
      await attackSlice({
        vegeta,
        leg,
        concurrency: 8,
        durationSeconds: 5,
        targetsFile: join(workDir, `targets-${leg}.json`),
        resultsFile: join(workDir, `warmup-${leg}.bin`),
        pids,
      });
    }
    // At each concurrency the legs alternate in slices (D G D G …), so that load from anything
    // else on the machine falls on both alike.
    const sliceSeconds = Math.max(5, Math.round(o.durationSeconds / o.slices));
    for (const concurrency of searchConcurrency) {
      const slices: Record<'direct' | 'gateway', Slice[]> = { direct: [], gateway: [] };
      for (let i = 0; i < o.slices; i++) {
        for (const leg of ['direct', 'gateway'] as const) {
          if (Date.now() + sliceSeconds * 1000 > deadline) throw new Error('time limit reached before the load legs finished');
          slices[leg].push(
            await attackSlice({
              vegeta,
              leg,
              concurrency,
              durationSeconds: sliceSeconds,
              targetsFile: join(workDir, `targets-${leg}.json`),
              resultsFile: join(workDir, `results-${leg}-c${concurrency}-${i + 1}.bin`),
              pids,
            }),
          );
        }
      }
      for (const leg of ['direct', 'gateway'] as const) {
        const result = aggregate(slices[leg], categories);
        legs.push(result);
        const l = result.latencyMs;
        log(
          `${leg.padEnd(7)} c=${String(concurrency).padEnd(2)} ${result.ok} ok, ${result.errors} errors, ${result.throughputPerSecond}/s, p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms (machine ${result.machineBusyPercent}% busy, other ${result.cpuSeconds.other} CPU-s)`,
        );
      }
    }
    phase('load');

    // 4b. Reading one document by id: through the gateway, from the store alone, and the echo floor.
    if (o.readDocs > 0) {
      const mongoUrl = `${mongoBase}/${namespace}`;
      const samples = generateChunk(Math.min(7, shape.chunks - 1), shape).filter((d) => d.body.length < 4_000);
      const ids = await seedReadDocuments(mongoUrl, samples, o.readDocs);
      const echoBytes = Math.round(
        samples.slice(0, 50).reduce((sum, d) => sum + Buffer.byteLength(JSON.stringify(d)), 0) / Math.min(50, samples.length),
      );
      const tsx = ['--import', 'tsx', join(benchDir, 'src/echo.ts')];
      services.push(
        startService(
          'echo-grpc',
          [...tsx, 'grpc', `127.0.0.1:${o.echoGrpcPort}`, String(echoBytes)],
          { LOG_LEVEL: 'warn' },
          join(workDir, 'echo-grpc.log'),
          repo,
        ),
      );
      services.push(
        startService(
          'echo-http',
          [...tsx, 'http', `127.0.0.1:${o.echoPort}`, `127.0.0.1:${o.echoGrpcPort}`],
          {},
          join(workDir, 'echo-http.log'),
          repo,
        ),
      );
      const echoUrl = `http://127.0.0.1:${o.echoPort}`;
      await waitUntil('the echo route', async () => (await fetch(`${echoUrl}/echo/${ids[0]}`)).ok, 30_000);
      const first = await fetch(`${gatewayUrl}/api/v1/documents/${ids[0]}`);
      if (!first.ok) throw new Error(`reading a document through the gateway answered ${first.status}`);
      const readBytes = Buffer.byteLength(await first.text());
      writeReadTargets(join(workDir, 'targets-read.json'), gatewayUrl, (id) => `/api/v1/documents/${id}`, ids, 'read');
      writeReadTargets(join(workDir, 'targets-echo.json'), echoUrl, (id) => `/echo/${id}`, ids, 'echo');
      const echoPids = {
        'echo-http': services.find((x) => x.name === 'echo-http')!.pid,
        'echo-grpc': services.find((x) => x.name === 'echo-grpc')!.pid,
      };
      const readPids = { ...pids, ferretdb: ferretPid, postgres, ...echoPids };
      const readCategories = new Map([
        ['read', 'read'],
        ['store', 'store'],
        ['echo', 'echo'],
      ] as [string, Category][]);
      const vegetaLeg = (leg: 'read' | 'echo', concurrency: number, seconds: number, file: string) =>
        attackSlice({
          vegeta,
          leg,
          concurrency,
          durationSeconds: seconds,
          targetsFile: join(workDir, `targets-${leg}.json`),
          resultsFile: join(workDir, file),
          pids: readPids,
        });
      await storeSlice(mongoUrl, ids, 8, 3, readPids);
      for (const leg of ['read', 'echo'] as const) await vegetaLeg(leg, 8, 3, `warmup-${leg}.bin`);
      const sliceSeconds = Math.max(5, Math.round(o.durationSeconds / o.slices));
      for (const concurrency of o.readConcurrency) {
        const slices: Record<'store' | 'read' | 'echo', Slice[]> = { store: [], read: [], echo: [] };
        for (let i = 0; i < o.slices; i++) {
          if (Date.now() + 3 * sliceSeconds * 1000 > deadline) throw new Error('time limit reached before the read legs finished');
          slices.store.push(await storeSlice(mongoUrl, ids, concurrency, sliceSeconds, readPids));
          slices.read.push(await vegetaLeg('read', concurrency, sliceSeconds, `results-read-c${concurrency}-${i + 1}.bin`));
          slices.echo.push(await vegetaLeg('echo', concurrency, sliceSeconds, `results-echo-c${concurrency}-${i + 1}.bin`));
        }
        for (const leg of ['store', 'read', 'echo'] as const) {
          const result = aggregate(slices[leg], readCategories);
          readLegs.push(result);
          const l = result.latencyMs;
          log(
            `${leg.padEnd(7)} c=${String(concurrency).padEnd(2)} ${result.ok} ok, ${result.errors} errors, ${result.throughputPerSecond}/s, p50 ${l.p50} ms, p95 ${l.p95} ms (machine ${result.machineBusyPercent}% busy, other ${result.cpuSeconds.other} CPU-s)`,
          );
        }
      }
      readSizes = { documents: ids.length, gatewayAnswerBytes: readBytes, echoAnswerBytes: echoBytes };
    }
    phase('reads');

    // 5. Freshness.
    if (o.freshnessDocs > 0) {
      const samples = generateChunk(Math.min(5, shape.chunks - 1), shape).filter((d) => d.body.length < 4_000);
      freshness = await measureFreshness({
        gatewayUrl,
        esUrl,
        alias: corpus.alias,
        documents: o.freshnessDocs,
        concurrency: o.freshnessConcurrency,
        pollMs: 25,
        timeoutMs: 30_000,
        deadline: deadline - 60_000,
        runTag,
        samples,
        log,
      });
      const f = freshness.publishToSearchableMs;
      log(
        `freshness: ${freshness.found}/${freshness.documents} searchable, p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, max ${f.max} ms`,
      );
    }
    phase('freshness');
  } finally {
    for (const s of [...services].reverse()) await s.stop();
    await cleanup(es, corpus.alias, namespace).catch((err: unknown) => log(`cleanup: ${(err as Error).message}`));
    await es.close();
    phase('stop');
  }

  const ratios = o.concurrency.map((c) => {
    const d = legs.find((l) => l.leg === 'direct' && l.concurrency === c);
    const g = legs.find((l) => l.leg === 'gateway' && l.concurrency === c);
    return {
      concurrency: c,
      p50: d && g ? round(g.latencyMs.p50 / d.latencyMs.p50, 2) : NaN,
      p95: d && g ? round(g.latencyMs.p95 / d.latencyMs.p95, 2) : NaN,
      p99: d && g ? round(g.latencyMs.p99 / d.latencyMs.p99, 2) : NaN,
      throughput: d && g ? round(g.throughputPerSecond / d.throughputPerSecond, 2) : NaN,
    };
  });
  const c8 = ratios.find((r) => r.concurrency === 8);
  const readRatios = o.readConcurrency.map((c) => {
    const rate = (leg: Leg) => readLegs.find((l) => l.leg === leg && l.concurrency === c)?.throughputPerSecond ?? NaN;
    const cost = (leg: Leg) => {
      const l = readLegs.find((x) => x.leg === leg && x.concurrency === c);
      return l ? round((l.cpuMsPerRequest.gateway ?? 0) + (l.cpuMsPerRequest.content ?? 0), 3) : NaN;
    };
    return {
      concurrency: c,
      readPerStore: round(rate('read') / rate('store'), 3),
      readPerEcho: round(rate('read') / rate('echo'), 3),
      platformCpuMsPerRead: cost('read'),
    };
  });
  const totalErrors = legs.reduce((s, l) => s + l.errors, 0) + (freshness ? freshness.failed + freshness.timedOut : 0);
  const results = {
    benchmark: 'search-load',
    startedAt: startedAt.toISOString(),
    runSeconds: round((performance.now() - t0) / 1000),
    phasesSeconds: phases,
    options: o,
    machine: machine(),
    versions: {
      elasticsearch: esVersion.version,
      elasticsearchHeapGiB: esVersion.heapGiB,
      node: process.version,
      vegeta: /\tmod\t\S+\t(\S+)/.exec(sh('go', ['version', '-m', vegeta]))?.[1] ?? '',
      ...source,
    },
    corpus: { docs: corpus.docs, alias: corpus.alias, reused: corpus.reused, indexing: corpus.indexing, indexSize },
    queries: {
      count: queries.length,
      byCategory: Object.fromEntries(
        [...new Set(queries.map((q) => q.category))].map((c) => [c, queries.filter((q) => q.category === c).length]),
      ),
      validation,
      notes,
    },
    legs,
    ratios,
    reads: { sizes: readSizes, legs: readLegs, ratios: readRatios },
    goal: {
      text: 'p95 through the gateway within 1.5 x the direct query at concurrency 8, and no errors',
      p95RatioAtC8: c8?.p95 ?? NaN,
      errors: totalErrors,
      met: c8 !== undefined && c8.p95 <= 1.5 && totalErrors === 0,
    },
    freshness: freshness ? { ...freshness, ids: undefined, timeline: undefined } : undefined,
  };
  if (freshness) writeFileSync(join(workDir, 'freshness-timeline.json'), JSON.stringify(freshness.timeline));
  const file = join(benchDir, 'results', `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  printSummary(results);
  console.log(`\nresults: ${file} (work files in ${workDir})`);
}

function readEnvFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['elasticsearch.env', 'ferretdb.env', 'nats.env']) {
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

/** One request per query on each leg: status, totals and response sizes (also a warm-up). */
async function validateQueries(queries: PreparedQuery[], gatewayUrl: string, esUrl: string) {
  const out: Record<string, unknown>[] = [];
  for (const q of queries) {
    const g = await fetch(`${gatewayUrl}${q.gatewayPath}`, { signal: AbortSignal.timeout(10_000) });
    const gText = await g.text();
    const d = await fetch(`${esUrl}${q.es.path}`, {
      method: q.es.method,
      headers: { 'content-type': 'application/json' },
      body: q.es.body,
      signal: AbortSignal.timeout(10_000),
    });
    const dText = await d.text();
    const gJson = safeJson(gText) as {
      total?: number;
      hits?: unknown[];
      searchedFor?: string;
      didYouMean?: string;
      error?: { message?: string };
    };
    const dJson = safeJson(dText) as { took?: number; hits?: { total?: { value?: number }; hits?: unknown[] } };
    out.push({
      id: q.id,
      category: q.category,
      q: q.params.map(([k, v]) => `${k}=${v}`).join('&'),
      gatewayStatus: g.status,
      esStatus: d.status,
      gatewayTotal: gJson.total,
      esTotal: dJson.hits?.total?.value,
      hits: gJson.hits?.length,
      gatewayBytes: Buffer.byteLength(gText),
      esBytes: Buffer.byteLength(dText),
      esTookMs: dJson.took,
      ...(gJson.searchedFor ? { searchedFor: gJson.searchedFor } : {}),
      ...(gJson.didYouMean ? { didYouMean: gJson.didYouMean } : {}),
      ...(g.status !== 200
        ? { problem: gJson.error?.message ?? gText.slice(0, 200) }
        : d.status !== 200
          ? { problem: dText.slice(0, 200) }
          : {}),
    });
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Removes what this run made: freshness documents from the index, its database, its streams. */
async function cleanup(es: Client, alias: string, namespace: string): Promise<void> {
  await removeFreshnessDocs(es, alias);
  await cleanupNamespace(namespace);
}

type Results = {
  runSeconds: number;
  machine: ReturnType<typeof machine>;
  corpus: {
    docs: number;
    reused: boolean;
    indexing: { docsPerSecond: { indexing: number }; analysisSeconds: number; bulkSeconds: number; esTookSeconds: number };
    indexSize: { storeSizeBytes: number };
  };
  legs: LegResult[];
  ratios: { concurrency: number; p50: number; p95: number; p99: number; throughput: number }[];
  goal: { p95RatioAtC8: number; errors: number; met: boolean };
  freshness?: Omit<FreshnessResult, 'ids' | 'timeline'>;
  reads: { legs: LegResult[]; ratios: { concurrency: number; readPerStore: number; readPerEcho: number; platformCpuMsPerRead: number }[] };
};

function printSummary(r: Results): void {
  const i = r.corpus.indexing;
  console.log(`\n## search-load summary (${r.machine.date}, ${r.machine.nproc} cores, ${r.machine.cpuModel})`);
  console.log(
    `corpus ${r.corpus.docs} documents${r.corpus.reused ? ' (index reused)' : ''}: ${i.docsPerSecond.indexing} docs/s (analysis ${i.analysisSeconds} s, bulk ${i.bulkSeconds} s, ES took ${i.esTookSeconds} s), index ${(r.corpus.indexSize.storeSizeBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log('\n| leg | c | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of r.legs) {
    const s = l.latencyMs;
    console.log(
      `| ${l.leg} | ${l.concurrency} | ${l.requests} | ${l.errors} | ${l.throughputPerSecond} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`,
    );
  }
  console.log('\n| c | p50 ratio | p95 ratio | p99 ratio | throughput ratio |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const x of r.ratios) console.log(`| ${x.concurrency} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.throughput} |`);
  console.log(
    `\ngoal (p95 gateway/direct <= 1.5 at c=8, no errors): ratio ${r.goal.p95RatioAtC8}, errors ${r.goal.errors} -> ${r.goal.met ? 'MET' : 'NOT MET'}`,
  );
  if (r.reads.legs.length > 0) {
    console.log(
      '\n| read leg | c | requests | errors | req/s | p50 ms | p95 ms | gateway CPU ms/req | content CPU ms/req | FerretDB + PostgreSQL CPU ms/req |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const l of r.reads.legs) {
      const c = l.cpuMsPerRequest;
      console.log(
        `| ${l.leg} | ${l.concurrency} | ${l.requests} | ${l.errors} | ${l.throughputPerSecond} | ${l.latencyMs.p50} | ${l.latencyMs.p95} | ${c.gateway ?? ''} | ${c.content ?? ''} | ${round((c.ferretdb ?? 0) + (c.postgres ?? 0), 2)} |`,
      );
    }
    for (const x of r.reads.ratios)
      console.log(
        `reads c=${x.concurrency}: read / store ${x.readPerStore}, read / echo ${x.readPerEcho}, gateway + content CPU ${x.platformCpuMsPerRead} ms per read`,
      );
  }
  if (r.freshness) {
    const f = r.freshness.publishToSearchableMs;
    console.log(
      `freshness (${r.freshness.found}/${r.freshness.documents}, concurrency ${r.freshness.concurrency}): p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, max ${f.max} ms; pipeline p95 ${r.freshness.publishToIndexedMs.p95} ms, refresh wait p95 ${r.freshness.indexedToSearchableMs.p95} ms`,
    );
  }
  console.log(`run: ${(r.runSeconds / 60).toFixed(1)} min`);
}

main().catch((err: unknown) => {
  console.error(`search-load: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
