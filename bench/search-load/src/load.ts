/**
 * One load leg: vegeta replays a prepared target file (the query mix, round robin) with a fixed
 * number of workers (closed loop, like k6's constant VUs) for a bounded time, and every result
 * is read back to compute exact percentiles, throughput, errors and per-category figures.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { childrenCpuSeconds, cpuSample, cpuUsedSince, machineCpu, type Processes } from './proc';
import { round, rounded, summarize, type Summary } from './stats';
import type { Category, PreparedQuery } from './queries';

/** Search: `direct` to Elasticsearch, `gateway` through the platform; reads by id: `read`, `store`, `echo` (src/reads.ts). */
export type Leg = 'direct' | 'gateway' | 'read' | 'store' | 'echo';

/** What every load leg reports, in both benchmarks. */
export interface LegFigures {
  concurrency: number;
  durationSeconds: number;
  requests: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  statusCodes: Record<string, number>;
  throughputPerSecond: number;
  /** Successful requests only. */
  latencyMs: Summary;
  /** CPU seconds used during the leg, per process ('other': the rest of the machine), and the machine's busy share. */
  cpuSeconds: Record<string, number>;
  cpuMsPerRequest: Record<string, number>;
  machineBusyPercent: number;
}

export interface LegResult extends LegFigures {
  leg: Leg;
  /** The leg ran in this many slices, alternating with the other leg (shared machines drift). */
  slices: number;
  byCategory: Record<string, Summary>;
  /** p50 per query id, to see which queries cost the most. */
  byQueryP50Ms: Record<string, number>;
}

/**
 * vegeta JSON targets: the fragment (#q07) names the query in the results and is never sent.
 * Direct requests carry the headers the platform's Elasticsearch client sends. Both legs say
 * Accept-Encoding: identity: Go's client would otherwise ask for gzip, which the platform's
 * client does not, and Elasticsearch would spend CPU compressing only the direct leg's answers.
 */
export function writeTargets(file: string, leg: Leg, queries: PreparedQuery[], urls: { gateway: string; es: string }): void {
  const identity = { 'Accept-Encoding': ['identity'] };
  const lines = queries.map((q) =>
    leg === 'gateway'
      ? JSON.stringify({ method: 'GET', url: `${urls.gateway}${q.gatewayPath}#${q.id}`, header: identity })
      : JSON.stringify({
          method: q.es.method,
          url: `${urls.es}${q.es.path}#${q.id}`,
          body: Buffer.from(q.es.body).toString('base64'),
          header: { ...Object.fromEntries(Object.entries(q.es.headers).map(([k, v]) => [k, [v]])), ...identity },
        }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0]} ended with ${signal ?? code}: ${stderr.slice(-500)}`));
    });
  });
}

export interface SliceOptions {
  vegeta: string;
  leg: Leg;
  concurrency: number;
  durationSeconds: number;
  targetsFile: string;
  resultsFile: string;
  pids: Record<string, Processes>;
}

/** The raw outcome of one vegeta run. */
export interface Slice {
  leg: Leg;
  concurrency: number;
  seconds: number;
  samples: { id: string; ms: number }[];
  requests: number;
  errors: number;
  errorSamples: string[];
  statusCodes: Record<string, number>;
  cpuSeconds: Record<string, number>;
  machineSeconds: number;
}

/** One bounded vegeta run with `concurrency` workers, as fast as they get answers. */
export async function attackSlice(o: SliceOptions): Promise<Slice> {
  const cpu0 = Object.fromEntries(Object.entries(o.pids).map(([k, pid]) => [k, cpuSample(pid)]));
  const machine0 = machineCpu();
  const loader0 = childrenCpuSeconds();
  await run(
    o.vegeta,
    [
      'attack',
      '-format=json',
      `-targets=${o.targetsFile}`,
      '-rate=0',
      `-workers=${o.concurrency}`,
      `-max-workers=${o.concurrency}`,
      `-duration=${o.durationSeconds}s`,
      '-timeout=10s',
      '-max-body=0',
      '-keepalive=true',
      `-output=${o.resultsFile}`,
    ],
    (o.durationSeconds + 30) * 1000,
  );
  const machine1 = machineCpu();
  const cpu: Record<string, number> = Object.fromEntries(Object.entries(o.pids).map(([k, pid]) => [k, cpuUsedSince(pid, cpu0[k]!)]));
  cpu.vegeta = childrenCpuSeconds() - loader0;
  const busy = machine1.busy - machine0.busy;
  // Everything else on the machine meanwhile: other users' builds and tests, the kernel, the stack's other parts.
  cpu.other = busy - Object.values(cpu).reduce((sum, v) => sum + (Number.isFinite(v) ? v : 0), 0);
  cpu.machineBusy = busy;
  return { ...(await readResults(o)), cpuSeconds: cpu, machineSeconds: machine1.total - machine0.total };
}

interface VegetaResult {
  code: number;
  timestamp: string;
  latency: number;
  error: string;
  url: string;
}

async function readResults(o: SliceOptions): Promise<Omit<Slice, 'cpuSeconds' | 'machineSeconds'>> {
  const child = spawn(o.vegeta, ['encode', '-to=json', o.resultsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const samples: { id: string; ms: number }[] = [];
  const statusCodes: Record<string, number> = {};
  const errorSamples = new Set<string>();
  let errors = 0;
  let first = Infinity;
  let last = -Infinity;
  let requests = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as VegetaResult;
    requests += 1;
    const ms = r.latency / 1e6;
    const start = Date.parse(r.timestamp);
    first = Math.min(first, start);
    last = Math.max(last, start + ms);
    statusCodes[String(r.code)] = (statusCodes[String(r.code)] ?? 0) + 1;
    if (r.error || r.code < 200 || r.code >= 300) {
      errors += 1;
      if (errorSamples.size < 5) errorSamples.add(`${r.code} ${r.error}`.trim());
      continue;
    }
    samples.push({ id: r.url.slice(r.url.lastIndexOf('#') + 1), ms });
  }
  return {
    leg: o.leg,
    concurrency: o.concurrency,
    seconds: (last - first) / 1000,
    samples,
    requests,
    errors,
    errorSamples: [...errorSamples],
    statusCodes,
  };
}

/** The slices of one leg at one concurrency, as one result. */
export function aggregate(slices: Slice[], categories: Map<string, Category>): LegResult {
  const first = slices[0]!;
  const seconds = slices.reduce((s, x) => s + x.seconds, 0);
  const machineSeconds = slices.reduce((s, x) => s + x.machineSeconds, 0);
  const samples = slices.flatMap((x) => x.samples);
  const group = (key: (id: string) => string) => {
    const groups = new Map<string, number[]>();
    for (const { id, ms } of samples) {
      const k = key(id);
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(ms);
    }
    return [...groups].sort(([a], [b]) => a.localeCompare(b));
  };
  const cpu: Record<string, number> = {};
  for (const x of slices) for (const [k, v] of Object.entries(x.cpuSeconds)) cpu[k] = (cpu[k] ?? 0) + v;
  const statusCodes: Record<string, number> = {};
  for (const x of slices) for (const [k, v] of Object.entries(x.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    leg: first.leg,
    concurrency: first.concurrency,
    slices: slices.length,
    durationSeconds: round(seconds, 2),
    requests: slices.reduce((s, x) => s + x.requests, 0),
    ok: samples.length,
    errors: slices.reduce((s, x) => s + x.errors, 0),
    errorSamples: [...new Set(slices.flatMap((x) => x.errorSamples))].slice(0, 5),
    statusCodes,
    throughputPerSecond: round(samples.length / seconds, 1),
    latencyMs: rounded(summarize(samples.map((x) => x.ms))),
    byCategory: Object.fromEntries(group((id) => categories.get(id) ?? 'unknown').map(([k, v]) => [k, rounded(summarize(v))])),
    byQueryP50Ms: Object.fromEntries(group((id) => id).map(([k, v]) => [k, round(summarize(v).p50, 2)])),
    cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v, 1)])),
    cpuMsPerRequest: Object.fromEntries(
      Object.entries(cpu)
        .filter(([k]) => k !== 'machineBusy')
        .map(([k, v]) => [k, round((1000 * v) / Math.max(1, samples.length), 2)]),
    ),
    machineBusyPercent: round((100 * (cpu.machineBusy ?? 0)) / machineSeconds, 0),
  };
}
