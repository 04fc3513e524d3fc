/**
 * Every event this service publishes, by aggregate: `supervision.<aggregate>.<fact>`. The audit
 * log takes these in like every other service's (its own reads and exports included).
 */

export const auditEvents = {
  read: 'supervision.audit.read',
  exported: 'supervision.audit.exported',
} as const;

export const witnessEvents = {
  refused: 'supervision.witness.refused',
} as const;

export const caseEvents = {
  recorded: 'supervision.case.recorded',
  decided: 'supervision.case.decided',
} as const;

export const noticeEvents = {
  drafted: 'supervision.notice.drafted',
  refreshed: 'supervision.notice.refreshed',
  reviewed: 'supervision.notice.reviewed',
  published: 'supervision.notice.published',
} as const;

export const warningEvents = {
  raised: 'supervision.warning.raised',
  assigned: 'supervision.warning.assigned',
  acknowledged: 'supervision.warning.acknowledged',
  closed: 'supervision.warning.closed',
} as const;

export const powerEvents = {
  drafted: 'supervision.powerItem.drafted',
  updated: 'supervision.powerItem.updated',
  published: 'supervision.powerItem.published',
  executionStarted: 'supervision.powerExecution.started',
  stepRecorded: 'supervision.powerExecution.stepRecorded',
} as const;
