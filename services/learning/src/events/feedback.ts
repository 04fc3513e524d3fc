/**
 * The messages (feedback service, 网上群众路线) each user replied to or closed, for the cadre
 * portrait: counted per user and year from the feedback service's events, whose actor is the
 * user who took the step.
 */
import type { EventEnvelope } from '@repo/bus';
import { provinceDate } from '@repo/calendar';
import type { ConsumerSpec } from '@repo/kit';
import type { PortraitRepository } from '../store/portraits';

export const feedbackEventTypes = {
  replied: 'feedback.message.replied',
  closed: 'feedback.message.closed',
} as const;

export function feedbackConsumer(portraits: PortraitRepository): ConsumerSpec {
  return {
    domain: 'feedback',
    durable: 'learning-messages-handled',
    filterType: 'feedback.message.>',
    handler: async (event: EventEnvelope) => {
      const what = event.type === feedbackEventTypes.replied ? 'replied' : event.type === feedbackEventTypes.closed ? 'closed' : undefined;
      if (!what || !event.actor || event.actor === 'system') return;
      const year = Number(provinceDate(new Date(event.occurredAt)).slice(0, 4));
      await portraits.recordHandled(event.actor, year, event.id, what);
    },
  };
}
