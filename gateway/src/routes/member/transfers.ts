/** Organisation relation transfers 组织关系转接 over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  transferActionCodec as actions,
  transferStatusCodec as statuses,
  transferStepActionCodec as steps,
  type Transfer,
} from '@repo/proto/member/v1';
import { type Static } from '@sinclair/typebox';
import { call, errorResponses, IdParam, pageOf } from '../common';
import type { MemberRouteOptions } from './clients';
import { CreateTransferBody, RejectBody, RemarkBody, TransferBody, TransferListBody, TransferListQuery } from './schemas';

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
        body: CreateTransferBody,
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
        querystring: TransferListQuery,
        response: { 200: TransferListBody, ...errorResponses },
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
