import { randomUUID } from 'node:crypto';

/**
 * The one envelope every event travels in. `id` is also the JetStream Nats-Msg-Id, so a
 * re-published event is dropped by the stream's duplicate window, and consumers use it to
 * ignore a redelivery they already processed.
 */
export interface EventEnvelope<T = unknown> {
  id: string;
  /** `<domain>.<aggregate>.<fact>`, e.g. content.document.published. */
  type: string;
  occurredAt: string;
  /** User id of whoever caused it; "system" for jobs. */
  actor: string;
  /** Organisation path the fact belongs to (for scope and audit queries). */
  orgPath: string;
  /** Id of the aggregate the fact is about. */
  subjectId: string;
  data: T;
}

export function createEvent<T>(fields: Omit<EventEnvelope<T>, 'id' | 'occurredAt'> & { occurredAt?: string }): EventEnvelope<T> {
  return { id: randomUUID(), occurredAt: new Date().toISOString(), ...fields };
}

/** Domain of an event type: the first segment (content.document.published -> content). */
export function domainOf(type: string): string {
  const domain = type.split('.')[0];
  if (!domain) throw new Error(`event type "${type}" has no domain`);
  return domain;
}

export function isEnvelope(value: unknown): value is EventEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.type === 'string' && typeof v.occurredAt === 'string' && typeof v.subjectId === 'string';
}
