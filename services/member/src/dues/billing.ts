/**
 * A month's dues billing of a subtree as a background run. Starting it writes the run (one per
 * organisation and month) and answers at once; a worker on some replica bills under the run's
 * lease, renewing it as it goes, and writes its progress to the run. A replica that dies
 * mid-run stops renewing: within one lease the scheduled job on any replica takes the run up
 * again. Taking it up again bills nobody twice (one bill per member and month, by a unique
 * index) and counts nobody twice (the bills carry their run, so a bill the first attempt
 * created still counts as created).
 */
import { readingAhead, type Job, type Leases } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { quoteDues } from '../domain/dues';
import type { MemberStores } from '../store';
import type { BillingCounts, BillingRun, BillingRunRepository } from '../store/billing-runs';
import type { NewBill } from '../store/dues';

/**
 * Only party members pay dues: probationary 预备党员 and full 正式党员 members. Applicants,
 * activists and candidates are not yet members of the Party and pay none; disqualified people
 * are no longer on the roll.
 */
export const duesPayingStages: ReadonlySet<string> = new Set(['probationary', 'full']);

/** A run's lease: renewed after every batch, so a dead replica's run is free within this. */
const leaseMs = 60_000;
/** Attempts before a run is marked failed (it is retried by starting it again). */
const maxAttempts = 3;

const leaseOf = (run: Pick<BillingRun, 'id'>) => `dues-billing:${run.id}`;

export class BillingWorker {
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly stores: Pick<MemberStores, 'bills' | 'members'> & { billingRuns: BillingRunRepository },
    private readonly leases: Leases,
    private readonly logger: Logger,
    /** Members read and bills inserted this many at a time; progress is written after each batch. */
    private readonly batchSize = 1_000,
  ) {}

  /** Takes up every unfinished run this replica can get the lease of; never throws. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          for (const run of await this.stores.billingRuns.unfinished()) {
            if (this.stopped) return;
            await this.tryRun(run);
          }
        } catch (err) {
          this.logger.error({ err: (err as Error).message }, 'dues billing: reading the runs failed; the job retries');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Stops taking runs and waits for the current one's batch loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  /** The scheduled job: takes up runs a dead replica left (the work itself runs outside the tick). */
  job(): Job {
    return {
      name: 'dues-billing',
      run: async () => {
        void this.kick();
        return {};
      },
    };
  }

  private async tryRun(queued: BillingRun): Promise<void> {
    if (!(await this.leases.acquire(leaseOf(queued), leaseMs))) return;
    try {
      // Read again under the lease: another replica may have finished it meanwhile.
      const current = await this.stores.billingRuns.find(queued.id);
      if (!current || current.state === 'finished' || current.state === 'failed') return;
      const attempts = current.attempts + 1;
      const run =
        (await this.stores.billingRuns.update(current.id, {
          state: 'running',
          attempts,
          error: '',
          ...(current.startedAt ? {} : { startedAt: new Date().toISOString() }),
        })) ?? current;
      try {
        const counts = await this.bill(run);
        if (!counts) return;
        await this.stores.billingRuns.update(run.id, { ...counts, state: 'finished', finishedAt: new Date().toISOString() });
        this.logger.info(
          { runId: run.id, organizationId: run.organizationId, month: run.month, attempts, ...counts },
          'dues bills generated',
        );
      } catch (err) {
        const message = (err as Error).message;
        this.logger.error({ runId: run.id, attempts, err: message }, 'dues billing run failed');
        await this.stores.billingRuns.update(run.id, {
          error: message,
          ...(attempts >= maxAttempts ? { state: 'failed', finishedAt: new Date().toISOString() } : {}),
        });
      }
    } finally {
      await this.leases.release(leaseOf(queued));
    }
  }

  /** Bills the run's subtree; undefined when the lease was lost or the worker stopped (left to whoever holds it next). */
  private async bill(run: BillingRun): Promise<BillingCounts | undefined> {
    const { bills, members, billingRuns } = this.stores;
    const counts: BillingCounts = { membersRead: 0, created: 0, existing: 0, skipped: 0, totalFen: 0 };
    // The month's bills of the subtree in one query, never one per member or per batch.
    const billed = await bills.existingUnder(run.month, run.orgPath);
    // The next batch is read while this one's bills are inserted: the store works on both at once.
    for await (const batch of readingAhead(members.scan(run.orgPath, this.batchSize))) {
      const fresh: NewBill[] = [];
      for (const member of batch) {
        counts.membersRead++;
        if (!duesPayingStages.has(member.stage)) continue;
        const bill = billed.get(member.id);
        if (bill) {
          // Created by an earlier attempt of this run: still this run's.
          if (bill.runId === run.id) counts.created++;
          else counts.existing++;
          counts.totalFen += bill.amountFen;
          continue;
        }
        let quote;
        try {
          quote = quoteDues({ category: member.duesCategory, incomeFen: member.duesIncomeFen });
        } catch (err) {
          // A record whose dues data the rules refuse is left unbilled (and logged), not the
          // whole organisation's run.
          counts.skipped++;
          this.logger.warn({ memberId: member.id, err: (err as Error).message }, 'member not billed: dues data refused');
          continue;
        }
        fresh.push({
          memberId: member.id,
          memberName: member.name,
          organizationId: member.organizationId,
          orgPath: member.orgPath,
          month: run.month,
          amountFen: quote.monthlyFen,
          category: quote.category,
          basisFen: quote.basisFen,
        });
      }
      const inserted = await bills.createMany(fresh, run.requestedBy, run.id);
      counts.created += inserted.length;
      // Bills somebody else created meanwhile count as existing, with their amounts.
      counts.existing += fresh.length - inserted.length;
      counts.totalFen += inserted.reduce((sum, b) => sum + b.amountFen, 0);
      if (inserted.length < fresh.length) {
        const mine = new Set(inserted.map((b) => b.memberId));
        const raced = await bills.existing(
          run.month,
          fresh.filter((f) => !mine.has(f.memberId)).map((f) => f.memberId),
        );
        for (const amount of raced.values()) counts.totalFen += amount;
      }
      if (this.stopped || !(await this.leases.renew(leaseOf(run), leaseMs))) return undefined;
      await billingRuns.update(run.id, counts);
    }
    return counts;
  }
}
