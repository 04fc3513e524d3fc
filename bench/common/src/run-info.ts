/**
 * What every run records about where it ran, and the figures of a vegeta leg, shared by the
 * benchmarks that replay prepared targets through the gateway (feedback, learning).
 */
import { cpus, totalmem } from 'node:os';
import { sh } from '../../search-load/src/cli';
import type { Slice } from '../../search-load/src/load';
import { round, rounded, summarize, type Summary } from '../../search-load/src/stats';

/** The machine: cores, CPU model, memory, kernel, OS and the disk holding `repo`. */
export function machine(repo: string) {
  return {
    date: sh('date', ['-u']),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(sh('cat', ['/proc/cpuinfo']))?.[1] ?? cpus()[0]?.model ?? '',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    kernel: sh('uname', ['-r']),
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(sh('cat', ['/etc/os-release']))?.[1] ?? '',
    disk: sh('df', ['-h', repo]).split('\n')[1] ?? '',
  };
}

/** One vegeta target line: method, URL (its fragment names the target in the results), headers, body. */
export function targetLine(t: { id: string; method: string; url: string; headers?: Record<string, string>; body?: string }): string {
  return JSON.stringify({
    method: t.method,
    url: `${t.url}#${t.id}`,
    // Go's client would ask for gzip otherwise; answers are measured as sent.
    header: Object.fromEntries(Object.entries({ 'Accept-Encoding': 'identity', ...t.headers }).map(([k, v]) => [k, [v]])),
    ...(t.body ? { body: Buffer.from(t.body).toString('base64') } : {}),
  });
}

export interface LegFigures {
  concurrency: number;
  seconds: number;
  requests: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  statusCodes: Record<string, number>;
  perSecond: number;
  latencyMs: Summary;
  byTargetP50Ms: Record<string, number>;
  cpuPercentOfCore: Record<string, number>;
}

/** The slices of one leg at one concurrency as one result, with p50 per target and CPU per process. */
export function legOf(slices: Slice[]): LegFigures {
  const seconds = slices.reduce((s, x) => s + x.seconds, 0);
  const samples = slices.flatMap((x) => x.samples);
  const cpu: Record<string, number> = {};
  for (const x of slices) for (const [k, v] of Object.entries(x.cpuSeconds)) cpu[k] = (cpu[k] ?? 0) + v;
  const statusCodes: Record<string, number> = {};
  for (const x of slices) for (const [k, v] of Object.entries(x.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  const byTarget = new Map<string, number[]>();
  for (const s of samples) (byTarget.get(s.id) ?? byTarget.set(s.id, []).get(s.id)!).push(s.ms);
  return {
    concurrency: slices[0]!.concurrency,
    seconds: round(seconds, 1),
    requests: slices.reduce((s, x) => s + x.requests, 0),
    ok: samples.length,
    errors: slices.reduce((s, x) => s + x.errors, 0),
    errorSamples: [...new Set(slices.flatMap((x) => x.errorSamples))].slice(0, 5),
    statusCodes,
    perSecond: round(samples.length / Math.max(seconds, 1e-9), 1),
    latencyMs: rounded(summarize(samples.map((s) => s.ms))),
    byTargetP50Ms: Object.fromEntries(
      [...byTarget].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, round(summarize(v).p50, 2)]),
    ),
    cpuPercentOfCore: Object.fromEntries(
      Object.entries(cpu)
        .filter(([k]) => k !== 'machineBusy')
        .map(([k, v]) => [k, round((100 * v) / Math.max(seconds, 1e-9), 0)]),
    ),
  };
}
