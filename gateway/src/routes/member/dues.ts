/** Party dues 党费 over REST: quotes, monthly bills, payments, arrears. Money is integer fen. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromServiceError, isServiceError } from '@repo/grpc';
import { billingRunStateCodec, duesCategoryCodec as categories, type Bill, type BillingRun } from '@repo/proto/member/v1';
import type { Static } from '@sinclair/typebox';
import { HttpError } from '../../errors';
import { call, errorResponses, pageOf } from '../common';
import type { MemberRouteOptions } from './clients';
import {
  ArrearsBody,
  ArrearsQuery,
  BillBody,
  BillingRunBody,
  BillingRunParams,
  BillListBody,
  BillListQuery,
  DuesPaymentBody,
  DuesPaymentResult,
  DuesQuoteBody,
  DuesQuoteQuery,
  StartBillingRunBody,
} from './schemas';

function toBill(bill: Bill | undefined): Static<typeof BillBody> {
  if (!bill) throw new Error('service answered without a bill');
  return {
    ...bill,
    amountFen: Number(bill.amountFen),
    paidFen: Number(bill.paidFen),
    owedFen: Number(bill.owedFen),
    category: categories.fromProto(bill.category) ?? '',
    basisFen: Number(bill.basisFen),
  };
}

/** The service names the proto field (incomeFen); a REST caller sent query.income. */
function asQueryError(err: unknown): unknown {
  if (!isServiceError(err)) return err;
  const remote = fromServiceError(err);
  if (remote.code !== 'VALIDATION_FAILED') return err;
  const rename = (field: string) => (field === 'incomeFen' ? 'query.income' : `query.${field}`);
  const details = Object.fromEntries(Object.entries(remote.details).map(([field, problem]) => [rename(field), problem]));
  const message = Object.entries(details)
    .map(([field, problem]) => `${field} ${problem}`)
    .join('; ');
  return new HttpError(400, remote.code, message, details);
}

const runStatePath = (id: string) => `/api/v1/dues/billing-runs/${encodeURIComponent(id)}`;

function toBillingRun(run: BillingRun, started: boolean) {
  return {
    ...run,
    state: billingRunStateCodec.fromProto(run.state) ?? 'queued',
    totalFen: Number(run.totalFen),
    started,
    status: runStatePath(run.id),
  };
}

export const duesRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.dues;

  app.get(
    '/dues/quote',
    {
      schema: {
        tags: ['dues'],
        summary: 'The monthly dues for an income and category (public, no sign-in)',
        security: [],
        querystring: DuesQuoteQuery,
        response: { 200: DuesQuoteBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      try {
        const quote = await call(request, client, 'quoteDues', {
          category: categories.toProto(q.category),
          ...(q.income === undefined ? {} : { incomeFen: String(q.income) }),
        });
        return {
          ...quote,
          category: categories.fromProto(quote.category) ?? '',
          monthlyFen: Number(quote.monthlyFen),
          basisFen: Number(quote.basisFen),
        };
      } catch (err) {
        throw asQueryError(err);
      }
    },
  );

  app.post(
    '/dues/bills',
    {
      schema: {
        tags: ['dues'],
        summary: 'Start billing every probationary and full member of a subtree for a month, in the background',
        description:
          'One run per organisation and month: 202 with the run when it is queued or running (poll its `status`, also in the Location header), ' +
          '200 with the finished run when it already ran. Nobody is billed twice, also when a city and its province are both billed. ' +
          'A run survives a restart of the service: another replica takes it up within a minute.',
        body: StartBillingRunBody,
        response: { 200: BillingRunBody, 202: BillingRunBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { organizationId, month: billed } = request.body;
      const { run, started } = await call(request, client, 'startBillingRun', { organizationId, month: billed });
      const body = toBillingRun(run!, started);
      return reply
        .status(body.state === 'finished' ? 200 : 202)
        .header('location', body.status)
        .send(body);
    },
  );

  app.get(
    '/dues/billing-runs/:id',
    {
      schema: {
        tags: ['dues'],
        summary: 'A billing run: its state and counts so far',
        params: BillingRunParams,
        response: { 200: BillingRunBody, ...errorResponses },
      },
    },
    async (request) => {
      const { run } = await call(request, client, 'getBillingRun', { id: request.params.id });
      return toBillingRun(run!, false);
    },
  );

  app.get(
    '/dues/bills',
    {
      schema: {
        tags: ['dues'],
        summary: 'Dues bills of a subtree, a month or a member',
        querystring: BillListQuery,
        response: { 200: BillListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listBills', {
        organizationId: q.organizationId ?? '',
        month: q.month ?? '',
        memberId: q.memberId ?? '',
        unpaidOnly: q.unpaidOnly ?? false,
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.bills.map(toBill) };
    },
  );

  app.post(
    '/dues/payments',
    {
      schema: {
        tags: ['dues'],
        summary: "Record a payment against a month's bill: 201 when recorded, 200 when the reference was already recorded",
        body: DuesPaymentBody,
        response: { 200: DuesPaymentResult, 201: DuesPaymentResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await call(request, client, 'recordPayment', {
        memberId: b.memberId,
        month: b.month,
        amountFen: String(b.amountFen),
        reference: b.reference.trim(),
      });
      return reply.status(result.recorded ? 201 : 200).send({ recorded: result.recorded, bill: toBill(result.bill) });
    },
  );

  app.get(
    '/dues/arrears',
    {
      schema: {
        tags: ['dues'],
        summary: 'Members with unpaid dues: unpaid and consecutive months, amount owed; longest runs first',
        querystring: ArrearsQuery,
        response: { 200: ArrearsBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'arrearsReport', {
        organizationId: q.organizationId ?? '',
        asOfMonth: q.asOf ?? '',
        minMonths: q.minMonths ?? 1,
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return {
        ...pageOf(response.page),
        totalOwedFen: Number(response.totalOwedFen),
        items: response.lines.map((line) => ({ ...line, owedFen: Number(line.owedFen) })),
      };
    },
  );
};
