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
