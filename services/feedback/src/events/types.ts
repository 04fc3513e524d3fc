/**
 * Every event this service publishes, one catalogue for the consumers in other services
 * (supervision builds its audit trail and its warnings from them). Types are
 * `feedback.<aggregate>.<fact>`; every step of a message's workflow is one event, and no event
 * carries a contact detail or the writer's identity.
 */
import type { StepAction } from '../domain/message';

export const messageEvents = {
  submit: 'feedback.message.submitted',
  hold: 'feedback.message.held',
  release: 'feedback.message.released',
  accept: 'feedback.message.accepted',
  return: 'feedback.message.returned',
  assign: 'feedback.message.assigned',
  dispute: 'feedback.message.disputed',
  uphold: 'feedback.message.assignmentUpheld',
  reassign: 'feedback.message.reassigned',
  reply: 'feedback.message.replied',
  extend: 'feedback.message.extended',
  merge: 'feedback.message.merged',
  rate: 'feedback.message.rated',
  close: 'feedback.message.closed',
  // 督办: data.stage, data.organizationId (responsible), data.parentOrganizationId (told); the
  // event's orgPath is the parent's.
  warn: 'feedback.message.warned',
  overdue: 'feedback.message.overdue',
  rectify: 'feedback.message.rectified',
  revisit: 'feedback.message.revisited',
} as const satisfies Record<StepAction, string>;

/** A message's paths rewritten after its organisation moved (the search index follows). */
export const messageMovedEvent = 'feedback.message.moved';

export const leaderPostEvents = {
  created: 'feedback.leaderPost.created',
  retired: 'feedback.leaderPost.retired',
} as const;
