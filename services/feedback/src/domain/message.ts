/**
 * Messages to leaders (留言): their vocabulary, what a writer sends and how it is checked, and
 * the record the service keeps. Pure rules: no I/O.
 */
import { createHash, randomInt } from 'node:crypto';
import { validationFailed, type FieldViolation } from '@repo/errors';
import type { Deadline } from './deadlines';
import {
  messageTypes,
  type MessageStatus,
  type MessageType,
  type ReturnReason,
  type RevisitResult,
  type Satisfaction,
  type StepAction,
} from './vocabulary';

export * from './vocabulary';

/** Statuses in which a message is public: accepted, and every later status but merged. */
export const publicStatuses: readonly MessageStatus[] = ['accepted', 'assigned', 'disputed', 'replied', 'closed'];

/** Statuses waiting for acceptance, and those being handled. */
export const awaitingAcceptance: readonly MessageStatus[] = ['held', 'submitted'];
export const inHandling: readonly MessageStatus[] = ['accepted', 'assigned', 'disputed'];

export const textLimits = {
  subject: 80,
  body: 3_000,
  region: 50,
  contactName: 30,
  domain: 20,
  note: 500,
  reply: 5_000,
  comment: 500,
} as const;

/** Where a message is addressed: an organisation, or a leader's post at one. */
export interface Recipient {
  organizationId: string;
  organizationName: string;
  leaderPostId: string;
  leaderPostTitle: string;
}

export interface Draft {
  type: string;
  domain: string;
  organizationId: string;
  leaderPostId: string;
  subject: string;
  body: string;
  region: string;
  contact: string;
  contactName: string;
}

export interface ValidDraft extends Omit<Draft, 'type' | 'contact'> {
  type: MessageType;
  /** Normalised: digits of a phone number, an e-mail address in lower case. */
  contact: string;
}

export interface Step {
  action: StepAction;
  from: MessageStatus;
  to: MessageStatus;
  /** Staff user id, 'writer' or 'system'. */
  actor: string;
  at: string;
  note: string;
  organizationId: string;
  organizationName: string;
}

export interface Assignment {
  organizationId: string;
  organizationName: string;
  path: string;
  at: string;
  by: string;
  /** The assigner's node: whose staff answer a dispute. */
  byPath: string;
}

export interface Reply {
  body: string;
  organizationId: string;
  organizationName: string;
  at: string;
  by: string;
  onTime: boolean;
  /** Working days from submission to the reply. */
  workingDays: number;
}

export interface Rating {
  attitude: number;
  speed: number;
  overall: Satisfaction;
  comment: string;
  at: string;
}

export interface Revisit {
  result: RevisitResult;
  note: string;
  at: string;
  by: string;
}

export interface Rectification {
  deadline: Deadline;
  note: string;
  rectifiedAt: string;
  revisit: Revisit | null;
}

export interface DuplicateCandidate {
  messageId: string;
  similarity: number;
  submittedAt: string;
  subject: string;
}

export interface FeedbackMessage {
  id: string;
  /** 12 characters of trackingAlphabet, stored without dashes. */
  trackingCode: string;
  type: MessageType;
  domain: string;
  recipient: Recipient;
  subject: string;
  body: string;
  region: string;
  contact: string;
  contactName: string;
  /** Hash of the normalised contact: per-contact limits and duplicates ask by it. */
  contactKey: string;
  /** Empty for the public; never shown. */
  writerUserId: string;
  status: MessageStatus;
  /** The recipient organisation's path. */
  orgPath: string;
  assignment: Assignment | null;
  disputeReason: string;
  submittedAt: string;
  /** Province date of submission: statistics count by it. */
  submittedOn: string;
  acceptance: Deadline;
  acceptedAt: string;
  handling: Deadline | null;
  extension: { days: number; reason: string; at: string; by: string } | null;
  reply: Reply | null;
  /** The writer's time to rate the reply; the message closes without a rating after it. */
  ratingWindow: Deadline | null;
  rating: Rating | null;
  closedAt: string;
  rectification: Rectification | null;
  returned: { reason: ReturnReason; note: string } | null;
  mergedInto: string;
  screenHits: string[];
  duplicateCandidates: DuplicateCandidate[];
  history: Step[];
  revision: number;
  updatedAt: string;
}

/** The organisation handling a message: its assignee, or its recipient before any assignment. */
export function handlingOrganization(message: Pick<FeedbackMessage, 'assignment' | 'recipient' | 'orgPath'>): {
  id: string;
  name: string;
  path: string;
} {
  return message.assignment
    ? { id: message.assignment.organizationId, name: message.assignment.organizationName, path: message.assignment.path }
    : { id: message.recipient.organizationId, name: message.recipient.organizationName, path: message.orgPath };
}

export function isPublic(message: Pick<FeedbackMessage, 'status'>): boolean {
  return publicStatuses.includes(message.status);
}

/** Overdue at any stage and not yet answered. */
export function isOverdue(message: Pick<FeedbackMessage, 'acceptance' | 'handling' | 'reply' | 'status'>): boolean {
  if (message.reply || message.status === 'returned' || message.status === 'merged') return false;
  return Boolean(message.acceptance.overdueAt || message.handling?.overdueAt);
}

const mobile = /^1[3-9]\d{9}$/;
const landline = /^0\d{2,3}\d{7,8}$/;
const email = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/**
 * A contact as the service keeps it: a mobile number (+86 and separators dropped), a landline
 * with its area code, or an e-mail address in lower case; undefined when it is none of them.
 */
export function normalizeContact(raw: string): string | undefined {
  const text = raw.trim();
  if (text.includes('@')) {
    const address = text.toLowerCase();
    return address.length <= 100 && email.test(address) ? address : undefined;
  }
  const digits = text.replace(/[\s()（）-]/g, '').replace(/^(?:\+86|0086)/, '');
  return mobile.test(digits) || landline.test(digits) ? digits : undefined;
}

export function contactKeyOf(contact: string): string {
  return createHash('sha256').update(`contact:${contact}`).digest('hex');
}

/** Shown to staff in lists: enough to recognise, not to dial. */
export function maskContact(contact: string): string {
  if (contact.includes('@')) {
    const [name = '', domain = ''] = contact.split('@');
    return `${name.slice(0, 1)}***@${domain}`;
  }
  return `${contact.slice(0, 3)}****${contact.slice(-4)}`;
}

/** No 0/O, 1/I/L or U: a code read aloud over the phone is typed back right. */
export const trackingAlphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const trackingLength = 12;

export function newTrackingCode(): string {
  let code = '';
  for (let i = 0; i < trackingLength; i++) code += trackingAlphabet[randomInt(trackingAlphabet.length)];
  return code;
}

/** A typed code back to the stored form: case, spaces and dashes do not matter. */
export function normalizeTrackingCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return code.length === trackingLength && [...code].every((c) => trackingAlphabet.includes(c)) ? code : undefined;
}

/** XXXX-XXXX-XXXX, as the writer is shown it. */
export function displayTrackingCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

const chars = (text: string) => [...text].length;

/** Adds a violation when required text is blank or any text is too long. */
export function checkText(violations: FieldViolation[], field: string, value: string, max: number, required = true): void {
  if (required && value.trim() === '') violations.push({ field, problem: 'is required' });
  else if (chars(value) > max) violations.push({ field, problem: `must be at most ${max} characters` });
}

/**
 * Checks everything a writer sends and answers it normalised (trimmed, contact in its stored
 * form); throws VALIDATION_FAILED naming every bad field. Whether the recipient exists is the
 * use case's question.
 */
export function validateDraft(draft: Draft, domains: readonly string[]): ValidDraft {
  const violations: FieldViolation[] = [];
  if (!(messageTypes as readonly string[]).includes(draft.type))
    violations.push({ field: 'type', problem: `must be one of ${messageTypes.join(', ')}` });
  if (!domains.includes(draft.domain.trim())) violations.push({ field: 'domain', problem: `must be one of ${domains.join(', ')}` });
  if (!draft.organizationId && !draft.leaderPostId)
    violations.push({ field: 'organizationId', problem: 'is required unless leaderPostId names a leader post' });
  if (draft.organizationId && draft.leaderPostId)
    violations.push({ field: 'leaderPostId', problem: 'give either organizationId or leaderPostId, not both' });
  checkText(violations, 'subject', draft.subject, textLimits.subject);
  checkText(violations, 'body', draft.body, textLimits.body);
  checkText(violations, 'region', draft.region, textLimits.region);
  checkText(violations, 'contactName', draft.contactName, textLimits.contactName, false);
  const contact = normalizeContact(draft.contact);
  if (draft.contact.trim() === '') violations.push({ field: 'contact', problem: 'is required: a phone number or an e-mail address' });
  else if (!contact)
    violations.push({ field: 'contact', problem: 'must be a mobile number, a landline with its area code, or an e-mail address' });
  if (violations.length) throw validationFailed(violations);
  return {
    ...draft,
    type: draft.type as MessageType,
    domain: draft.domain.trim(),
    subject: draft.subject.trim(),
    body: draft.body.trim(),
    region: draft.region.trim(),
    contactName: draft.contactName.trim(),
    contact: contact!,
  };
}
