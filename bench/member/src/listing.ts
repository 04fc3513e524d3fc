/**
 * A branch's members under load: GET /api/v1/members?organizationId=<branch>&page=1&size=20,
 * each request from that branch's secretary (a signed token for the branch's path), round robin
 * over many branches. vegeta replays the target file with N workers for a bounded time (closed
 * loop, search-load's `attackSlice`), and every result is read back for exact percentiles.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { attackSlice, type LegFigures, type Slice } from '../../search-load/src/load';
import { round, rounded, summarize, type Summary } from '../../search-load/src/stats';
import type { Processes } from '../../search-load/src/proc';

export interface ListTarget {
  /** Names the target in vegeta's results (URL fragment, never sent). */
  id: string;
  path: string;
  headers: Record<string, string>;
}

export function writeTargets(file: string, gatewayUrl: string, targets: readonly ListTarget[]): void {
  const lines = targets.map((t) =>
    JSON.stringify({
      method: 'GET',
      url: `${gatewayUrl}${t.path}#${t.id}`,
      // Go's client would ask for gzip otherwise; portals' answers are measured as sent.
      header: { ...Object.fromEntries(Object.entries(t.headers).map(([k, v]) => [k, [v]])), 'Accept-Encoding': ['identity'] },
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export interface LoadLeg extends LegFigures {
  /** Every answer, errors included (a 504 comes at the gateway's 5 s deadline). */
  allLatencyMs: Summary;
  /** Share of one core per process (100 = a whole core). */
  cpuPercentOfCore: Record<string, number>;
  /** Spread over branches: the slowest and fastest branch by p50. */
  branchP50Ms: { min: number; max: number };
}

/** Latency of every result in a vegeta results file, errors included, in ms. */
async function allLatencies(vegeta: string, resultsFile: string): Promise<number[]> {
  const child = spawn(vegeta, ['encode', '-to=json', resultsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.trim()) out.push((JSON.parse(line) as { latency: number }).latency / 1e6);
  }
  return out;
}

export function toLeg(slice: Slice, all: number[]): LoadLeg {
  const ms = slice.samples.map((s) => s.ms);
  const byBranch = new Map<string, number[]>();
  for (const s of slice.samples) (byBranch.get(s.id) ?? byBranch.set(s.id, []).get(s.id)!).push(s.ms);
  const p50s = [...byBranch.values()].map((v) => summarize(v).p50);
  const cpu = slice.cpuSeconds;
  return {
    concurrency: slice.concurrency,
    durationSeconds: round(slice.seconds, 2),
    requests: slice.requests,
    ok: slice.samples.length,
    errors: slice.errors,
    errorSamples: slice.errorSamples,
    statusCodes: slice.statusCodes,
    throughputPerSecond: round(slice.samples.length / slice.seconds, 1),
    latencyMs: rounded(summarize(ms)),
    allLatencyMs: rounded(summarize(all)),
    cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v, 1)])),
    cpuMsPerRequest: Object.fromEntries(
      Object.entries(cpu)
        .filter(([k]) => k !== 'machineBusy')
        .map(([k, v]) => [k, round((1000 * v) / Math.max(1, slice.samples.length), 2)]),
    ),
    cpuPercentOfCore: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((100 * v) / Math.max(slice.seconds, 1e-9), 0)])),
    machineBusyPercent: round((100 * (cpu.machineBusy ?? 0)) / Math.max(slice.machineSeconds, 1e-9), 0),
    branchP50Ms: { min: p50s.length ? round(Math.min(...p50s), 2) : NaN, max: p50s.length ? round(Math.max(...p50s), 2) : NaN },
  };
}

export interface LegOptions {
  vegeta: string;
  concurrency: number;
  durationSeconds: number;
  targetsFile: string;
  resultsFile: string;
  pids: Record<string, Processes>;
}

export async function runLeg(o: LegOptions): Promise<LoadLeg> {
  const slice = await attackSlice({ ...o, leg: 'gateway' });
  return toLeg(slice, await allLatencies(o.vegeta, o.resultsFile));
}
