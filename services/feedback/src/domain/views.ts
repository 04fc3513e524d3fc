/**
 * What each audience sees of a message. The public: an accepted message with its reply, the
 * organisations' names and the public steps, never a contact, the writer or a note for staff.
 * The writer: the same of their own message whatever its status, plus what only they may know
 * (why it was returned, their rating). Staff: everything, in their scope.
 */
import {
  displayTrackingCode,
  handlingOrganization,
  isOverdue,
  isPublic,
  type FeedbackMessage,
  type MessageStatus,
  type Rating,
  type ReturnReason,
  type Step,
} from './message';
import { publicActions, writerActions } from './workflow';

export interface PublicStep extends Omit<Step, 'actor'> {
  actor: '';
}

export interface PublicView {
  id: string;
  type: FeedbackMessage['type'];
  domain: string;
  recipient: FeedbackMessage['recipient'];
  subject: string;
  body: string;
  region: string;
  status: MessageStatus;
  handlingOrganizationName: string;
  submittedAt: string;
  dueOn: string;
  extension: { days: number; reason: string; at: string } | null;
  reply: Omit<NonNullable<FeedbackMessage['reply']>, 'by'> | null;
  satisfaction: Rating['overall'] | '';
  overdue: boolean;
  mergedCount: number;
  history: PublicStep[];
}

/** Notes the public may read: an extension's reason is shown publicly by rule. */
const publicNotes: readonly Step['action'][] = ['extend'];
const writerNotes: readonly Step['action'][] = ['extend', 'return'];

function stepsFor(message: FeedbackMessage, actions: readonly Step['action'][], notes: readonly Step['action'][]): PublicStep[] {
  return message.history
    .filter((step) => actions.includes(step.action))
    .map((step) => ({
      ...step,
      actor: '',
      note: notes.includes(step.action) ? step.note : '',
      from: outward(step.from),
      to: outward(step.to),
    }));
}

/** A dispute is the organisations' business: outside, the message is still assigned. */
const outward = (status: MessageStatus): MessageStatus => (status === 'disputed' ? 'assigned' : status);

function viewOf(message: FeedbackMessage, mergedCount: number, history: PublicStep[]): PublicView {
  const { by: _by, ...reply } = message.reply ?? { by: '' };
  return {
    id: message.id,
    type: message.type,
    domain: message.domain,
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    region: message.region,
    status: outward(message.status),
    handlingOrganizationName: handlingOrganization(message).name,
    submittedAt: message.submittedAt,
    dueOn: message.handling?.dueOn ?? '',
    extension: message.extension ? { days: message.extension.days, reason: message.extension.reason, at: message.extension.at } : null,
    reply: message.reply ? (reply as PublicView['reply']) : null,
    satisfaction: message.rating?.overall ?? '',
    overdue: isOverdue(message),
    mergedCount,
    history,
  };
}

export function publicView(message: FeedbackMessage, mergedCount: number): PublicView {
  return viewOf(message, mergedCount, stepsFor(message, publicActions, publicNotes));
}

export interface TrackedView {
  message: PublicView;
  trackingCode: string;
  returnReason: ReturnReason | '';
  returnNote: string;
  rating: Rating | null;
  canRate: boolean;
  mergedInto: PublicView | null;
  rectificationDueOn: string;
  rectified: boolean;
}

export function trackedView(message: FeedbackMessage, mergedInto: FeedbackMessage | null): TrackedView {
  return {
    message: viewOf(message, 0, stepsFor(message, writerActions, writerNotes)),
    trackingCode: displayTrackingCode(message.trackingCode),
    returnReason: message.returned?.reason ?? '',
    returnNote: message.returned?.note ?? '',
    rating: message.rating,
    canRate: message.status === 'replied' && !message.rating,
    // The thread joined is shown once it is public: before, it is another writer's text.
    mergedInto: mergedInto && isPublic(mergedInto) ? publicView(mergedInto, 0) : null,
    rectificationDueOn: message.rectification?.deadline.dueOn ?? '',
    rectified: Boolean(message.rectification?.rectifiedAt),
  };
}
