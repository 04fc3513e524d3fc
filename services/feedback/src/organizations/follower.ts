/**
 * Keeps this service's copy of the organisation tree from the member service's events, and moves
 * what this service holds under a subtree when the subtree moves. One event at a time and in
 * stream order (a node's creation before its renaming, two moves in the order they happened);
 * every change sets values taken from the event, so a redelivery changes nothing more.
 */
import type { EventEnvelope } from '@repo/bus';
import type { ConsumerSpec } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { LeaderPostRepository } from '../store/leader-posts';
import type { MessageRepository } from '../store/messages';
import { OrganizationDirectory } from '../store/organizations';
import type { StatisticsStore } from '../store/statistics';

export const organizationsDurable = 'feedback-organizations';

interface Dependencies {
  organizations: OrganizationDirectory;
  messages: MessageRepository;
  posts: LeaderPostRepository;
  statistics: StatisticsStore;
  clock: () => Date;
  logger: Logger;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function organizationFollower(deps: Dependencies): ConsumerSpec {
  const handler = async (event: EventEnvelope) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const id = event.subjectId;
    switch (event.type) {
      case 'member.organization.created': {
        const level = OrganizationDirectory.levelOf(data.kind);
        const name = text(data.name);
        if (!level || !name) {
          deps.logger.warn({ eventId: event.id }, 'organisation created without a name or a known kind; ignored');
          return;
        }
        await deps.organizations.put(id, { name, level, parentId: text(data.parentId) ?? '', path: event.orgPath, deleted: false });
        return;
      }
      case 'member.organization.updated': {
        const name = text(data.name);
        if (!name) return;
        await deps.organizations.put(id, { name });
        await deps.posts.renameOrganization(id, name);
        // Last: it renews the statistics' generation, so kept reports take the posts' new name too.
        await deps.statistics.renameOrganization(id, name);
        return;
      }
      case 'member.organization.moved': {
        const from = text(data.from);
        const to = text(data.to);
        if (!from || !to) return;
        await deps.organizations.put(id, { path: to, parentId: text(data.parentId) ?? '' });
        // Below the node, pathChanged events set each node's path; records here follow the prefix.
        const moved = await deps.messages.followMove(from, to, event.actor, deps.clock());
        await deps.posts.followMove(from, to);
        // Last, as for a renaming: kept reports are made anew after everything moved.
        await deps.statistics.followMove(from, to);
        if (moved) deps.logger.info({ from, to, messages: moved }, 'messages followed an organisation move');
        return;
      }
      case 'member.organization.pathChanged': {
        const to = text(data.to);
        if (to) await deps.organizations.put(id, { path: to });
        return;
      }
      case 'member.organization.deleted':
        await deps.organizations.put(id, { deleted: true });
        return;
    }
  };
  return { domain: 'member', durable: organizationsDurable, filterType: 'member.organization.>', maxAckPending: 1, handler };
}
