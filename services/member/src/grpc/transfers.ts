/** member.v1.TransferService over the transfer use cases. */
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { Transfer, Transfers } from '../transfers/transfers';
import { paging, transferActionCodec, transferStatusCodec, transferStepCodec } from './codecs';

export function toProtoTransfer(transfer: Transfer): pb.Transfer {
  return pb.Transfer.create({
    id: transfer.id,
    memberId: transfer.memberId,
    memberName: transfer.memberName,
    fromOrganizationId: transfer.fromOrgId,
    fromOrgPath: transfer.fromOrgPath,
    toOrganizationId: transfer.toOrgId,
    toOrgPath: transfer.toOrgPath,
    status: transferStatusCodec.toProto(transfer.status),
    initiatedAt: transfer.initiatedAt,
    expiresAt: transfer.expiresAt,
    history: transfer.history.map((step) => ({
      action: transferStepCodec.toProto(step.action),
      fromStatus: transferStatusCodec.toProto(step.from ?? ''),
      toStatus: transferStatusCodec.toProto(step.to),
      actor: step.actor,
      at: step.at,
      reason: step.reason,
    })),
    reason: transfer.reason,
    revision: transfer.revision,
  });
}

export function transferService(transfers: Transfers): ServiceRegistration {
  return defineService('member.v1.TransferService', pb.TransferServiceService, {
    async initiateTransfer(request, { caller }) {
      const transfer = await transfers.initiate(caller, {
        memberId: request.memberId,
        toOrganizationId: request.toOrganizationId,
        reason: request.reason,
      });
      return { transfer: toProtoTransfer(transfer) };
    },

    async getTransfer(request, { caller }) {
      return { transfer: toProtoTransfer(await transfers.get(caller, request.id)) };
    },

    async listTransfers(request, { caller }) {
      const page = pageOf(request, paging);
      const status = transferStatusCodec.fromProto(request.status);
      const result = await transfers.list(caller, { organizationId: request.organizationId, ...(status ? { status } : {}) }, page);
      return { transfers: result.items.map(toProtoTransfer), page: pageAnswer(page, result.total) };
    },

    async actOnTransfer(request, { caller }) {
      const transfer = await transfers.act(caller, request.id, {
        action: transferActionCodec.fromProto(request.action),
        reason: request.reason,
      });
      return { transfer: toProtoTransfer(transfer) };
    },
  });
}
