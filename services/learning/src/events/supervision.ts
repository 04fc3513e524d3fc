/**
 * The discipline record of the cadre portrait: decided cases (supervision service) naming a
 * member, with each sanction's influence period as supervision computed it. Learning keeps its
 * own copy from the event and never reads supervision's database.
 */
import type { EventEnvelope } from '@repo/bus';
import type { ConsumerSpec } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { InfluenceCopy, PortraitRepository } from '../store/portraits';

export const supervisionEventTypes = { caseDecided: 'supervision.case.decided' } as const;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];

function influenceOf(value: unknown): InfluenceCopy[] {
  return records(value).map((p) => ({
    sanction: text(p.sanction),
    kind: text(p.kind),
    name: text(p.name),
    from: text(p.from),
    until: text(p.until),
    effect: text(p.effect),
  }));
}

export function supervisionConsumer(portraits: PortraitRepository, logger: Logger): ConsumerSpec {
  return {
    domain: 'supervision',
    durable: 'learning-discipline',
    filterType: supervisionEventTypes.caseDecided,
    handler: async (event: EventEnvelope) => {
      const data = (event.data ?? {}) as Record<string, unknown>;
      const persons = records(data.persons).filter((p) => text(p.memberId));
      if (persons.length === 0) return logger.debug({ eventId: event.id }, 'decided case names no member of the platform');
      for (const person of persons) {
        const decision = (typeof person.decision === 'object' && person.decision ? person.decision : {}) as Record<string, unknown>;
        await portraits.recordDiscipline({
          caseId: event.subjectId,
          memberId: text(person.memberId),
          number: text(data.number),
          category: text(data.category),
          decidedAt: text(data.decidedAt),
          treatment: text(decision.treatment),
          partySanction: text(decision.partySanction),
          governmentSanction: text(decision.governmentSanction),
          influence: influenceOf(person.influence),
        });
      }
    },
  };
}
