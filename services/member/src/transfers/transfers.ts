/**
 * Organisation relation transfers 组织关系转接: the origin initiates and approves, the target
 * receives (the member moves there and the transfer completes), either side may reject, and
 * jobs expire letters that ran out and finish transfers a crash left at `received`.
 */
import { authorize, inCallerScope, visible, type Caller } from '@repo/access';
import { provinceMonth } from '@repo/calendar';
import type { Page } from '@repo/db';
import { DomainError, failedPrecondition, notFound, permissionDenied, validationFailed, type FieldViolation } from '@repo/errors';
import type { Job } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { branchLevelKinds } from '../domain/organization';
import {
  applyTransferAction,
  clientActions,
  initiateTransfer,
  systemActor,
  type ClientAction,
  type TransferStatus,
} from '../domain/transfer';
import { memberEvents } from '../events/types';
import { visibleMember } from '../members/scope';
import { subtreeOf } from '../organizations/scope';
import type { MemberStores } from '../store';
import type { Transfer } from '../store/transfers';

export type { Transfer };

const maxReasonLength = 500;
/** A received transfer untouched this long is one whose completion a crash interrupted. */
const completionGraceMs = 60_000;
const conflictRetries = 3;

const transferNotFound = (id: string) => () => notFound('TRANSFER_NOT_FOUND', `transfer ${id} not found`, { id });

function checkReason(violations: FieldViolation[], reason: string, required: boolean): void {
  if (required && reason.trim() === '') violations.push({ field: 'reason', problem: 'is required' });
  if (reason.length > maxReasonLength) violations.push({ field: 'reason', problem: `must be at most ${maxReasonLength} characters` });
}

const isConflict = (err: unknown, code: string) => err instanceof DomainError && err.code === code;

type TransferStores = Pick<MemberStores, 'transfers' | 'members' | 'organizations' | 'bills'>;

/**
 * The second half of `receive`: the member moves to the target branch, then the transfer is
 * completed. Both steps are idempotent (a member already there is not moved again; a transfer
 * already completed is returned as it is), so the call and the job may both run it.
 */
async function completeReceived(
  { transfers, members, organizations }: TransferStores,
  received: Transfer,
  actor: string,
): Promise<Transfer> {
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
          data: {
            transferId: received.id,
            fromOrganizationId: member.organizationId,
            toOrganizationId: received.toOrgId,
            from: member.orgPath,
            to: orgPath,
          },
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

export class Transfers {
  constructor(
    private readonly stores: TransferStores,
    /** Validity of the introduction letter (介绍信). */
    private readonly letterDays: number,
    private readonly logger: Logger,
  ) {}

  async initiate(caller: Caller, input: { memberId: string; toOrganizationId: string; reason: string }): Promise<Transfer> {
    authorize(caller, 'transfer.write');
    const violations: FieldViolation[] = [];
    if (!input.memberId) violations.push({ field: 'memberId', problem: 'is required' });
    if (!input.toOrganizationId) violations.push({ field: 'toOrganizationId', problem: 'is required' });
    checkReason(violations, input.reason, true);
    if (violations.length) throw validationFailed(violations);

    // The origin side starts a transfer: the member must be in the caller's scope.
    const member = await visibleMember(this.stores.members, caller, input.memberId);
    // The target may be any branch of the province: transfers cross the tree.
    const target = await this.stores.organizations.find(input.toOrganizationId);
    if (!target) throw notFound('ORG_NOT_FOUND', `organization ${input.toOrganizationId} not found`, { id: input.toOrganizationId });
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
        reason: input.reason,
      },
      new Date().toISOString(),
      this.letterDays,
    );
    return this.stores.transfers.create(transfer, { memberName: member.name, reason: input.reason.trim(), createdBy: caller.userId });
  }

  async get(caller: Caller, id: string): Promise<Transfer> {
    authorize(caller, 'transfer.read');
    return this.visibleTransfer(caller, id);
  }

  async list(
    caller: Caller,
    query: { organizationId: string; status?: TransferStatus },
    page: { page: number; size: number },
  ): Promise<Page<Transfer>> {
    authorize(caller, 'transfer.read');
    const scope = await subtreeOf(this.stores.organizations, caller, query.organizationId);
    return this.stores.transfers.list({ scope, ...(query.status ? { status: query.status } : {}) }, page.page, page.size);
  }

  /** approve (the origin, dues paid up), receive (the target; completes the move), reject (either side). */
  async act(caller: Caller, id: string, input: { action: ClientAction | undefined; reason: string }): Promise<Transfer> {
    authorize(caller, 'transfer.write');
    const violations: FieldViolation[] = [];
    if (!input.action || !clientActions.includes(input.action))
      violations.push({ field: 'action', problem: `must be one of ${clientActions.join(', ')}` });
    checkReason(violations, input.reason, input.action === 'reject');
    if (violations.length || !input.action) throw validationFailed(violations);
    const { action } = input;
    const { transfers, members, organizations, bills } = this.stores;

    const transfer = await this.visibleTransfer(caller, id);
    if (action === 'approve') {
      // The origin approves: the member's current node must be the caller's to answer for.
      const member = await members.get(transfer.memberId);
      if (!inCallerScope(caller, member.orgPath)) {
        throw permissionDenied('TRANSFER_ORIGIN_ONLY', 'only the origin organisation approves a transfer', { id: transfer.id, action });
      }
    } else if (action === 'receive' && !inCallerScope(caller, transfer.toOrgPath)) {
      throw permissionDenied('TRANSFER_TARGET_ONLY', 'only the target organisation receives a transfer', { id: transfer.id, action });
    }
    // The letter ran out and the job already said so: the same answer as an unexpired check.
    if (transfer.status === 'expired') {
      throw failedPrecondition('TRANSFER_EXPIRED', `the introduction letter expired at ${transfer.expiresAt}`, {
        expiresAt: transfer.expiresAt,
        action,
      });
    }

    const now = new Date();
    const reason = input.reason.trim();
    if (action === 'approve') {
      const duesPaidUp = await bills.isPaidUpTo(transfer.memberId, provinceMonth(now));
      return transfers.recordStep(
        transfer,
        applyTransferAction(transfer, 'approve', caller.userId, now.toISOString(), { duesPaidUp, reason }),
      );
    }
    if (action === 'reject') {
      return transfers.recordStep(transfer, applyTransferAction(transfer, 'reject', caller.userId, now.toISOString(), { reason }));
    }
    const next = applyTransferAction(transfer, 'receive', caller.userId, now.toISOString(), { reason });
    if (!(await organizations.find(transfer.toOrgId))) {
      throw failedPrecondition('TRANSFER_TARGET_GONE', `organization ${transfer.toOrgId} no longer exists`, {
        id: transfer.id,
        toOrganizationId: transfer.toOrgId,
      });
    }
    const received = await transfers.recordStep(transfer, next);
    try {
      return await completeReceived(this.stores, received, caller.userId);
    } catch (err) {
      // Received stands; the completion job moves the member and completes it.
      this.logger.warn(
        { transferId: received.id, err: (err as Error).message },
        'transfer received but not completed yet; the job will finish it',
      );
      return received;
    }
  }

  /** A transfer the caller sees from either side, or not found. */
  private async visibleTransfer(caller: Caller, id: string): Promise<Transfer> {
    return visible(caller, id ? await this.stores.transfers.find(id) : null, (t) => [t.fromOrgPath, t.toOrgPath], transferNotFound(id));
  }
}

/** Letters that ran out are expired; received transfers a crash left are completed. */
export function transferJobs(stores: TransferStores, logger: Logger): Job[] {
  return [
    {
      name: 'transfer-expiry',
      run: async (now) => ({ expired: await stores.transfers.expireDue(now) }),
    },
    {
      name: 'transfer-completion',
      run: async (now) => {
        let completed = 0;
        let failed = 0;
        for (const received of await stores.transfers.receivedBefore(new Date(now.getTime() - completionGraceMs))) {
          try {
            await completeReceived(stores, received, systemActor);
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
}
