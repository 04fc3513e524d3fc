/**
 * Who may see and act on which messages: the one place feedback access is decided, on top of
 * the platform's role x action matrix and data scope (@repo/access, docs/access.md).
 *
 * Staff see a message when their scope covers its recipient or the organisation handling it (an
 * assignment may go to a sibling of the recipient), and each step belongs to one organisation:
 * the recipient accepts, the handler replies, the assigner answers a dispute. A message outside
 * the caller's scope answers the same not found as a missing one.
 */
import { authorize, inCallerScope, type Action, type Caller } from '@repo/access';
import { notFound, permissionDenied } from '@repo/errors';
import { handlingOrganization, type FeedbackMessage } from './message';

export type StaffStep =
  | 'release'
  | 'accept'
  | 'return'
  | 'assign'
  | 'dispute'
  | 'answerDispute'
  | 'reply'
  | 'extend'
  | 'merge'
  | 'rectify'
  | 'revisit';

export const missingMessage = (id: string) => notFound('FEEDBACK_MESSAGE_NOT_FOUND', `message ${id} not found`, { id });

/** Paths whose staff see the message. */
export function pathsOf(message: Pick<FeedbackMessage, 'orgPath' | 'assignment' | 'recipient'>): string[] {
  return [...new Set([message.orgPath, handlingOrganization(message).path])];
}

/** The staff view needs feedback.readPrivate and the message in scope; otherwise not found. */
export function assertSees(caller: Caller, message: FeedbackMessage | null, id: string): FeedbackMessage {
  authorize(caller, 'feedback.readPrivate');
  if (!message || !pathsOf(message).some((path) => inCallerScope(caller, path))) throw missingMessage(id);
  return message;
}

/** The matrix action a step needs; returning a held message is a reviewer's, like releasing it. */
export function rightOf(step: StaffStep, message: Pick<FeedbackMessage, 'status'>): Action {
  if (step === 'release' || (step === 'return' && message.status === 'held')) return 'feedback.review';
  return 'feedback.handle';
}

/** The organisation whose staff take the step, by its path, and how to name it in a refusal. */
export function ownerOf(step: StaffStep, message: FeedbackMessage): { path: string; who: string } {
  switch (step) {
    case 'release':
    case 'accept':
    case 'return':
      return { path: message.orgPath, who: `the recipient, ${message.recipient.organizationName}` };
    case 'revisit':
      // The organisation that accepted the message checks on its handler's rectification.
      return { path: message.orgPath, who: `the recipient, ${message.recipient.organizationName}` };
    case 'dispute':
      return { path: message.assignment?.path ?? message.orgPath, who: `the assignee, ${message.assignment?.organizationName ?? ''}` };
    case 'answerDispute':
      return { path: message.assignment?.byPath ?? message.orgPath, who: 'the organisation that made the assignment' };
    default: {
      const handler = handlingOrganization(message);
      return { path: handler.path, who: `the handling organisation, ${handler.name}` };
    }
  }
}

/** A step by staff: their role, then the message in their scope (404), then the step theirs (403). */
export function assertMayTake(caller: Caller, step: StaffStep, message: FeedbackMessage | null, id: string): FeedbackMessage {
  const seen = assertSees(caller, message, id);
  authorize(caller, rightOf(step, seen));
  const owner = ownerOf(step, seen);
  if (!inCallerScope(caller, owner.path)) {
    throw permissionDenied('FEEDBACK_NOT_YOUR_STEP', `${step} is for the staff of ${owner.who}`, { step });
  }
  return seen;
}
