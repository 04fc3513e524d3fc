/**
 * Organisation relation transfers 组织关系转接: the origin initiates and approves, the target
 * receives (the member moves there and the transfer completes), either side may reject, and a
 * job expires letters that ran out and finishes transfers a crash left at `received`.
 */
import { inCallerScope, type Caller } from '@repo/access';
import { DomainError, failedPrecondition, notFound, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import { pageOf, unary } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { TransferServiceService, type TransferServiceServer } from '@repo/proto/member/v1';
import type * as pb from '@repo/proto/member/v1';
import type { ModuleContext, ServiceModule } from '../app';
import type { Job } from '../jobs';
import { provinceMonth } from '@repo/calendar';
import { branchLevelKinds } from '../domain/organization';
import { applyTransferAction, initiateTransfer, systemActor, transferStatuses, type TransferStatus } from '../domain/transfer';
import { type Member, type MemberRepository } from '../store/members';
import type { OrganizationRepository } from '../store/organizations';
import { duesPaidUpTo, TransferRepository, type Transfer } from '../store/transfers';
import { assertInScope, authorize, paging, scopeOf } from './context';
import { visibleOrganization } from './organizations';
import { memberEvents } from '../events/types';

/** What clients may ask for; `complete` follows `receive` inside the service. */
const clientActions = ['approve', 'receive', 'reject'] as const;
type ClientAction = (typeof clientActions)[number];

const maxReasonLength = 500;
/** A received transfer untouched this long is one whose completion a crash interrupted. */
const completionGraceMs = 60_000;
const conflictRetries = 3;

const transferNotFound = (id: string) => () => notFound('TRANSFER_NOT_FOUND', `transfer ${id} not found`, { id });


export function toProtoTransfer(transfer: Transfer): pb.Transfer {
  return {
    id: transfer.id,
    memberId: transfer.memberId,
    memberName: transfer.memberName,
    fromOrganizationId: transfer.fromOrgId,
    fromOrgPath: transfer.fromOrgPath,
    toOrganizationId: transfer.toOrgId,
    toOrgPath: transfer.toOrgPath,
    status: transfer.status,
    initiatedAt: transfer.initiatedAt,
    expiresAt: transfer.expiresAt,
    history: transfer.history.map((step) => ({
      action: step.action,
      fromStatus: step.from ?? '',
      toStatus: step.to,
      actor: step.actor,
      at: step.at,
      reason: step.reason,
    })),
    reason: transfer.reason,
    revision: transfer.revision,
  };
}

function checkReason(violations: FieldViolation[], reason: string, required: boolean): void {
  if (required && reason.trim() === '') violations.push({ field: 'reason', problem: 'is required' });
  if (reason.length > maxReasonLength) violations.push({ field: 'reason', problem: `must be at most ${maxReasonLength} characters` });
}

const isConflict = (err: unknown, code: string) => err instanceof DomainError && err.code === code;

interface Deps {
  transfers: TransferRepository;
  members: MemberRepository;
  organizations: OrganizationRepository;
  logger: Logger;
}

/**
 * The second half of `receive`: the member moves to the target branch, then the transfer is
 * completed. Both steps are idempotent (a member already there is not moved again; a transfer
 * already completed is returned as it is), so the handler and the job may both run it.
 */
async function completeReceived({ transfers, members, organizations }: Deps, received: Transfer, actor: string): Promise<Transfer> {
  for (let attempt = 1; ; attempt++) {
    const member = await members.get(received.memberId);
    if (member.organizationId === received.toOrgId) break;
    // The target's path now, in case its subtree moved since the transfer started.
    const target = await organizations.find(received.toOrgId);
    const orgPath = target?.path ?? received.toOrgPath;
    try {
      await members.save(member, { organizationId: received.toOrgId, orgPath }, [
        {
          type: memberEvents.transferred,
          actor,
          orgPath,
          subjectId: member.id,
          data: { transferId: received.id, fromOrganizationId: member.organizationId, toOrganizationId: received.toOrgId, from: member.orgPath, to: orgPath },
        },
      ]);
      break;
    } catch (err) {
      if (!isConflict(err, 'MEMBER_REVISION_CONFLICT') || attempt >= conflictRetries) throw err;
    }
  }
  let current = received;
  for (let attempt = 1; ; attempt++) {
    if (current.status === 'completed') return current;
    const next = applyTransferAction(current, 'complete', actor, new Date().toISOString());
    try {
      return await transfers.recordStep(current, next);
    } catch (err) {
      if (!isConflict(err, 'TRANSFER_REVISION_CONFLICT') || attempt >= conflictRetries) throw err;
      current = await transfers.get(current.id);
    }
  }
}

export function transferModule({ connection, relays, organizations, members, config, logger }: ModuleContext): ServiceModule {
  const wiring = relays.for('transfers');
  const transfers = new TransferRepository(connection, wiring.onWrite, wiring.locks);
  wiring.attach(transfers.store);
  organizations.addPathRewriter(transfers.rewritePaths);
  const deps: Deps = { transfers, members, organizations, logger };

  /** A transfer the caller sees from either side, or not found. */
  async function visibleTransfer(caller: Caller, id: string): Promise<Transfer> {
    const transfer = id ? await transfers.find(id) : null;
    if (!transfer || !(inCallerScope(caller, transfer.fromOrgPath) || inCallerScope(caller, transfer.toOrgPath))) {
      throw transferNotFound(id)();
    }
    return transfer;
  }

  async function visibleMember(caller: Caller, id: string): Promise<Member> {
    const member = id ? await members.find(id) : null;
    const missing = () => notFound('MEMBER_NOT_FOUND', `member ${id} not found`, { id });
    if (!member) throw missing();
    assertInScope(caller, member.orgPath, missing);
    return member;
  }

  /** The letter ran out and the job already said so: the same answer as an unexpired check. */
  function assertNotExpired(transfer: Transfer, action: ClientAction): void {
    if (transfer.status === 'expired') {
      throw failedPrecondition('TRANSFER_EXPIRED', `the introduction letter expired at ${transfer.expiresAt}`, { expiresAt: transfer.expiresAt, action });
    }
  }

  const implementation: TransferServiceServer = {
    initiateTransfer: unary(logger, async (request: pb.InitiateTransferRequest, context) => {
      const caller = authorize(context, 'transfer.write');
      const violations: FieldViolation[] = [];
      if (!request.memberId) violations.push({ field: 'memberId', problem: 'is required' });
      if (!request.toOrganizationId) violations.push({ field: 'toOrganizationId', problem: 'is required' });
      checkReason(violations, request.reason, true);
      if (violations.length) throw validationFailed(violations);

      // The origin side starts a transfer: the member must be in the caller's scope.
      const member = await visibleMember(caller, request.memberId);
      // The target may be any branch of the province: transfers cross the tree.
      const target = await organizations.find(request.toOrganizationId);
      if (!target) throw notFound('ORG_NOT_FOUND', `organization ${request.toOrganizationId} not found`, { id: request.toOrganizationId });
      if (!branchLevelKinds.includes(target.kind)) {
        throw failedPrecondition('TRANSFER_TARGET_KIND', `a member transfers to a branch, and ${target.name} is a ${target.kind}`, {
          field: 'toOrganizationId',
          kind: target.kind,
        });
      }
      const transfer = initiateTransfer(
        {
          memberId: member.id,
          fromOrgId: member.organizationId,
          fromOrgPath: member.orgPath,
          toOrgId: target.id,
          toOrgPath: target.path,
          initiatedBy: caller.userId,
          reason: request.reason,
        },
        new Date().toISOString(),
        config.TRANSFER_LETTER_DAYS,
      );
      const created = await transfers.create(transfer, { memberName: member.name, reason: request.reason.trim(), createdBy: caller.userId });
      return { transfer: toProtoTransfer(created) };
    }),

    getTransfer: unary(logger, async (request: pb.GetTransferRequest, context) => {
      const caller = authorize(context, 'transfer.read');
      return { transfer: toProtoTransfer(await visibleTransfer(caller, request.id)) };
    }),

    listTransfers: unary(logger, async (request: pb.ListTransfersRequest, context) => {
      const caller = authorize(context, 'transfer.read');
      const { page, size } = pageOf(request, paging);
      if (request.status && !(transferStatuses as readonly string[]).includes(request.status)) {
        throw validationFailed([{ field: 'status', problem: `must be one of ${transferStatuses.join(', ')}` }]);
      }
      const scope = request.organizationId ? (await visibleOrganization(organizations, caller, request.organizationId)).path : scopeOf(caller);
      const result = await transfers.list({ scope, ...(request.status ? { status: request.status as TransferStatus } : {}) }, page, size);
      return { transfers: result.items.map(toProtoTransfer), page: { page, size, total: String(result.total) } };
    }),

    actOnTransfer: unary(logger, async (request: pb.ActOnTransferRequest, context) => {
      const caller = authorize(context, 'transfer.write');
      const violations: FieldViolation[] = [];
      if (!(clientActions as readonly string[]).includes(request.action)) {
        violations.push({ field: 'action', problem: `must be one of ${clientActions.join(', ')}` });
      }
      checkReason(violations, request.reason, request.action === 'reject');
      if (violations.length) throw validationFailed(violations);
      const action = request.action as ClientAction;

      const transfer = await visibleTransfer(caller, request.id);
      if (action === 'approve') {
        // The origin approves: the member's current node must be the caller's to answer for.
        const member = await members.get(transfer.memberId);
        if (!inCallerScope(caller, member.orgPath)) {
          throw permissionDenied('TRANSFER_ORIGIN_ONLY', 'only the origin organisation approves a transfer', { id: transfer.id, action });
        }
      } else if (action === 'receive' && !inCallerScope(caller, transfer.toOrgPath)) {
        throw permissionDenied('TRANSFER_TARGET_ONLY', 'only the target organisation receives a transfer', { id: transfer.id, action });
      }
      assertNotExpired(transfer, action);

      const now = new Date();
      const reason = request.reason.trim();
      if (action === 'approve') {
        const duesPaidUp = await duesPaidUpTo(connection, transfer.memberId, provinceMonth(now));
        const next = applyTransferAction(transfer, 'approve', caller.userId, now.toISOString(), { duesPaidUp, reason });
        return { transfer: toProtoTransfer(await transfers.recordStep(transfer, next)) };
      }
      if (action === 'reject') {
        const next = applyTransferAction(transfer, 'reject', caller.userId, now.toISOString(), { reason });
        return { transfer: toProtoTransfer(await transfers.recordStep(transfer, next)) };
      }

      const next = applyTransferAction(transfer, 'receive', caller.userId, now.toISOString(), { reason });
      if (!(await organizations.find(transfer.toOrgId))) {
        throw failedPrecondition('TRANSFER_TARGET_GONE', `organization ${transfer.toOrgId} no longer exists`, { id: transfer.id, toOrganizationId: transfer.toOrgId });
      }
      const received = await transfers.recordStep(transfer, next);
      try {
        return { transfer: toProtoTransfer(await completeReceived(deps, received, caller.userId)) };
      } catch (err) {
        // Received stands; the completion job moves the member and completes it.
        logger.warn({ transferId: received.id, err: (err as Error).message }, 'transfer received but not completed yet; the job will finish it');
        return { transfer: toProtoTransfer(received) };
      }
    }),
  };

  const jobs: Job[] = [
    {
      name: 'transfer-expiry',
      run: async (now) => ({ expired: await transfers.expireDue(now) }),
    },
    {
      name: 'transfer-completion',
      run: async (now) => {
        let completed = 0;
        let failed = 0;
        for (const received of await transfers.receivedBefore(new Date(now.getTime() - completionGraceMs))) {
          try {
            await completeReceived(deps, received, systemActor);
            completed++;
          } catch (err) {
            // One stuck transfer does not hold up the others; the next tick tries again.
            failed++;
            logger.warn({ transferId: received.id, err: (err as Error).message }, 'could not complete a received transfer');
          }
        }
        return { completed, failed };
      },
    },
  ];

  return { registration: { name: 'member.v1.TransferService', definition: TransferServiceService, implementation }, jobs };
}
