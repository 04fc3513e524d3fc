import {
  applyTransferAction,
  defaultValidityDays,
  expireIfDue,
  initiateTransfer,
  isInstant,
  systemActor,
  transferStatuses,
  type OrganizationTransfer,
  type TransferAction,
  type TransferRequest,
  type TransferStatus,
} from '../../src/domain/transfer';
import { domainErrorOf } from '@repo/errors/testing';

const failure = domainErrorOf;

const codeOf = (fn: () => unknown) => failure(fn).code;

const request: TransferRequest = {
  memberId: 'm-1001',
  fromOrgId: '42',
  fromOrgPath: '/1/7/42/',
  toOrgId: '58',
  toOrgPath: '/1/9/58/',
  initiatedBy: 'secretary-42',
  reason: '工作调动',
};

const start = '2026-03-01T08:00:00Z';
const later = '2026-03-05T08:00:00Z';
const initiated = initiateTransfer(request, start, 90);
const approved = applyTransferAction(initiated, 'approve', 'secretary-42', later, { duesPaidUp: true });
const received = applyTransferAction(approved, 'receive', 'secretary-58', later);
const completed = applyTransferAction(received, 'complete', 'secretary-58', later);
const rejected = applyTransferAction(initiated, 'reject', 'secretary-42', later, { reason: '材料不全' });
const expired = expireIfDue(initiated, '2026-06-01T00:00:00Z');

const byStatus: Record<TransferStatus, OrganizationTransfer> = {
  initiated,
  approvedByOrigin: approved,
  received,
  completed,
  rejected,
  expired,
};

describe('initiating a transfer', () => {
  test('the letter is valid for the given number of days', () => {
    expect(initiated).toMatchObject({
      memberId: 'm-1001',
      status: 'initiated',
      initiatedAt: '2026-03-01T08:00:00.000Z',
      expiresAt: '2026-05-30T08:00:00.000Z',
    });
    expect(initiated.history).toEqual([
      { action: 'initiate', from: null, to: 'initiated', actor: 'secretary-42', at: '2026-03-01T08:00:00.000Z', reason: '工作调动' },
    ]);
    expect(initiateTransfer(request, start).expiresAt).toBe(initiateTransfer(request, start, defaultValidityDays).expiresAt);
  });

  test('instants with an offset are normalised to UTC', () => {
    expect(initiateTransfer(request, '2026-03-01T16:00:00+08:00', 1)).toMatchObject({
      initiatedAt: '2026-03-01T08:00:00.000Z',
      expiresAt: '2026-03-02T08:00:00.000Z',
    });
  });

  test('origin and target must differ', () => {
    const err = failure(() => initiateTransfer({ ...request, toOrgId: '42', toOrgPath: '/1/7/42/' }, start, 90));
    expect(err.code).toBe('TRANSFER_SAME_ORGANIZATION');
    expect(err.kind).toBe('failedPrecondition');
    expect(codeOf(() => initiateTransfer({ ...request, toOrgId: '42' }, start, 90))).toBe('TRANSFER_SAME_ORGANIZATION');
    // A node below the origin is a different organisation and may receive the member.
    expect(initiateTransfer({ ...request, toOrgId: '43', toOrgPath: '/1/7/42/43/' }, start, 90).status).toBe('initiated');
  });

  test('malformed input names every field', () => {
    const err = failure(() =>
      initiateTransfer({ ...request, memberId: ' ', fromOrgPath: '1/7/42', initiatedBy: '' }, '2026-03-01 08:00', 0),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details).sort()).toEqual(['fromOrgPath', 'initiatedBy', 'memberId', 'now', 'validityDays']);
  });

  test('validity is 1 to 366 whole days', () => {
    expect(initiateTransfer(request, start, 1).status).toBe('initiated');
    expect(initiateTransfer(request, start, 366).status).toBe('initiated');
    for (const days of [0, 367, 1.5]) {
      expect(failure(() => initiateTransfer(request, start, days)).details).toHaveProperty('validityDays');
    }
  });

  test('instants need an offset', () => {
    expect(isInstant('2026-03-01T08:00:00Z')).toBe(true);
    expect(isInstant('2026-03-01T08:00:00.123+08:00')).toBe(true);
    expect(isInstant('2026-03-01T08:00:00')).toBe(false);
    expect(isInstant('2026-03-01')).toBe(false);
    expect(isInstant('2026-02-30T08:00:00Z')).toBe(false);
    expect(isInstant('2026-03-01T24:00:00Z')).toBe(false);
  });
});

describe('the transfer workflow', () => {
  test('initiated -> approvedByOrigin -> received -> completed, each step recorded', () => {
    expect([approved.status, received.status, completed.status]).toEqual(['approvedByOrigin', 'received', 'completed']);
    expect(completed.history.map((s) => [s.action, s.from, s.to, s.actor])).toEqual([
      ['initiate', null, 'initiated', 'secretary-42'],
      ['approve', 'initiated', 'approvedByOrigin', 'secretary-42'],
      ['receive', 'approvedByOrigin', 'received', 'secretary-58'],
      ['complete', 'received', 'completed', 'secretary-58'],
    ]);
    // Earlier states are left alone.
    expect(initiated.status).toBe('initiated');
    expect(initiated.history).toHaveLength(1);
  });

  const legal: [TransferStatus, TransferAction][] = [
    ['initiated', 'approve'],
    ['initiated', 'reject'],
    ['approvedByOrigin', 'receive'],
    ['approvedByOrigin', 'reject'],
    ['received', 'complete'],
  ];
  const actions: TransferAction[] = ['approve', 'receive', 'complete', 'reject'];
  const illegal = transferStatuses
    .flatMap((s) => actions.map((a) => [s, a] as const))
    .filter(([s, a]) => !legal.some(([ls, la]) => ls === s && la === a));

  test.each(illegal)('a %s transfer cannot %s', (status, action) => {
    const err = failure(() => applyTransferAction(byStatus[status], action, 'someone', later, { duesPaidUp: true, reason: 'x' }));
    expect(err.code).toBe('TRANSFER_STATE');
    expect(err.details).toMatchObject({ action, status });
  });

  test('the origin approves only when dues are paid up to the month of transfer', () => {
    const err = failure(() => applyTransferAction(initiated, 'approve', 'secretary-42', later, { duesPaidUp: false }));
    expect(err.code).toBe('TRANSFER_DUES_ARREARS');
    expect(err.kind).toBe('failedPrecondition');
    expect(failure(() => applyTransferAction(initiated, 'approve', 'secretary-42', later)).details).toHaveProperty('duesPaidUp');
  });

  test('a rejection needs a reason, and is possible before and after the origin approves', () => {
    for (const reason of [undefined, '', '  ']) {
      const err = failure(() => applyTransferAction(initiated, 'reject', 'secretary-42', later, reason === undefined ? {} : { reason }));
      expect(err.code).toBe('TRANSFER_REJECT_REASON');
      expect(err.kind).toBe('invalidArgument');
    }
    expect(rejected.status).toBe('rejected');
    expect(rejected.history[1]?.reason).toBe('材料不全');
    expect(applyTransferAction(approved, 'reject', 'secretary-58', later, { reason: '不属本单位' }).status).toBe('rejected');
  });

  test('an actor is required', () => {
    expect(failure(() => applyTransferAction(approved, 'receive', ' ', later)).details).toHaveProperty('actor');
  });
});

describe('letter validity', () => {
  const justBefore = '2026-05-30T07:59:59.999Z';
  const atExpiry = '2026-05-30T08:00:00Z';

  test('actions on an outstanding letter are refused from the moment it expires', () => {
    expect(applyTransferAction(initiated, 'approve', 'secretary-42', justBefore, { duesPaidUp: true }).status).toBe('approvedByOrigin');
    expect(applyTransferAction(approved, 'receive', 'secretary-58', justBefore).status).toBe('received');
    const err = failure(() => applyTransferAction(initiated, 'approve', 'secretary-42', atExpiry, { duesPaidUp: true }));
    expect(err.code).toBe('TRANSFER_EXPIRED');
    expect(err.details.expiresAt).toBe('2026-05-30T08:00:00.000Z');
    expect(codeOf(() => applyTransferAction(approved, 'receive', 'secretary-58', atExpiry))).toBe('TRANSFER_EXPIRED');
    expect(codeOf(() => applyTransferAction(approved, 'reject', 'secretary-58', atExpiry, { reason: 'x' }))).toBe('TRANSFER_EXPIRED');
  });

  test('once received, the letter has arrived and completion is not held to its date', () => {
    expect(applyTransferAction(received, 'complete', 'secretary-58', '2026-07-01T00:00:00Z').status).toBe('completed');
  });

  test('the scheduled job expires outstanding transfers whose letter has expired', () => {
    expect(expireIfDue(initiated, justBefore)).toBe(initiated);
    const due = expireIfDue(approved, atExpiry);
    expect(due.status).toBe('expired');
    expect(due.history[due.history.length - 1]).toEqual({
      action: 'expire',
      from: 'approvedByOrigin',
      to: 'expired',
      actor: systemActor,
      at: '2026-05-30T08:00:00.000Z',
      reason: 'introduction letter expired at 2026-05-30T08:00:00.000Z',
    });
    expect(expired.status).toBe('expired');
  });

  test.each(['received', 'completed', 'rejected', 'expired'] as const)('a %s transfer is left unchanged', (status) => {
    const transfer = byStatus[status];
    expect(expireIfDue(transfer, '2027-01-01T00:00:00Z')).toBe(transfer);
  });

  test('the job needs a real instant', () => {
    expect(failure(() => expireIfDue(initiated, 'tomorrow')).details).toHaveProperty('now');
  });
});
