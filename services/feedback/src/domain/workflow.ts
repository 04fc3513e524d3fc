/**
 * The workflow of a message, as 12345's closed loop runs it (受理、派单、办理、答复、督办、办结、
 * 回访、评价): held 待审核 → submitted 待受理 → accepted 已受理 or returned 退回 → assigned 转办
 * (disputed 派单异议, answered by the assigner) → replied 已答复 → closed 办结, with one extension
 * 延期 and merging into another thread 并单. Each function checks a step and answers the message
 * after it with the steps to record; every recorded step becomes an event. Pure: no I/O.
 */
import { provinceDate, type WorkingDays } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { assertExtensionDays, deadlineOf, deadlineOrPending, metDeadline, type DeadlinePolicy } from './deadlines';
import {
  checkText,
  handlingOrganization,
  returnReasons,
  revisitResults,
  satisfactionLevels,
  textLimits,
  type DuplicateCandidate,
  type FeedbackMessage,
  type MessageStatus,
  type Rating,
  type Recipient,
  type ReturnReason,
  type RevisitResult,
  type Step,
  type StepAction,
  type ValidDraft,
} from './message';
import type { Organization } from './organizations';
import { isUnsatisfied } from './statistics';

/** Who takes a step: staff (user id and the node they act for), the writer, or the system. */
export interface Actor {
  userId: string;
  organizationId: string;
  organizationName: string;
  /** The node the actor acts for: an assignment made records it, its staff answer disputes. */
  path: string;
}

export const writerActor: Actor = { userId: 'writer', organizationId: '', organizationName: '', path: '' };
export const systemActor: Actor = { userId: 'system', organizationId: '', organizationName: '', path: '' };

export interface StepContext {
  now: Date;
  calendar: WorkingDays;
  policy: DeadlinePolicy;
  actor: Actor;
}

/** A step and what its event says beyond it. */
export interface RecordedStep {
  step: Step;
  /** The event's organisation path when it is not the message's (escalations go to the parent). */
  orgPath?: string;
  data: Record<string, unknown>;
}

export interface Transition {
  next: FeedbackMessage;
  recorded: RecordedStep[];
}

/** Steps anyone may see on a public message (organisation names, no actors, no internal notes). */
export const publicActions: readonly StepAction[] = ['submit', 'accept', 'assign', 'reassign', 'reply', 'extend', 'rate', 'close'];
/** What the writer sees of their own message besides the public steps. */
export const writerActions: readonly StepAction[] = [...publicActions, 'hold', 'release', 'return', 'merge', 'rectify', 'revisit'];

function expectStatus(message: FeedbackMessage, action: StepAction, allowed: readonly MessageStatus[]): void {
  if (allowed.includes(message.status)) return;
  throw failedPrecondition(
    'FEEDBACK_WORKFLOW_STEP',
    `cannot ${action} a message that is ${message.status}; ${action} applies to ${allowed.join(' or ')} messages`,
    { action, status: message.status, requiredStatus: allowed.join(',') },
  );
}

function requireText(field: string, value: string, max: number): string {
  const violations: FieldViolation[] = [];
  checkText(violations, field, value, max);
  if (violations.length) throw validationFailed(violations);
  return value.trim();
}

function optionalText(field: string, value: string, max: number): string {
  const violations: FieldViolation[] = [];
  checkText(violations, field, value, max, false);
  if (violations.length) throw validationFailed(violations);
  return value.trim();
}

function recorded(
  message: FeedbackMessage,
  action: StepAction,
  to: MessageStatus,
  ctx: StepContext,
  note = '',
  {
    organization,
    data = {},
    orgPath,
  }: { organization?: { id: string; name: string }; data?: Record<string, unknown>; orgPath?: string } = {},
): RecordedStep {
  const step: Step = {
    action,
    from: message.status,
    to,
    actor: ctx.actor.userId,
    at: ctx.now.toISOString(),
    note,
    organizationId: organization?.id ?? ctx.actor.organizationId,
    organizationName: organization?.name ?? ctx.actor.organizationName,
  };
  return { step, data: { from: message.status, to, ...(note ? { note } : {}), ...data }, ...(orgPath ? { orgPath } : {}) };
}

function transition(message: FeedbackMessage, ctx: StepContext, changes: Partial<FeedbackMessage>, ...steps: RecordedStep[]): Transition {
  const last = steps[steps.length - 1];
  return {
    next: {
      ...message,
      ...changes,
      ...(last ? { status: last.step.to } : {}),
      history: [...message.history, ...steps.map((s) => s.step)],
      updatedAt: ctx.now.toISOString(),
    },
    recorded: steps,
  };
}

export interface NewMessage {
  id: string;
  trackingCode: string;
  draft: ValidDraft;
  recipient: Recipient;
  orgPath: string;
  contactKey: string;
  writerUserId: string;
  screenHits: string[];
  duplicateCandidates: DuplicateCandidate[];
}

/**
 * A message as written: waiting for acceptance, or held for review when the screen found words
 * (待审核; its acceptance deadline runs all the same, so a review left undone is escalated too).
 */
export function submit(input: NewMessage, ctx: StepContext): Transition {
  const now = ctx.now.toISOString();
  const { contact, contactName, type, domain, subject, body, region } = input.draft;
  const message: FeedbackMessage = {
    id: input.id,
    trackingCode: input.trackingCode,
    type,
    domain,
    recipient: input.recipient,
    subject,
    body,
    region,
    contact,
    contactName,
    contactKey: input.contactKey,
    writerUserId: input.writerUserId,
    status: 'submitted',
    orgPath: input.orgPath,
    assignment: null,
    disputeReason: '',
    submittedAt: now,
    submittedOn: provinceDate(ctx.now),
    acceptance: deadlineOrPending(ctx.calendar, 'acceptance', ctx.now, ctx.policy.acceptanceDays, ctx.policy.warnShare),
    acceptedAt: '',
    handling: null,
    extension: null,
    reply: null,
    ratingWindow: null,
    rating: null,
    closedAt: '',
    rectification: null,
    returned: null,
    mergedInto: '',
    screenHits: input.screenHits,
    duplicateCandidates: input.duplicateCandidates,
    history: [],
    revision: 1,
    updatedAt: now,
  };
  const recipient = { id: input.recipient.organizationId, name: input.recipient.organizationName };
  const steps = [
    recorded(message, 'submit', 'submitted', ctx, '', {
      organization: recipient,
      data: { type, domain, leaderPostId: input.recipient.leaderPostId },
    }),
  ];
  if (input.screenHits.length) {
    steps.push(
      recorded({ ...message, status: 'submitted' }, 'hold', 'held', ctx, '', {
        organization: recipient,
        data: { hits: input.screenHits.length },
      }),
    );
  }
  return transition(message, ctx, {}, ...steps);
}

/** A reviewer finds a held message fine (审核通过): it joins the queue. */
export function release(message: FeedbackMessage, ctx: StepContext, note: string): Transition {
  expectStatus(message, 'release', ['held']);
  return transition(message, ctx, {}, recorded(message, 'release', 'submitted', ctx, optionalText('note', note, textLimits.note)));
}

/** 受理: the handling deadline starts (refused, naming the year, if the calendar lacks it). */
export function accept(message: FeedbackMessage, ctx: StepContext, note: string): Transition {
  expectStatus(message, 'accept', ['submitted']);
  const trimmed = optionalText('note', note, textLimits.note);
  const handling = deadlineOf(ctx.calendar, 'handling', ctx.now, ctx.policy.handlingDays[message.type], ctx.policy.warnShare);
  return transition(
    message,
    ctx,
    { acceptedAt: ctx.now.toISOString(), handling },
    recorded(message, 'accept', 'accepted', ctx, trimmed, { data: { dueOn: handling.dueOn } }),
  );
}

/** 退回, with the reason and a note the writer sees. */
export function returnMessage(message: FeedbackMessage, ctx: StepContext, reason: string, note: string): Transition {
  expectStatus(message, 'return', ['held', 'submitted']);
  const violations: FieldViolation[] = [];
  if (!(returnReasons as readonly string[]).includes(reason))
    violations.push({ field: 'reason', problem: `must be one of ${returnReasons.join(', ')}` });
  checkText(violations, 'note', note, textLimits.note);
  if (violations.length) throw validationFailed(violations);
  const returned = { reason: reason as ReturnReason, note: note.trim() };
  return transition(message, ctx, { returned }, recorded(message, 'return', 'returned', ctx, returned.note, { data: { reason } }));
}

/** The message goes to `target` (转办, or a dispute answered by forwarding it). */
function forward(
  message: FeedbackMessage,
  ctx: StepContext,
  target: Organization,
  note: string,
  action: 'assign' | 'reassign',
): Transition {
  const trimmed = optionalText('note', note, textLimits.note);
  const assignment = {
    organizationId: target.id,
    organizationName: target.name,
    path: target.path,
    at: ctx.now.toISOString(),
    by: ctx.actor.userId,
    byPath: ctx.actor.path,
  };
  return transition(
    message,
    ctx,
    { assignment, disputeReason: '' },
    recorded(message, action, 'assigned', ctx, trimmed, {
      organization: { id: target.id, name: target.name },
      data: { organizationId: target.id },
    }),
  );
}

/** 转办 to another organisation (the use case checks it lies in the assigner's scope). */
export function assign(message: FeedbackMessage, ctx: StepContext, target: Organization, note: string): Transition {
  expectStatus(message, 'assign', ['accepted', 'assigned']);
  if (target.id === handlingOrganization(message).id) {
    throw failedPrecondition('FEEDBACK_ALREADY_HANDLING', `${target.name} is already handling this message`, { organizationId: target.id });
  }
  return forward(message, ctx, target, note, 'assign');
}

/** 派单异议: the assignee says the assignment is wrong, within the window after it was made. */
export function dispute(message: FeedbackMessage, ctx: StepContext, reason: string): Transition {
  expectStatus(message, 'dispute', ['assigned']);
  const assignment = message.assignment!;
  const closes = new Date(Date.parse(assignment.at) + ctx.policy.disputeHours * 3_600_000);
  if (ctx.now >= closes) {
    throw failedPrecondition(
      'FEEDBACK_DISPUTE_WINDOW',
      `an assignment can be disputed within ${ctx.policy.disputeHours} hours; this one was made at ${assignment.at}`,
      { assignedAt: assignment.at, closedAt: closes.toISOString() },
    );
  }
  const trimmed = requireText('reason', reason, textLimits.note);
  return transition(message, ctx, { disputeReason: trimmed }, recorded(message, 'dispute', 'disputed', ctx, trimmed));
}

/** The assigner answers a dispute: the assignment stands (with a reason), or goes to `target`. */
export function answerDispute(message: FeedbackMessage, ctx: StepContext, target: Organization | undefined, note: string): Transition {
  expectStatus(message, target ? 'reassign' : 'uphold', ['disputed']);
  if (!target) {
    const trimmed = requireText('note', note, textLimits.note);
    return transition(message, ctx, { disputeReason: '' }, recorded(message, 'uphold', 'assigned', ctx, trimmed));
  }
  if (target.id === message.assignment!.organizationId) {
    throw failedPrecondition('FEEDBACK_ALREADY_HANDLING', `${target.name} disputed this assignment; forward it elsewhere or uphold it`, {
      organizationId: target.id,
    });
  }
  return forward(message, ctx, target, note, 'reassign');
}

/** 答复: published at once; the writer then has the rating window to rate it. */
export function reply(message: FeedbackMessage, ctx: StepContext, body: string): Transition {
  expectStatus(message, 'reply', ['accepted', 'assigned']);
  const text = requireText('body', body, textLimits.reply);
  const at = ctx.now.toISOString();
  const handler = handlingOrganization(message);
  const answer = {
    body: text,
    organizationId: handler.id,
    organizationName: handler.name,
    at,
    by: ctx.actor.userId,
    onTime: metDeadline(message.handling!, at),
    workingDays: ctx.calendar.workingDaysBetween(message.submittedOn, provinceDate(ctx.now)),
  };
  const ratingWindow = deadlineOrPending(ctx.calendar, 'rating', ctx.now, ctx.policy.ratingWindowDays);
  return transition(
    message,
    ctx,
    { reply: answer, ratingWindow },
    recorded(message, 'reply', 'replied', ctx, '', {
      organization: { id: handler.id, name: handler.name },
      data: { onTime: answer.onTime, workingDays: answer.workingDays },
    }),
  );
}

/** 延期: once, before the deadline passes, with a reason shown publicly; never beyond the maximum. */
export function extend(message: FeedbackMessage, ctx: StepContext, days: number, reason: string): Transition {
  expectStatus(message, 'extend', ['accepted', 'assigned', 'disputed']);
  const handling = message.handling!;
  if (message.extension) {
    throw failedPrecondition(
      'FEEDBACK_EXTENSION_USED',
      `this message was extended already on ${message.extension.at}; a message is extended once`,
      { extendedAt: message.extension.at },
    );
  }
  if (ctx.now.toISOString() >= handling.dueAt) {
    throw failedPrecondition(
      'FEEDBACK_EXTENSION_TOO_LATE',
      `the deadline passed at the end of ${handling.dueOn}; an extension is asked for before it`,
      { dueOn: handling.dueOn },
    );
  }
  assertExtensionDays(ctx.policy, message.type, days);
  const trimmed = requireText('reason', reason, textLimits.note);
  const extended = deadlineOf(ctx.calendar, 'handling', new Date(handling.startedAt), handling.days + days, ctx.policy.warnShare);
  // A warning already sent stands unless the new deadline's warning is still to come.
  const warnedAt = extended.warnAt > ctx.now.toISOString() ? '' : handling.warnedAt;
  return transition(
    message,
    ctx,
    { handling: { ...extended, warnedAt }, extension: { days, reason: trimmed, at: ctx.now.toISOString(), by: ctx.actor.userId } },
    recorded(message, 'extend', message.status, ctx, trimmed, { data: { days, dueOn: extended.dueOn } }),
  );
}

const mergeable: readonly MessageStatus[] = ['held', 'submitted', 'accepted', 'assigned', 'disputed'];

/** 并单: the message joins `into`'s thread, whose reply answers its writer too. */
export function merge(message: FeedbackMessage, ctx: StepContext, into: FeedbackMessage, note: string): Transition {
  expectStatus(message, 'merge', mergeable);
  if (into.id === message.id) throw validationFailed([{ field: 'intoMessageId', problem: 'a message cannot be merged into itself' }]);
  if (into.status === 'merged') {
    throw failedPrecondition('FEEDBACK_MERGE_TARGET', `message ${into.id} is itself merged into ${into.mergedInto}; merge into that one`, {
      mergedInto: into.mergedInto,
    });
  }
  if (into.status === 'returned' || into.status === 'held') {
    throw failedPrecondition('FEEDBACK_MERGE_TARGET', `message ${into.id} is ${into.status}; merge into a message that is being handled`, {
      status: into.status,
    });
  }
  const trimmed = optionalText('note', note, textLimits.note);
  return transition(message, ctx, { mergedInto: into.id }, recorded(message, 'merge', 'merged', ctx, trimmed, { data: { into: into.id } }));
}

export interface RatingInput {
  attitude: number;
  speed: number;
  overall: string;
  comment: string;
}

function validRating(input: RatingInput, at: string): Rating {
  const violations: FieldViolation[] = [];
  for (const field of ['attitude', 'speed'] as const) {
    if (!Number.isInteger(input[field]) || input[field] < 1 || input[field] > 5)
      violations.push({ field, problem: 'must be 1 to 5 stars' });
  }
  if (!(satisfactionLevels as readonly string[]).includes(input.overall))
    violations.push({ field: 'overall', problem: `must be one of ${satisfactionLevels.join(', ')}` });
  checkText(violations, 'comment', input.comment, textLimits.comment, false);
  if (violations.length) throw validationFailed(violations);
  return { attitude: input.attitude, speed: input.speed, overall: input.overall as Rating['overall'], comment: input.comment.trim(), at };
}

/** The writer rates the reply; the message closes (办结). An unsatisfied rating opens a rectification 差评整改. */
export function rate(message: FeedbackMessage, ctx: StepContext, input: RatingInput): Transition {
  if (message.rating)
    throw failedPrecondition('FEEDBACK_ALREADY_RATED', `this reply was rated on ${message.rating.at}; a reply is rated once`, {
      ratedAt: message.rating.at,
    });
  expectStatus(message, 'rate', ['replied']);
  const at = ctx.now.toISOString();
  const rating = validRating(input, at);
  const rectification = isUnsatisfied(rating.overall)
    ? {
        deadline: deadlineOrPending(ctx.calendar, 'rectification', ctx.now, ctx.policy.rectificationDays),
        note: '',
        rectifiedAt: '',
        revisit: null,
      }
    : null;
  return transition(
    message,
    ctx,
    { rating, closedAt: at, rectification },
    recorded(message, 'rate', 'closed', ctx, '', {
      data: {
        attitude: rating.attitude,
        speed: rating.speed,
        overall: rating.overall,
        ...(rectification ? { rectificationDueOn: rectification.deadline.dueOn } : {}),
      },
    }),
  );
}

/** The rating window passed without a rating: the message closes (办结) all the same. */
export function closeUnrated(message: FeedbackMessage, ctx: StepContext): Transition {
  expectStatus(message, 'close', ['replied']);
  return transition(
    message,
    ctx,
    { closedAt: ctx.now.toISOString() },
    recorded(message, 'close', 'closed', ctx, 'no rating within the rating window'),
  );
}

/** What was done about an unsatisfied rating (整改). */
export function rectify(message: FeedbackMessage, ctx: StepContext, note: string): Transition {
  const rectification = message.rectification;
  if (!rectification) throw failedPrecondition('FEEDBACK_NO_RECTIFICATION', 'only an unsatisfied rating opens a rectification', {});
  if (rectification.rectifiedAt)
    throw failedPrecondition('FEEDBACK_ALREADY_RECTIFIED', `the rectification was recorded on ${rectification.rectifiedAt}`, {});
  const trimmed = requireText('note', note, textLimits.note);
  return transition(
    message,
    ctx,
    { rectification: { ...rectification, note: trimmed, rectifiedAt: ctx.now.toISOString() } },
    recorded(message, 'rectify', message.status, ctx, trimmed, {
      data: { onTime: metDeadline(rectification.deadline, ctx.now.toISOString()) },
    }),
  );
}

/** 回访: the writer is asked whether the rectification fixed it. */
export function revisit(message: FeedbackMessage, ctx: StepContext, result: string, note: string): Transition {
  const rectification = message.rectification;
  if (!rectification)
    throw failedPrecondition('FEEDBACK_NO_RECTIFICATION', 'only an unsatisfied rating opens a rectification to revisit', {});
  if (!rectification.rectifiedAt) throw failedPrecondition('FEEDBACK_NOT_RECTIFIED', 'record the rectification before the revisit', {});
  if (rectification.revisit)
    throw failedPrecondition('FEEDBACK_ALREADY_REVISITED', `the revisit was recorded on ${rectification.revisit.at}`, {});
  const violations: FieldViolation[] = [];
  if (!(revisitResults as readonly string[]).includes(result))
    violations.push({ field: 'result', problem: `must be one of ${revisitResults.join(', ')}` });
  checkText(violations, 'note', note, textLimits.note);
  if (violations.length) throw validationFailed(violations);
  const done = { result: result as RevisitResult, note: note.trim(), at: ctx.now.toISOString(), by: ctx.actor.userId };
  return transition(
    message,
    ctx,
    { rectification: { ...rectification, revisit: done } },
    recorded(message, 'revisit', message.status, ctx, done.note, { data: { result } }),
  );
}
