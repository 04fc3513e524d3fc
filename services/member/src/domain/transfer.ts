/**
 * Organisation relation transfer 组织关系转接: a member's relation moves from one organisation to
 * another with an introduction letter 介绍信 that is valid for a set period.
 * initiated -> approvedByOrigin -> received -> completed, or rejected / expired.
 * Times are ISO 8601 instants as strings (e.g. 2026-03-01T08:00:00Z), as stored and sent.
 * Pure rules: no I/O; "now" is always passed in.
 */
import { failedPrecondition, invalidArgument, validationFailed, type FieldViolation } from '@repo/errors';
import { isCalendarDate } from '@repo/calendar';

export const transferStatuses = ['initiated', 'approvedByOrigin', 'received', 'completed', 'rejected', 'expired'] as const;
export type TransferStatus = (typeof transferStatuses)[number];

export const transferActions = ['approve', 'receive', 'complete', 'reject'] as const;
export type TransferAction = (typeof transferActions)[number];

/** What callers may ask for; `complete` follows `receive` inside the service. */
export const clientActions = ['approve', 'receive', 'reject'] as const satisfies readonly TransferAction[];
export type ClientAction = (typeof clientActions)[number];

/** Every step a history records: the start, the actions, and the letter running out. */
export const transferStepActions = ['initiate', 'approve', 'receive', 'complete', 'reject', 'expire'] as const;

/** Statuses in which the introduction letter is still out, so its validity counts. */
export const outstandingStatuses: readonly TransferStatus[] = ['initiated', 'approvedByOrigin'];
export const finalStatuses: readonly TransferStatus[] = ['completed', 'rejected', 'expired'];

/** The letter is commonly valid for three months. */
export const defaultValidityDays = 90;
export const maxValidityDays = 366;

/** Recorded as the actor of steps taken by the scheduled expiry job. */
export const systemActor = 'system';

export interface TransferStep {
  action: (typeof transferStepActions)[number];
  from: TransferStatus | null;
  to: TransferStatus;
  actor: string;
  at: string;
  reason: string;
}

export interface OrganizationTransfer {
  memberId: string;
  fromOrgId: string;
  /** Materialised path of the origin, e.g. /1/7/42/. */
  fromOrgPath: string;
  toOrgId: string;
  toOrgPath: string;
  status: TransferStatus;
  initiatedAt: string;
  /** The letter is valid while now < expiresAt. */
  expiresAt: string;
  history: TransferStep[];
}

export interface TransferRequest {
  memberId: string;
  fromOrgId: string;
  fromOrgPath: string;
  toOrgId: string;
  toOrgPath: string;
  initiatedBy: string;
  reason?: string;
}

export interface TransferActionOptions {
  /** Required to approve: the member's dues are paid up to the month of transfer (dues.paidUpTo). */
  duesPaidUp?: boolean;
  /** Required to reject; kept on every step when given. */
  reason?: string;
}

const instantPattern = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const orgPathPattern = /^\/([^/]+\/)+$/;
const dayMs = 24 * 60 * 60 * 1000;

/** An ISO instant with its offset; without an offset the moment would depend on the server. */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && instantPattern.test(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

function checkText(violations: FieldViolation[], field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') violations.push({ field, problem: 'is required' });
}

function checkNow(violations: FieldViolation[], now: unknown): void {
  if (!isInstant(now)) violations.push({ field: 'now', problem: 'must be an ISO instant with offset, e.g. 2026-03-01T08:00:00Z' });
}

/** Starts a transfer; the letter expires `validityDays` after `now`. */
export function initiateTransfer(request: TransferRequest, now: string, validityDays: number = defaultValidityDays): OrganizationTransfer {
  const violations: FieldViolation[] = [];
  for (const field of ['memberId', 'fromOrgId', 'toOrgId', 'initiatedBy'] as const) {
    checkText(violations, field, request[field]);
  }
  for (const field of ['fromOrgPath', 'toOrgPath'] as const) {
    if (!orgPathPattern.test(request[field])) {
      violations.push({ field, problem: 'must be an organisation path like /1/7/42/' });
    }
  }
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > maxValidityDays) {
    violations.push({ field: 'validityDays', problem: `must be a whole number of days from 1 to ${maxValidityDays}` });
  }
  checkNow(violations, now);
  if (violations.length > 0) throw validationFailed(violations);

  if (request.fromOrgId === request.toOrgId || request.fromOrgPath === request.toOrgPath) {
    throw failedPrecondition('TRANSFER_SAME_ORGANIZATION', 'a transfer needs a target organisation other than the origin', {
      fromOrgId: request.fromOrgId,
      toOrgId: request.toOrgId,
    });
  }
  const initiatedAt = new Date(Date.parse(now)).toISOString();
  return {
    memberId: request.memberId.trim(),
    fromOrgId: request.fromOrgId,
    fromOrgPath: request.fromOrgPath,
    toOrgId: request.toOrgId,
    toOrgPath: request.toOrgPath,
    status: 'initiated',
    initiatedAt,
    expiresAt: new Date(Date.parse(now) + validityDays * dayMs).toISOString(),
    history: [
      {
        action: 'initiate',
        from: null,
        to: 'initiated',
        actor: request.initiatedBy.trim(),
        at: initiatedAt,
        reason: request.reason?.trim() ?? '',
      },
    ],
  };
}

/** True when the letter of an outstanding transfer is no longer valid at `now`. */
export function isExpired(transfer: Pick<OrganizationTransfer, 'status' | 'expiresAt'>, now: string): boolean {
  return outstandingStatuses.includes(transfer.status) && Date.parse(now) >= Date.parse(transfer.expiresAt);
}

/** Where each action may start and where it leads. */
const transitions: Record<TransferAction, { from: readonly TransferStatus[]; to: TransferStatus }> = {
  approve: { from: ['initiated'], to: 'approvedByOrigin' },
  receive: { from: ['approvedByOrigin'], to: 'received' },
  complete: { from: ['received'], to: 'completed' },
  reject: { from: ['initiated', 'approvedByOrigin'], to: 'rejected' },
};

/**
 * Applies one action and returns the updated transfer (the input is not changed).
 * The letter's validity binds only while it is out (initiated, approvedByOrigin): once the
 * receiving organisation has it, completing the transfer is not held to the letter's date.
 */
export function applyTransferAction(
  transfer: OrganizationTransfer,
  action: TransferAction,
  actor: string,
  now: string,
  options: TransferActionOptions = {},
): OrganizationTransfer {
  const violations: FieldViolation[] = [];
  if (!transferActions.includes(action)) {
    violations.push({ field: 'action', problem: `must be one of ${transferActions.join(', ')}` });
  }
  checkText(violations, 'actor', actor);
  checkNow(violations, now);
  if (action === 'approve' && typeof options.duesPaidUp !== 'boolean') {
    violations.push({ field: 'duesPaidUp', problem: 'is required to approve a transfer' });
  }
  if (violations.length > 0) throw validationFailed(violations);

  const step = transitions[action];
  const status = transfer.status;
  if (isExpired(transfer, now)) {
    throw failedPrecondition('TRANSFER_EXPIRED', `the introduction letter expired at ${transfer.expiresAt}`, {
      expiresAt: transfer.expiresAt,
      action,
    });
  }
  if (!step.from.includes(status)) {
    throw failedPrecondition(
      'TRANSFER_STATE',
      `cannot ${action} a transfer that is ${status}; ${action} applies to ${step.from.join(' or ')} transfers`,
      { action, status, requiredStatus: step.from.join(',') },
    );
  }
  if (action === 'approve' && options.duesPaidUp !== true) {
    throw failedPrecondition(
      'TRANSFER_DUES_ARREARS',
      'the origin approves a transfer only when dues are paid up to the month of transfer',
      { memberId: transfer.memberId },
    );
  }
  const reason = options.reason?.trim() ?? '';
  if (action === 'reject' && reason === '') {
    throw invalidArgument('TRANSFER_REJECT_REASON', 'a rejected transfer needs a reason', { field: 'reason' });
  }
  const at = new Date(Date.parse(now)).toISOString();
  return {
    ...transfer,
    status: step.to,
    history: [...transfer.history, { action, from: status, to: step.to, actor: actor.trim(), at, reason }],
  };
}

/**
 * For the scheduled job: an outstanding transfer whose letter has expired becomes 'expired';
 * anything else comes back unchanged (the same object), so the job can skip the write.
 */
export function expireIfDue(transfer: OrganizationTransfer, now: string): OrganizationTransfer {
  const violations: FieldViolation[] = [];
  checkNow(violations, now);
  if (violations.length > 0) throw validationFailed(violations);
  if (!isExpired(transfer, now)) return transfer;
  return {
    ...transfer,
    status: 'expired',
    history: [
      ...transfer.history,
      {
        action: 'expire',
        from: transfer.status,
        to: 'expired',
        actor: systemActor,
        at: new Date(Date.parse(now)).toISOString(),
        reason: `introduction letter expired at ${transfer.expiresAt}`,
      },
    ],
  };
}
