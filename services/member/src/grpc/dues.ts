/**
 * Party dues 党费: quotes, monthly bills, payments, the arrears report, and the job that raises
 * the six-month arrears warning. Money is integer fen throughout; int64 fields travel as strings.
 */
import type { Caller } from '@repo/access';
import { failedPrecondition, notFound, validationFailed, type FieldViolation } from '@repo/errors';
import { pageOf, unary } from '@repo/grpc';
import { DuesServiceService, type DuesServiceServer } from '@repo/proto/member/v1';
import type * as pb from '@repo/proto/member/v1';
import type { ModuleContext, ServiceModule } from '../app';
import { isYearMonth, provinceMonth, shiftMonth } from '@repo/calendar';
import { arrearsWarningMonths, consecutiveArrears, quoteDues, unpaidMonths, type DuesCategory } from '../domain/dues';
import type { Job } from '../jobs';
import { BillRepository, type Bill, type NewBill } from '../store/dues';
import type { Member } from '../store/members';
import { assertInScope, authorize, paging, scopeOf } from './context';
import { visibleOrganization } from './organizations';

/**
 * Only party members pay dues: probationary 预备党员 and full 正式党员 members. Applicants,
 * activists and candidates are not yet members of the Party and pay none; disqualified people
 * are no longer on the roll.
 */
const duesPayingStages: ReadonlySet<string> = new Set(['probationary', 'full']);

/** Bills are inserted this many members at a time. */
const billingBatch = 1_000;

const memberNotFound = (id: string) => () => notFound('MEMBER_NOT_FOUND', `member ${id} not found`, { id });

function toProtoBill(bill: Bill): pb.Bill {
  return {
    id: bill.id,
    memberId: bill.memberId,
    memberName: bill.memberName,
    organizationId: bill.organizationId,
    orgPath: bill.orgPath,
    month: bill.month,
    amountFen: String(bill.amountFen),
    paidFen: String(bill.paidFen),
    category: bill.category,
    basisFen: String(bill.basisFen),
    paymentRefs: bill.payments.map((p) => p.reference),
  };
}

/** An int64 (a decimal string in TS) as a safe integer, or undefined when it is not one. */
function int64(value: string): number | undefined {
  if (!/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
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

export function duesModule({ connection, relays, organizations, members, logger }: ModuleContext): ServiceModule {
  const wiring = relays.for('duesBills');
  const bills = new BillRepository(connection, wiring.onWrite, wiring.locks);
  wiring.attach(bills.store);
  organizations.addPathRewriter(bills.rewritePaths);

  async function visibleMember(caller: Caller, id: string): Promise<Member> {
    const member = id ? await members.find(id) : null;
    if (!member) throw memberNotFound(id)();
    assertInScope(caller, member.orgPath, memberNotFound(id));
    return member;
  }

  /** The subtree a report or list covers: a visible node, or everything the caller sees. */
  async function scopeFor(caller: Caller, organizationId: string): Promise<string> {
    return organizationId ? (await visibleOrganization(organizations, caller, organizationId)).path : scopeOf(caller);
  }

  const implementation: DuesServiceServer = {
    quoteDues: unary(logger, async (request: pb.QuoteDuesRequest, context) => {
      authorize(context, 'dues.quote');
      const incomeFen = int64(request.incomeFen);
      if (incomeFen === undefined) throw validationFailed([{ field: 'incomeFen', problem: 'must be a whole number of fen' }]);
      const quote = quoteDues({ category: request.category as DuesCategory, incomeFen });
      return {
        monthlyFen: String(quote.monthlyFen),
        rateBasisPoints: quote.rateBasisPoints,
        basisFen: String(quote.basisFen),
        bracket: quote.bracket,
        category: quote.category,
      };
    }),

    generateBills: unary(logger, async (request: pb.GenerateBillsRequest, context) => {
      const caller = authorize(context, 'dues.bill');
      const violations: FieldViolation[] = [];
      if (!request.organizationId) violations.push({ field: 'organizationId', problem: 'is required' });
      checkMonth(violations, 'month', request.month, new Date());
      if (violations.length) throw validationFailed(violations);
      const org = await visibleOrganization(organizations, caller, request.organizationId);

      let created = 0;
      let existing = 0;
      let totalFen = 0;
      let skipped = 0;
      // The month's bills of the subtree in one query, never one per member or per batch.
      const billed = await bills.existingUnder(request.month, org.path);
      for await (const batch of members.scan(org.path, billingBatch)) {
        const payers = batch.filter((m) => duesPayingStages.has(m.stage));
        const fresh: NewBill[] = [];
        for (const member of payers) {
          const amount = billed.get(member.id);
          if (amount !== undefined) {
            existing++;
            totalFen += amount;
            continue;
          }
          let quote;
          try {
            quote = quoteDues({ category: member.duesCategory, incomeFen: member.duesIncomeFen });
          } catch (err) {
            // A record whose dues data the rules refuse is left unbilled (and logged), not the
            // whole organisation's run.
            skipped++;
            logger.warn({ memberId: member.id, err: (err as Error).message }, 'member not billed: dues data refused');
            continue;
          }
          fresh.push({
            memberId: member.id,
            memberName: member.name,
            organizationId: member.organizationId,
            orgPath: member.orgPath,
            month: request.month,
            amountFen: quote.monthlyFen,
            category: quote.category,
            basisFen: quote.basisFen,
          });
        }
        const inserted = await bills.createMany(fresh, caller.userId);
        created += inserted.length;
        // Bills somebody else created meanwhile count as existing, with their amounts.
        existing += fresh.length - inserted.length;
        totalFen += inserted.reduce((sum, b) => sum + b.amountFen, 0);
        if (inserted.length < fresh.length) {
          const mine = new Set(inserted.map((b) => b.memberId));
          const raced = await bills.existing(request.month, fresh.filter((f) => !mine.has(f.memberId)).map((f) => f.memberId));
          for (const amount of raced.values()) totalFen += amount;
        }
      }
      logger.info({ organizationId: org.id, month: request.month, created, existing, skipped }, 'dues bills generated');
      return { created, existing, totalFen: String(totalFen) };
    }),

    recordPayment: unary(logger, async (request: pb.RecordPaymentRequest, context) => {
      const caller = authorize(context, 'dues.pay');
      const violations: FieldViolation[] = [];
      if (!request.memberId) violations.push({ field: 'memberId', problem: 'is required' });
      if (!isYearMonth(request.month)) violations.push({ field: 'month', problem: 'must be a month YYYY-MM' });
      const amountFen = int64(request.amountFen);
      if (amountFen === undefined || amountFen <= 0) violations.push({ field: 'amountFen', problem: 'must be a positive whole number of fen' });
      const reference = request.reference.trim();
      if (reference.length < 1 || reference.length > 100) violations.push({ field: 'reference', problem: 'must be 1 to 100 characters' });
      if (violations.length || amountFen === undefined) throw validationFailed(violations);

      const member = await visibleMember(caller, request.memberId);
      const billNotFound = () =>
        notFound('DUES_BILL_NOT_FOUND', `member ${member.id} has no dues bill for ${request.month}`, { memberId: member.id, month: request.month });
      const bill = await bills.find(member.id, request.month);
      if (!bill) throw billNotFound();
      assertInScope(caller, bill.orgPath, billNotFound);
      const result = await bills.recordPayment(bill, { reference, amountFen, at: new Date().toISOString(), actor: caller.userId }, (current) => {
        if (current.paidFen + amountFen > current.amountFen) {
          throw failedPrecondition(
            'DUES_OVERPAYMENT',
            `${amountFen} fen is more than the ${current.amountFen - current.paidFen} fen still owed for ${current.month}`,
            { memberId: member.id, month: current.month, owedFen: String(current.amountFen - current.paidFen) },
          );
        }
      });
      return { bill: toProtoBill(result.bill), recorded: result.recorded };
    }),

    listBills: unary(logger, async (request: pb.ListBillsRequest, context) => {
      const caller = authorize(context, 'dues.read');
      const { page, size } = pageOf(request, paging);
      if (request.month && !isYearMonth(request.month)) throw validationFailed([{ field: 'month', problem: 'must be a month YYYY-MM' }]);
      const scope = await scopeFor(caller, request.organizationId);
      const result = await bills.list(
        {
          scope,
          ...(request.month ? { month: request.month } : {}),
          ...(request.memberId ? { memberId: request.memberId } : {}),
          unpaidOnly: request.unpaidOnly,
        },
        page,
        size,
      );
      return { bills: result.items.map(toProtoBill), page: { page, size, total: String(result.total) } };
    }),

    arrearsReport: unary(logger, async (request: pb.ArrearsReportRequest, context) => {
      const caller = authorize(context, 'dues.read');
      const { page, size } = pageOf(request, paging);
      const violations: FieldViolation[] = [];
      const asOf = request.asOfMonth || provinceMonth(new Date());
      if (!isYearMonth(asOf)) violations.push({ field: 'asOfMonth', problem: 'must be a month YYYY-MM' });
      if (request.minMonths < 0 || request.minMonths > 1200) violations.push({ field: 'minMonths', problem: 'must be from 0 to 1200' });
      if (violations.length) throw validationFailed(violations);
      const minMonths = Math.max(request.minMonths, 1);
      const scope = await scopeFor(caller, request.organizationId);

      const lines: pb.ArrearsLine[] = [];
      let totalOwedFen = 0;
      for await (const { memberId, bills: unpaid } of bills.unpaidByMember(scope, asOf)) {
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
          owedFen: String(owedFen),
          oldestUnpaidMonth: months[0] ?? '',
        });
      }
      // The longest runs first: they are the discipline matters.
      lines.sort(
        (a, b) =>
          b.consecutiveMonths - a.consecutiveMonths ||
          b.unpaidMonths - a.unpaidMonths ||
          a.memberName.localeCompare(b.memberName, 'zh-Hans-CN') ||
          a.memberId.localeCompare(b.memberId),
      );
      return {
        lines: lines.slice((page - 1) * size, page * size),
        page: { page, size, total: String(lines.length) },
        totalOwedFen: String(totalOwedFen),
      };
    }),
  };

  /**
   * Six months of arrears in a row is a discipline matter: one member.dues.arrearsWarning per
   * member per episode (a run of consecutive unpaid months). A run already holding a marked bill
   * was warned about, however long it has grown since; once the bills are paid, a later run of
   * six is a new episode.
   */
  const arrearsJob: Job = {
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

  return {
    registration: { name: 'member.v1.DuesService', definition: DuesServiceService, implementation },
    jobs: [arrearsJob],
  };
}
