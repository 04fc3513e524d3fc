/**
 * An early warning and how it is handled: raised open, assigned to someone (again, if need be),
 * acknowledged by the one it is assigned to, closed with a note saying what was done.
 */
import { createHash } from 'node:crypto';
import { failedPrecondition, permissionDenied, validationFailed } from '@repo/errors';
import type { Severity } from './warning-rules';

export const warningStatuses = ['open', 'assigned', 'acknowledged', 'closed'] as const;
export type WarningStatus = (typeof warningStatuses)[number];
export const warningActions = ['assign', 'acknowledge', 'close'] as const;
export type WarningAction = (typeof warningActions)[number];

export interface WarningStep {
  action: WarningAction;
  actor: string;
  at: string;
  note: string;
  assignee: string;
}

export interface Warning {
  /** Made from its rule, subject and period (warningId): raising it again is a no-op. */
  id: string;
  ruleId: string;
  title: string;
  basis: string;
  severity: Severity;
  subjectId: string;
  period: string;
  orgPath: string;
  facts: Record<string, unknown>;
  eventId: string;
  status: WarningStatus;
  assignee: string;
  raisedAt: string;
  history: WarningStep[];
  revision: number;
}

/** The id of a rule's warning about a subject for a period: a UUID (name-based, RFC 9562 §5.5) of the three. */
export function warningId(ruleId: string, subjectId: string, period: string): string {
  const bytes = createHash('sha1')
    .update(JSON.stringify([ruleId, subjectId, period]))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const allowedFrom: Record<WarningAction, readonly WarningStatus[]> = {
  assign: ['open', 'assigned'],
  acknowledge: ['assigned'],
  close: ['open', 'assigned', 'acknowledged'],
};
const leadsTo: Record<WarningAction, WarningStatus> = { assign: 'assigned', acknowledge: 'acknowledged', close: 'closed' };

export const warningNoteLimit = 1_000;

export function warningStep(
  warning: Warning,
  action: WarningAction,
  input: { actor: string; assignee: string; note: string; at: string },
): { step: WarningStep; to: WarningStatus } {
  if (!allowedFrom[action].includes(warning.status)) {
    throw failedPrecondition(
      'WARNING_WORKFLOW_STEP',
      `${action} needs a warning that is ${allowedFrom[action].join(' or ')}; this one is ${warning.status}`,
      {
        id: warning.id,
        status: warning.status,
      },
    );
  }
  if (input.note.length > warningNoteLimit) throw validationFailed([{ field: 'note', problem: `at most ${warningNoteLimit} characters` }]);
  if (action === 'assign' && !input.assignee.trim())
    throw validationFailed([{ field: 'assignee', problem: 'is required: the user id to assign it to' }]);
  if (action === 'close' && !input.note.trim()) throw validationFailed([{ field: 'note', problem: 'is required: say what was done' }]);
  if (action === 'acknowledge' && warning.assignee !== input.actor) {
    throw permissionDenied('WARNING_NOT_ASSIGNEE', 'only the one it is assigned to acknowledges a warning', {
      id: warning.id,
      assignee: warning.assignee,
    });
  }
  return {
    step: { action, actor: input.actor, at: input.at, note: input.note.trim(), assignee: action === 'assign' ? input.assignee.trim() : '' },
    to: leadsTo[action],
  };
}
