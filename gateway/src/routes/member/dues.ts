/** Party dues 党费 over REST: quotes, monthly bills, payments, arrears. Money is integer fen. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromServiceError, isServiceError } from '@repo/grpc';
import { duesCategoryCodec as categories, type Bill } from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { HttpError } from '../../errors';
import { call, errorResponses, Id, int64, oneOf, PageFields, pageOf, pageQuery } from '../common';
import type { MemberRouteOptions } from './clients';

const categoryText =
  "inService 在职, retired 离退休, student 学生, unemployed 失业, minimumLiving 享受最低生活保障, annualSalary 年薪制 (income is last year's annual income), exempt 免交";

const month = (description: string) =>
  Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: `${description} (YYYY-MM)`, examples: ['2024-03'] });
const fen = (description: string) => Type.Integer({ minimum: 0, description: `${description}, in fen (分)` });

const QuoteQuery = Type.Object(
  {
    income: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_200_000_000,
        description:
          "Monthly post-tax income in fen; last year's annual income for annualSalary. Required for inService, retired and annualSalary; not needed for flat-rate categories",
      }),
    ),
    category: oneOf(categories.values, categoryText),
  },
  { additionalProperties: false },
);
const QuoteBody = Type.Object(
  {
    category: oneOf(categories.values, categoryText),
    monthlyFen: fen('The monthly dues'),
    rateBasisPoints: Type.Integer({ description: 'The rate applied, in basis points (1% = 100); 0 for flat-rate categories' }),
    basisFen: fen('The monthly income the rate applies to (0 for flat-rate categories)'),
    bracket: Type.String({ description: 'The bracket or flat rule used, e.g. "inService <= 5000 yuan"' }),
  },
  { $id: 'DuesQuote' },
);

export const BillBody = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    memberName: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    month: Type.String({ description: 'YYYY-MM' }),
    amountFen: fen('Dues billed'),
    paidFen: fen('Paid so far'),
    owedFen: fen('Still owed'),
    settled: Type.Boolean({ description: 'Nothing is owed' }),
    category: oneOf(categories.values, categoryText),
    basisFen: fen('The monthly income the rate was applied to'),
    paymentRefs: Type.Array(Type.String(), { description: 'References of the payments recorded' }),
  },
  { $id: 'DuesBill' },
);

const GenerateBody = Type.Object(
  { organizationId: Id('The organisation whose whole subtree is billed'), month: month('The month billed; not in the future') },
  { additionalProperties: false },
);
const GenerateResult = Type.Object({
  organizationId: Type.String(),
  month: Type.String(),
  created: Type.Integer({ description: 'Bills created by this call' }),
  existing: Type.Integer({ description: 'Members already billed for the month (not billed again)' }),
  totalFen: fen('Total billed for the month over the members billed (created and existing)'),
});

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('Bills of this subtree; omit for everything the caller sees')),
    month: Type.Optional(month('Bills of this month')),
    memberId: Type.Optional(Id('Bills of this member')),
    unpaidOnly: Type.Optional(Type.Boolean({ description: 'Only bills not fully paid' })),
  },
  { additionalProperties: false },
);
const ListBody = Type.Object({ ...PageFields, items: Type.Array(BillBody) });

const PaymentBody = Type.Object(
  {
    memberId: Id('The member who paid'),
    month: month('The month paid for'),
    amountFen: int64({ minimum: 1, description: 'Amount paid, in fen; at most what is still owed' }),
    reference: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: "The payment's own reference (e.g. the bank's); the same reference twice records once",
    }),
  },
  { additionalProperties: false },
);
const PaymentResult = Type.Object({
  recorded: Type.Boolean({ description: 'false when this reference was already recorded (nothing changed)' }),
  bill: BillBody,
});

const ArrearsQuery = Type.Object(
  {
    ...pageQuery(),
    organizationId: Type.Optional(Id('Members of this subtree; omit for everything the caller sees')),
    asOf: Type.Optional(month('Judge arrears up to and including this month; defaults to the current month')),
    minMonths: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1200, default: 1, description: 'Only members with at least this many unpaid months' }),
    ),
  },
  { additionalProperties: false },
);
const ArrearsLine = Type.Object({
  memberId: Type.String(),
  memberName: Type.String(),
  organizationId: Type.String(),
  unpaidMonths: Type.Integer(),
  consecutiveMonths: Type.Integer({ description: 'Longest run of consecutive unpaid months; six is a discipline matter' }),
  owedFen: fen('Owed over all unpaid months'),
  oldestUnpaidMonth: Type.String(),
});
const ArrearsBody = Type.Object({ ...PageFields, totalOwedFen: fen('Owed by every member reported'), items: Type.Array(ArrearsLine) });

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

/** Deadline of a billing run: the whole province is about 100,000 members. */
const billingDeadlineMs = 600_000;

export const duesRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.dues;

  app.get(
    '/dues/quote',
    {
      schema: {
        tags: ['dues'],
        summary: 'The monthly dues for an income and category (public, no sign-in)',
        security: [],
        querystring: QuoteQuery,
        response: { 200: QuoteBody, ...errorResponses },
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
        summary: 'Bill every probationary and full member of a subtree for a month; running it again bills nobody twice',
        body: GenerateBody,
        response: { 201: GenerateResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { organizationId, month: billed } = request.body;
      // A province-wide run bills every member; the caller waits for it (running it again is safe).
      const result = await call(request, client, 'generateBills', { organizationId, month: billed }, billingDeadlineMs);
      return reply
        .status(201)
        .send({ organizationId, month: billed, created: result.created, existing: result.existing, totalFen: Number(result.totalFen) });
    },
  );

  app.get(
    '/dues/bills',
    {
      schema: {
        tags: ['dues'],
        summary: 'Dues bills of a subtree, a month or a member',
        querystring: ListQuery,
        response: { 200: ListBody, ...errorResponses },
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
        body: PaymentBody,
        response: { 200: PaymentResult, 201: PaymentResult, ...errorResponses },
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
