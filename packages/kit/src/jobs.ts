/** Scheduled jobs: each tick runs on one replica (a lease per job), errors are logged, never thrown. */
import type { Logger } from '@repo/logging';
import type { Leases } from './leases';

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
        try {
          const summary = await this.leases.runExclusive(
            `job:${job.name}`,
            Math.max(this.intervalMs, 30_000),
            () => job.run(now),
            scheduled ? (job.everyMs ?? 0) : 0,
          );
          if (summary && Object.values(summary).some((v) => v)) this.logger.info({ job: job.name, ...summary }, 'job ran');
        } catch (err) {
          this.logger.error({ job: job.name, err: (err as Error).message }, 'job failed; retrying next tick');
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
