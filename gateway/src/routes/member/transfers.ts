/** Organisation relation transfers 组织关系转接 over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  transferActionCodec as actions,
  transferStatusCodec as statuses,
  transferStepActionCodec as steps,
  type Transfer,
} from '@repo/proto/member/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, Id, IdParam, oneOf, PageFields, pageOf, pageQuery } from '../common';
import type { MemberRouteOptions } from './clients';

const statusText = 'initiated -> approvedByOrigin -> received -> completed, or rejected / expired';

const TransferStepBody = Type.Object({
  action: oneOf(steps.values, 'The step taken'),
  fromStatus: Type.Union([oneOf(statuses.values, statusText), Type.Null()], { description: 'null for the first step' }),
  toStatus: oneOf(statuses.values, statusText),
  actor: Type.String({ description: 'User id, or "system" for the expiry and completion jobs' }),
  at: Type.String(),
  reason: Type.String(),
});

export const TransferBody = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    memberName: Type.String(),
    fromOrganizationId: Type.String(),
    fromOrgPath: Type.String(),
    toOrganizationId: Type.String(),
    toOrgPath: Type.String(),
    status: oneOf(statuses.values, statusText),
    initiatedAt: Type.String(),
    expiresAt: Type.String({ description: 'The introduction letter (介绍信) is valid until then' }),
    history: Type.Array(TransferStepBody),
    reason: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Transfer' },
);

const reason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

const CreateBody = Type.Object(
  {
    memberId: Id("The member who moves; in the caller's scope (the origin side initiates)"),
    toOrganizationId: Id('The target branch (党支部), anywhere in the province'),
    reason: reason('Why the member moves, e.g. 工作调动'),
  },
  { additionalProperties: false },
);
/** Approve and receive take an optional remark; the body may be left out. */
const RemarkBody = Type.Union([
  Type.Object({ reason: Type.Optional(reason('Remark kept on the step')) }, { additionalProperties: false }),
  Type.Null(),
]);
const RejectBody = Type.Object({ reason: reason('Why the transfer is refused; required') }, { additionalProperties: false });

const ListQuery = Type.Object(
  {
    ...pageQuery(),
    status: Type.Optional(oneOf(statuses.values, statusText)),
    organizationId: Type.Optional(Id("Transfers out of or into this node and below; omit for the caller's whole scope")),
  },
  { additionalProperties: false },
);
const ListBody = Type.Object({ ...PageFields, items: Type.Array(TransferBody) });

function toBody(transfer: Transfer | undefined): Static<typeof TransferBody> {
  if (!transfer) throw new Error('service answered without a transfer');
  return {
    ...transfer,
    status: statuses.fromProto(transfer.status) ?? '',
    initiatedAt: transfer.initiatedAt ?? '',
    expiresAt: transfer.expiresAt ?? '',
    history: transfer.history.map((step) => ({
      ...step,
      action: steps.fromProto(step.action) ?? '',
      fromStatus: statuses.fromProto(step.fromStatus) ?? null,
      toStatus: statuses.fromProto(step.toStatus) ?? '',
      at: step.at ?? '',
    })),
  };
}

export const transferRoutes: FastifyPluginAsyncTypebox<MemberRouteOptions> = async (app, { member }) => {
  const client = member.transfers;

  app.post(
    '/transfers',
    {
      schema: {
        tags: ['transfers'],
        summary: 'Start a transfer with an introduction letter (origin side)',
        body: CreateBody,
        response: { 201: TransferBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { transfer } = await call(request, client, 'initiateTransfer', {
        memberId: body.memberId,
        toOrganizationId: body.toOrganizationId,
        reason: body.reason,
      });
      return reply.status(201).header('location', `/api/v1/transfers/${transfer?.id}`).send(toBody(transfer));
    },
  );

  app.get(
    '/transfers',
    {
      schema: {
        tags: ['transfers'],
        summary: "Transfers out of or into the caller's scope, newest first",
        querystring: ListQuery,
        response: { 200: ListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(request, client, 'listTransfers', {
        status: statuses.toProto(q.status),
        organizationId: q.organizationId ?? '',
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      });
      return { ...pageOf(response.page), items: response.transfers.map(toBody) };
    },
  );

  app.get(
    '/transfers/:id',
    {
      schema: {
        tags: ['transfers'],
        summary: 'One transfer with its history (visible to either side)',
        params: IdParam,
        response: { 200: TransferBody, ...errorResponses },
      },
    },
    async (request) => toBody((await call(request, client, 'getTransfer', { id: request.params.id })).transfer),
  );

  const steps = [
    { action: 'approve', body: RemarkBody, summary: 'Origin approves; dues must be paid up to this month' },
    { action: 'receive', body: RemarkBody, summary: 'Target receives: the member moves to the target branch and the transfer completes' },
    { action: 'reject', body: RejectBody, summary: 'Either side refuses, with a reason' },
  ] as const;
  for (const { action, body, summary } of steps) {
    app.post(
      `/transfers/:id/${action}`,
      {
        schema: { tags: ['transfers'], summary, params: IdParam, body, response: { 200: TransferBody, ...errorResponses } },
      },
      async (request) => {
        const remark = (request.body as { reason?: string } | null | undefined)?.reason ?? '';
        const { transfer } = await call(request, client, 'actOnTransfer', {
          id: request.params.id,
          action: actions.toProto(action),
          reason: remark,
        });
        return toBody(transfer);
      },
    );
  }
};
