/**
 * Supervision of deadlines 督办: when a share of a deadline's working time has passed, the
 * responsible organisation's parent is told; when it passes, the message is marked overdue and
 * escalated to that parent. Replies wait for the writer's rating until the rating window ends,
 * then close. Each of these happens once: a message records when it happened, and a later check
 * finds nothing left to do. Pure: the ticker job does the I/O.
 */
import { retryPending, type Deadline, type DeadlineStage } from './deadlines';
import { awaitingAcceptance, handlingOrganization, inHandling, type FeedbackMessage } from './message';
import { idOfPath, parentPathOf } from './organizations';
import { closeUnrated, systemActor, type RecordedStep, type StepContext, type Transition } from './workflow';

/** How often a deadline the calendar cannot compute yet is tried again. */
export const pendingRetryMs = 6 * 3_600_000;

interface Watched {
  deadline: Deadline;
  /** Whether the share warning applies (not to rating windows or rectifications). */
  warns: boolean;
}

/** The deadlines a message's status still runs. */
function watched(message: FeedbackMessage): Watched[] {
  const list: Watched[] = [];
  if (awaitingAcceptance.includes(message.status)) list.push({ deadline: message.acceptance, warns: true });
  if (inHandling.includes(message.status) && message.handling) list.push({ deadline: message.handling, warns: true });
  if (message.status === 'replied' && message.ratingWindow) list.push({ deadline: message.ratingWindow, warns: false });
  if (message.rectification && !message.rectification.rectifiedAt) list.push({ deadline: message.rectification.deadline, warns: false });
  return list;
}

/**
 * When the message next needs looking at ('' when never): its earliest warning or deadline not
 * yet acted on, or the next try of a pending one. Never before `now`, so the ticker, which
 * reads the hours it has not finished, always finds it.
 */
export function nextCheckAt(message: FeedbackMessage, now: Date): string {
  const times: string[] = [];
  for (const { deadline, warns } of watched(message)) {
    if (!deadline.dueOn) times.push(new Date(now.getTime() + pendingRetryMs).toISOString());
    else {
      if (warns && deadline.warnAt && !deadline.warnedAt && !deadline.overdueAt) times.push(deadline.warnAt);
      if (!deadline.overdueAt) times.push(deadline.dueAt);
    }
  }
  if (times.length === 0) return '';
  const earliest = times.sort()[0]!;
  return earliest < now.toISOString() ? now.toISOString() : earliest;
}

/** Who answers for a stage: the recipient before acceptance, the handling organisation after. */
function responsible(message: FeedbackMessage, stage: DeadlineStage): { id: string; path: string } {
  if (stage === 'acceptance') return { id: message.recipient.organizationId, path: message.orgPath };
  const handler = handlingOrganization(message);
  return { id: handler.id, path: handler.path };
}

function escalation(message: FeedbackMessage, deadline: Deadline, action: 'warn' | 'overdue', ctx: StepContext): RecordedStep {
  const who = responsible(message, deadline.stage);
  const parent = parentPathOf(who.path);
  const parentId = parent ? idOfPath(parent) : '';
  const note =
    action === 'warn'
      ? `${Math.round(ctx.policy.warnShare * 100)} % of the ${deadline.stage} deadline (${deadline.dueOn}) has passed`
      : `the ${deadline.stage} deadline (${deadline.dueOn}) passed`;
  return {
    step: {
      action,
      from: message.status,
      to: message.status,
      actor: systemActor.userId,
      at: ctx.now.toISOString(),
      note,
      organizationId: parentId,
      organizationName: '',
    },
    // The parent is told: the event belongs to its node (the top of the tree tells itself).
    orgPath: parent ?? who.path,
    data: { stage: deadline.stage, organizationId: who.id, parentOrganizationId: parentId, dueOn: deadline.dueOn, note },
  };
}

function withDeadline(message: FeedbackMessage, stage: DeadlineStage, deadline: Deadline): FeedbackMessage {
  if (stage === 'acceptance') return { ...message, acceptance: deadline };
  if (stage === 'handling') return { ...message, handling: deadline };
  if (stage === 'rating') return { ...message, ratingWindow: deadline };
  return { ...message, rectification: { ...message.rectification!, deadline } };
}

/**
 * Everything due at `ctx.now`: pending deadlines computed, warnings, overdue marks, an unrated
 * reply closed. Undefined when nothing is due.
 */
export function dueChecks(message: FeedbackMessage, ctx: StepContext): Transition | undefined {
  const now = ctx.now.toISOString();
  let next = message;
  const recorded: RecordedStep[] = [];
  let changed = false;
  for (const { deadline: original, warns } of watched(message)) {
    const share = warns ? ctx.policy.warnShare : undefined;
    let deadline = retryPending(ctx.calendar, original, share);
    if (deadline !== original) changed = deadline.dueOn !== '' || changed;
    if (!deadline.dueOn) continue;
    if (deadline.stage === 'rating') {
      if (deadline.dueAt <= now) {
        const closed = closeUnrated(withDeadline(next, 'rating', deadline), { ...ctx, actor: systemActor });
        next = closed.next;
        recorded.push(...closed.recorded);
      } else next = withDeadline(next, 'rating', deadline);
      continue;
    }
    if (warns && deadline.warnAt && deadline.warnAt <= now && !deadline.warnedAt && !deadline.overdueAt) {
      recorded.push(escalation(next, deadline, 'warn', ctx));
      deadline = { ...deadline, warnedAt: now };
    }
    if (deadline.dueAt <= now && !deadline.overdueAt) {
      recorded.push(escalation(next, deadline, 'overdue', ctx));
      deadline = { ...deadline, overdueAt: now };
    }
    next = withDeadline(next, deadline.stage, deadline);
  }
  if (recorded.length === 0 && !changed) return undefined;
  return { next: { ...next, history: [...message.history, ...recorded.map((r) => r.step)], updatedAt: now }, recorded };
}
