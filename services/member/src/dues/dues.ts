/**
 * Party dues 党费: quotes, monthly billing runs (see billing.ts), payments, the arrears report, and the job that raises
 * the six-month arrears warning. Money is integer fen throughout.
 */
import { authorize, visible, type Caller } from '@repo/access';
import { isYearMonth, provinceMonth, shiftMonth } from '@repo/calendar';
import type { Page } from '@repo/db';
import { failedPrecondition, notFound, validationFailed, type FieldViolation } from '@repo/errors';
import type { Job } from '@repo/kit';
import { arrearsWarningMonths, consecutiveArrears, quoteDues, unpaidMonths, type DuesCategory, type DuesQuote } from '../domain/dues';
import { visibleMember } from '../members/scope';
import { subtreeOf, visibleOrganization } from '../organizations/scope';
import type { MemberStores } from '../store';
import type { BillingRun } from '../store/billing-runs';
import type { Bill, BillRepository } from '../store/dues';
import type { BillingWorker } from './billing';

export type { Bill, BillingRun, DuesQuote };

export interface BillQuery {
  organizationId: string;
  month: string;
  memberId: string;
  unpaidOnly: boolean;
}

export interface ArrearsLine {
  memberId: string;
  memberName: string;
  organizationId: string;
  unpaidMonths: number;
  consecutiveMonths: number;
  owedFen: number;
  oldestUnpaidMonth: string;
}

export interface ArrearsReport extends Page<ArrearsLine> {
  totalOwedFen: number;
}

function checkMonth(violations: FieldViolation[], field: string, value: string, now: Date): void {
  if (!isYearMonth(value)) violations.push({ field, problem: 'must be a month YYYY-MM' });
  else if (value > provinceMonth(now)) violations.push({ field, problem: 'must not be in the future' });
}

/** Runs of consecutive calendar months among unpaid bills (sorted by month), oldest first. */
export function arrearsRuns(unpaid: Bill[]): Bill[][] {
  const runs: Bill[][] = [];
  for (const bill of unpaid) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && shiftMonth(last.month, 1) === bill.month) run.push(bill);
    else runs.push([bill]);
  }
  return runs;
}

export class Dues {
  constructor(
    private readonly stores: Pick<MemberStores, 'bills' | 'members' | 'organizations' | 'billingRuns'>,
    /** Takes up a run as soon as it is started (the scheduled job takes up the ones left behind). */
    private readonly worker?: Pick<BillingWorker, 'kick'>,
  ) {}

  /** The monthly dues for an income: public, so anyone can check their own. */
  quote(caller: Caller, input: { category: DuesCategory; incomeFen: number | undefined }): DuesQuote {
    authorize(caller, 'dues.quote');
    return quoteDues(
      input.incomeFen === undefined ? { category: input.category } : { category: input.category, incomeFen: input.incomeFen },
    );
  }

  /**
   * Starts billing every dues-paying member of a subtree for a month in the background, or
   * answers the run already started for that organisation and month (`started` false).
   */
  async startBilling(caller: Caller, input: { organizationId: string; month: string }): Promise<{ run: BillingRun; started: boolean }> {
    authorize(caller, 'dues.bill');
    const violations: FieldViolation[] = [];
    if (!input.organizationId) violations.push({ field: 'organizationId', problem: 'is required' });
    checkMonth(violations, 'month', input.month, new Date());
    if (violations.length) throw validationFailed(violations);
    const org = await visibleOrganization(this.stores.organizations, caller, input.organizationId);
    const { run, opened } = await this.stores.billingRuns.open({
      organizationId: org.id,
      orgPath: org.path,
      month: input.month,
      requestedBy: caller.userId,
    });
    if (opened) void this.worker?.kick();
    return { run, started: opened };
  }

  /** A billing run the caller may see (its subtree's path in their scope). */
  async billingRun(caller: Caller, id: string): Promise<BillingRun> {
    authorize(caller, 'dues.read');
    const runNotFound = () => notFound('DUES_BILLING_RUN_NOT_FOUND', `billing run ${id} not found`, { id });
    return visible(caller, id ? await this.stores.billingRuns.find(id) : null, (r) => r.orgPath, runNotFound);
  }

  /** Records a payment against a month's bill, once per reference, never beyond what is owed. */
  async recordPayment(
    caller: Caller,
    input: { memberId: string; month: string; amountFen: number; reference: string },
  ): Promise<{ bill: Bill; recorded: boolean }> {
    authorize(caller, 'dues.pay');
    const violations: FieldViolation[] = [];
    if (!input.memberId) violations.push({ field: 'memberId', problem: 'is required' });
    if (!isYearMonth(input.month)) violations.push({ field: 'month', problem: 'must be a month YYYY-MM' });
    const { amountFen } = input;
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
      violations.push({ field: 'amountFen', problem: 'must be a positive whole number of fen' });
    const reference = input.reference.trim();
    if (reference.length < 1 || reference.length > 100) violations.push({ field: 'reference', problem: 'must be 1 to 100 characters' });
    if (violations.length) throw validationFailed(violations);

    const member = await visibleMember(this.stores.members, caller, input.memberId);
    const billNotFound = () =>
      notFound('DUES_BILL_NOT_FOUND', `member ${member.id} has no dues bill for ${input.month}`, {
        memberId: member.id,
        month: input.month,
      });
    // A bill stays where it was billed when its member transfers out: the caller must see it too.
    const bill = visible(caller, await this.stores.bills.find(member.id, input.month), (b) => b.orgPath, billNotFound);
    return this.stores.bills.recordPayment(
      bill,
      { reference, amountFen, at: new Date().toISOString(), actor: caller.userId },
      (current) => {
        if (current.paidFen + amountFen > current.amountFen) {
          throw failedPrecondition(
            'DUES_OVERPAYMENT',
            `${amountFen} fen is more than the ${current.amountFen - current.paidFen} fen still owed for ${current.month}`,
            { memberId: member.id, month: current.month, owedFen: String(current.amountFen - current.paidFen) },
          );
        }
      },
    );
  }

  async listBills(caller: Caller, query: BillQuery, page: { page: number; size: number }): Promise<Page<Bill>> {
    authorize(caller, 'dues.read');
    if (query.month && !isYearMonth(query.month)) throw validationFailed([{ field: 'month', problem: 'must be a month YYYY-MM' }]);
    const scope = await subtreeOf(this.stores.organizations, caller, query.organizationId);
    return this.stores.bills.list(
      {
        scope,
        ...(query.month ? { month: query.month } : {}),
        ...(query.memberId ? { memberId: query.memberId } : {}),
        unpaidOnly: query.unpaidOnly,
      },
      page.page,
      page.size,
    );
  }

  /** Members with unpaid dues up to a month, the longest runs first: they are the discipline matters. */
  async arrearsReport(
    caller: Caller,
    query: { organizationId: string; asOfMonth: string; minMonths: number },
    page: { page: number; size: number },
  ): Promise<ArrearsReport> {
    authorize(caller, 'dues.read');
    const violations: FieldViolation[] = [];
    const asOf = query.asOfMonth || provinceMonth(new Date());
    if (!isYearMonth(asOf)) violations.push({ field: 'asOfMonth', problem: 'must be a month YYYY-MM' });
    if (query.minMonths < 0 || query.minMonths > 1200) violations.push({ field: 'minMonths', problem: 'must be from 0 to 1200' });
    if (violations.length) throw validationFailed(violations);
    const minMonths = Math.max(query.minMonths, 1);
    const scope = await subtreeOf(this.stores.organizations, caller, query.organizationId);

    const lines: ArrearsLine[] = [];
    let totalOwedFen = 0;
    for await (const { memberId, bills: unpaid } of this.stores.bills.unpaidByMember(scope, asOf)) {
      const months = unpaidMonths(unpaid, asOf);
      if (months.length < minMonths) continue;
      const owedFen = unpaid.reduce((sum, b) => sum + b.owedFen, 0);
      const latest = unpaid[unpaid.length - 1]!;
      totalOwedFen += owedFen;
      lines.push({
        memberId,
        memberName: latest.memberName,
        organizationId: latest.organizationId,
        unpaidMonths: months.length,
        consecutiveMonths: consecutiveArrears(unpaid, asOf),
        owedFen,
        oldestUnpaidMonth: months[0] ?? '',
      });
    }
    lines.sort(
      (a, b) =>
        b.consecutiveMonths - a.consecutiveMonths ||
        b.unpaidMonths - a.unpaidMonths ||
        a.memberName.localeCompare(b.memberName, 'zh-Hans-CN') ||
        a.memberId.localeCompare(b.memberId),
    );
    return { items: lines.slice((page.page - 1) * page.size, page.page * page.size), total: lines.length, totalOwedFen };
  }
}

/**
 * Six months of arrears in a row is a discipline matter: one member.dues.arrearsWarning per
 * member per episode (a run of consecutive unpaid months). A run already holding a marked bill
 * was warned about, however long it has grown since; once the bills are paid, a later run of
 * six is a new episode.
 */
export function arrearsJob(bills: BillRepository): Job {
  return {
    name: 'dues-arrears',
    // It reads every unpaid bill; arrears are counted in months, so hourly is early enough.
    everyMs: 3_600_000,
    async run(now) {
      const asOf = provinceMonth(now);
      let raised = 0;
      for await (const { memberId, bills: unpaid } of bills.unpaidByMember('/', asOf)) {
        if (consecutiveArrears(unpaid, asOf) < arrearsWarningMonths) continue;
        // Every run of six or more with no marked bill is an episode nobody was warned about.
        for (const run of arrearsRuns(unpaid)) {
          if (run.length < arrearsWarningMonths || run.some((b) => b.arrearsWarnedAt)) continue;
          const latest = run[run.length - 1]!;
          const data = {
            memberId,
            memberName: latest.memberName,
            organizationId: latest.organizationId,
            consecutiveMonths: run.length,
            fromMonth: run[0]!.month,
            toMonth: latest.month,
            owedFen: run.reduce((sum, b) => sum + b.owedFen, 0),
            asOfMonth: asOf,
          };
          if (await bills.raiseArrearsWarning(run, data, now.toISOString())) raised++;
        }
      }
      return { raised };
    },
  };
}
