/** member.v1.DuesService over the dues use cases; int64 amounts travel as decimal strings. */
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { DuesCategory } from '../domain/dues';
import type { Bill, BillingRun, Dues } from '../dues/dues';
import { duesCategoryCodec, int64, paging } from './codecs';

export function toProtoBill(bill: Bill): pb.Bill {
  const owedFen = Math.max(bill.owedFen, 0);
  return pb.Bill.create({
    id: bill.id,
    memberId: bill.memberId,
    memberName: bill.memberName,
    organizationId: bill.organizationId,
    orgPath: bill.orgPath,
    month: bill.month,
    amountFen: String(bill.amountFen),
    paidFen: String(bill.paidFen),
    owedFen: String(owedFen),
    settled: owedFen === 0,
    category: duesCategoryCodec.toProto(bill.category),
    basisFen: String(bill.basisFen),
    paymentRefs: bill.payments.map((p) => p.reference),
  });
}

export function toProtoBillingRun(run: BillingRun): pb.BillingRun {
  const { updatedAt: _updated, totalFen, state, ...rest } = run;
  return pb.BillingRun.create({ ...rest, state: pb.billingRunStateCodec.toProto(state), totalFen: String(totalFen) });
}

export function duesService(dues: Dues): ServiceRegistration {
  return defineService('member.v1.DuesService', pb.DuesServiceService, {
    async quoteDues(request, { caller }) {
      const quote = dues.quote(caller, {
        // Unspecified is left to the rules, which name the field.
        category: (duesCategoryCodec.fromProto(request.category) ?? '') as DuesCategory,
        incomeFen: request.incomeFen === undefined ? undefined : int64(request.incomeFen),
      });
      return {
        monthlyFen: String(quote.monthlyFen),
        rateBasisPoints: quote.rateBasisPoints,
        basisFen: String(quote.basisFen),
        bracket: quote.bracket,
        category: duesCategoryCodec.toProto(quote.category),
      };
    },

    async startBillingRun(request, { caller }) {
      const { run, started } = await dues.startBilling(caller, { organizationId: request.organizationId, month: request.month });
      return { run: toProtoBillingRun(run), started };
    },

    async getBillingRun(request, { caller }) {
      return { run: toProtoBillingRun(await dues.billingRun(caller, request.id)) };
    },

    async recordPayment(request, { caller }) {
      const result = await dues.recordPayment(caller, {
        memberId: request.memberId,
        month: request.month,
        amountFen: int64(request.amountFen),
        reference: request.reference,
      });
      return { bill: toProtoBill(result.bill), recorded: result.recorded };
    },

    async listBills(request, { caller }) {
      const page = pageOf(request, paging);
      const result = await dues.listBills(
        caller,
        { organizationId: request.organizationId, month: request.month, memberId: request.memberId, unpaidOnly: request.unpaidOnly },
        page,
      );
      return { bills: result.items.map(toProtoBill), page: pageAnswer(page, result.total) };
    },

    async arrearsReport(request, { caller }) {
      const page = pageOf(request, paging);
      const report = await dues.arrearsReport(
        caller,
        { organizationId: request.organizationId, asOfMonth: request.asOfMonth, minMonths: request.minMonths },
        page,
      );
      return {
        lines: report.items.map((line) => ({ ...line, owedFen: String(line.owedFen) })),
        page: pageAnswer(page, report.total),
        totalOwedFen: String(report.totalOwedFen),
      };
    },
  });
}
