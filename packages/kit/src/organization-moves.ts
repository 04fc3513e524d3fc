/** Following the member service's subtree moves: the consumer every service with paths gets. */
import type { EventEnvelope } from '@repo/bus';
import type { Logger } from '@repo/logging';
import type { ConsumerSpec } from './modules';
import { organizationMovedEvent, rewriteOrgPaths, type OrganizationMoved, type PathHolder } from './organization-paths';

/**
 * The durable consumer that keeps a service's paths in step with the tree: on every subtree
 * move, each holder's paths under the old path move under the new one. One event at a time and
 * in order, so two moves of one subtree apply in the order they happened.
 */
export function organizationMoveFollower(service: string, holders: readonly PathHolder[], logger: Logger): ConsumerSpec {
  return {
    domain: 'member',
    durable: `${service}-organization-moves`,
    filterType: organizationMovedEvent,
    maxAckPending: 1,
    handler: async (event: EventEnvelope) => {
      const { from, to } = event.data as Partial<OrganizationMoved>;
      if (typeof from !== 'string' || typeof to !== 'string') {
        logger.warn({ eventId: event.id }, 'organisation move without from/to paths; ignored');
        return;
      }
      for (const holder of holders) {
        const changed = await rewriteOrgPaths(holder, from, to, event.actor);
        if (changed) logger.info({ collection: holder.name, from, to, changed }, 'organisation paths followed a move');
      }
    },
  };
}
