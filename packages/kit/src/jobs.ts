/** Scheduled jobs: each tick runs on one replica (a lease per job), errors are logged, never thrown. */
import type { Logger } from '@repo/logging';
import { meterInstruments } from '@repo/telemetry/instruments';
import type { Leases } from './leases';

const instruments = meterInstruments('@repo/kit', (meter) => ({
  /** Ticks of each job on this replica: ran (it held the lease), skipped (another replica has it, or not due), failed. */
  jobRuns: meter.createCounter('partybuilding.job.runs', {
    unit: '{run}',
    description: 'Ticks of each scheduled job by outcome: ran, skipped (lease held elsewhere or not due), failed',
  }),
  jobDuration: meter.createHistogram('partybuilding.job.duration', {
    unit: 's',
    description: 'Duration of the job runs this replica made, by job and outcome',
    advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600] },
  }),
}));

export interface Job {
  name: string;
  /** Run at most this often across all replicas (default: every tick). */
  everyMs?: number;
  /** One tick; answers a short summary for the log. */
  run(now: Date): Promise<Record<string, unknown>>;
}

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly jobs: Job[],
    private readonly leases: Leases,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(new Date(), { scheduled: true }), this.intervalMs);
    this.timer.unref();
    void this.tick(new Date(), { scheduled: true });
  }

  /**
   * Runs every job once now, under its lease. A scheduled tick skips jobs whose `everyMs` has not
   * passed since they last ran; a tick asked for (tests, operators) runs them all.
   */
  async tick(now = new Date(), { scheduled = false } = {}): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      for (const job of this.jobs) {
        const { jobRuns, jobDuration } = instruments();
        const started = performance.now();
        let ran = false;
        try {
          const run = () => {
            ran = true;
            return job.run(now);
          };
          const summary = await this.leases.runExclusive(
            `job:${job.name}`,
            Math.max(this.intervalMs, 30_000),
            run,
            scheduled ? (job.everyMs ?? 0) : 0,
          );
          if (summary && Object.values(summary).some((v) => v)) this.logger.info({ job: job.name, ...summary }, 'job ran');
          jobRuns.add(1, { job: job.name, outcome: ran ? 'ran' : 'skipped' });
          if (ran) jobDuration.record((performance.now() - started) / 1000, { job: job.name, outcome: 'ran' });
        } catch (err) {
          this.logger.error({ job: job.name, err: (err as Error).message }, 'job failed; retrying next tick');
          jobRuns.add(1, { job: job.name, outcome: 'failed' });
          jobDuration.record((performance.now() - started) / 1000, { job: job.name, outcome: 'failed' });
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
