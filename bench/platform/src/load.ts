/**
 * Closed-loop load on loopback: `concurrency` workers, each sending its next request when the
 * previous answer is in (k6's "constant VUs"), drawn from a weighted mix of named steps, for a
 * bounded time. Every answer is counted by step and status; a request that gets no answer within
 * its deadline counts as a hang. Durations are kept whole for exact percentiles.
 */
import { summarize, type Summary } from '../../search-load/src/stats';

/** One kind of request of a mix: `send` makes one and answers its status (and what it wrote). */
export interface Step {
  name: string;
  weight: number;
  send(signal: AbortSignal): Promise<{ status: number; retryAfter?: string | null; wrote?: string }>;
}

export interface StepFigures {
  count: number;
  statuses: Record<string, number>;
  /** Answers that were not 2xx, by status ('error' for no HTTP answer at all). */
  failures: number;
  /** Requests without an answer within the deadline. */
  hangs: number;
  /** 503 answers that carried Retry-After. */
  retryAfter: number;
  ms: Summary;
}

export interface LoadFigures {
  seconds: number;
  concurrency: number;
  requests: number;
  rps: number;
  failures: number;
  hangs: number;
  steps: Record<string, StepFigures>;
  /** The first failures, for the report: when, which step, what status or error. */
  samples: { atMs: number; step: string; status: string }[];
  /** Every request's duration in ms, for exact percentiles over several runs (left out of results files). */
  durations: number[];
}

export interface LoadOptions {
  steps: Step[];
  concurrency: number;
  /** How long the load runs, or until `stop` resolves (whichever comes first). */
  durationMs: number;
  stop?: Promise<unknown>;
  /** A request without an answer after this long is aborted and counted as a hang. */
  deadlineMs?: number;
  /** Called with every write a 2xx answer accepted (its id), for the counts after the run. */
  onWrite?: (step: string, id: string) => void;
  /** Called with every answer: step, status ('error' when none), time since the start. */
  onAnswer?: (step: string, status: string, atMs: number, retryAfter: string | null | undefined) => void;
}

function pickStep(steps: Step[], total: number): Step {
  let r = Math.random() * total;
  for (const step of steps) {
    r -= step.weight;
    if (r <= 0) return step;
  }
  return steps[steps.length - 1]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { steps, concurrency, durationMs, deadlineMs = 10_000 } = options;
  const total = steps.reduce((sum, s) => sum + s.weight, 0);
  const raw = new Map(
    steps.map((s) => [
      s.name,
      { count: 0, statuses: {} as Record<string, number>, failures: 0, hangs: 0, retryAfter: 0, ms: [] as number[] },
    ]),
  );
  const samples: LoadFigures['samples'] = [];
  const started = performance.now();
  const end = started + durationMs;
  let stopped = false;
  void options.stop?.then(() => (stopped = true));
  const worker = async () => {
    while (!stopped && performance.now() < end) {
      const step = pickStep(steps, total);
      const figures = raw.get(step.name)!;
      const sent = performance.now();
      let status: string;
      let retryAfter: string | null | undefined;
      try {
        const answer = await step.send(AbortSignal.timeout(deadlineMs));
        status = String(answer.status);
        retryAfter = answer.retryAfter;
        if (answer.status >= 200 && answer.status < 300 && answer.wrote) options.onWrite?.(step.name, answer.wrote);
      } catch (err) {
        const name = (err as Error).name;
        status = name === 'TimeoutError' || name === 'AbortError' ? 'hang' : 'error';
      }
      const ms = performance.now() - sent;
      figures.count++;
      figures.ms.push(ms);
      figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
      if (status === 'hang') figures.hangs++;
      if (!/^2\d\d$/.test(status)) {
        figures.failures++;
        if (samples.length < 50) samples.push({ atMs: Math.round(sent - started), step: step.name, status });
      }
      if (status === '503' && retryAfter) figures.retryAfter++;
      options.onAnswer?.(step.name, status, sent - started, retryAfter);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const stepFigures = Object.fromEntries([...raw].map(([name, f]) => [name, { ...f, ms: summarize(f.ms) }]));
  const requests = [...raw.values()].reduce((sum, f) => sum + f.count, 0);
  return {
    seconds,
    concurrency,
    requests,
    rps: requests / seconds,
    failures: [...raw.values()].reduce((sum, f) => sum + f.failures, 0),
    hangs: [...raw.values()].reduce((sum, f) => sum + f.hangs, 0),
    steps: stepFigures,
    samples,
    durations: [...raw.values()].flatMap((f) => f.ms),
  };
}

/** A JSON request to the gateway (or anything HTTP): status, Retry-After, and the body's `id` when asked for. */
export async function httpStep(
  base: string,
  method: string,
  path: string,
  { headers = {}, body, signal, idOf = false }: { headers?: Record<string, string>; body?: unknown; signal: AbortSignal; idOf?: boolean },
): Promise<{ status: number; retryAfter: string | null; wrote?: string }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal,
  });
  const text = await response.text();
  let wrote: string | undefined;
  if (idOf && response.ok) wrote = (JSON.parse(text) as { id?: string }).id;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(wrote ? { wrote } : {}) };
}
