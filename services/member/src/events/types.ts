import type { TransferStep } from '../domain/transfer';

/**
 * Every event this service publishes (through the outboxes of its collections), by aggregate:
 * one catalogue for the consumers in other services (supervision builds its audit trail from
 * them). Types are `member.<aggregate>.<fact>`.
 */

export const userEvents = {
  created: 'member.user.created',
  loggedIn: 'member.user.loggedIn',
  loginFailed: 'member.user.loginFailed',
  locked: 'member.user.locked',
  unlocked: 'member.user.unlocked',
  loggedOut: 'member.user.loggedOut',
  updated: 'member.user.updated',
  disabled: 'member.user.disabled',
  enabled: 'member.user.enabled',
  passwordChanged: 'member.user.passwordChanged',
} as const;

export const memberEvents = {
  created: 'member.member.created',
  updated: 'member.member.updated',
  stageChanged: 'member.member.stageChanged',
  nationalIdRevealed: 'member.member.nationalIdRevealed',
  imported: 'member.member.imported',
  transferred: 'member.member.transferred',
  pathChanged: 'member.member.pathChanged',
} as const;

export const duesEvents = {
  billed: 'member.dues.billed',
  paid: 'member.dues.paid',
  arrearsWarning: 'member.dues.arrearsWarning',
} as const;

export const meetingEvents = {
  recorded: 'member.meeting.recorded',
  behindSchedule: 'member.meeting.behindSchedule',
} as const;

export const organizationEvents = {
  created: 'member.organization.created',
  updated: 'member.organization.updated',
  moved: 'member.organization.moved',
  pathChanged: 'member.organization.pathChanged',
  deleted: 'member.organization.deleted',
} as const;

export const transferEvents = {
  initiate: 'member.transfer.initiated',
  approve: 'member.transfer.approved',
  receive: 'member.transfer.received',
  complete: 'member.transfer.completed',
  reject: 'member.transfer.rejected',
  expire: 'member.transfer.expired',
} as const satisfies Record<TransferStep['action'], string>;
