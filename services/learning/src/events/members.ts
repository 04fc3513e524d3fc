/**
 * What learning takes from the member service's events: its learners (organisation and stage,
 * and the account each signs in with),
 * the organisation tree's names and paths, the meetings each organisation held, and the
 * history the cadre portrait shows. Handlers are idempotent; the kit skips repeated events.
 */
import type { EventEnvelope } from '@repo/bus';
import { provinceDate } from '@repo/calendar';
import type { ConsumerSpec } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { LearnerUseCases } from '../learners/use-cases';
import type { OrganizationCopies } from '../store/organizations';
import type { PortraitRepository } from '../store/portraits';

/** The member service's event types learning follows (its catalogue: services/member/src/events). */
export const memberEventTypes = {
  created: 'member.member.created',
  imported: 'member.member.imported',
  stageChanged: 'member.member.stageChanged',
  transferred: 'member.member.transferred',
  pathChanged: 'member.member.pathChanged',
  organizationCreated: 'member.organization.created',
  organizationUpdated: 'member.organization.updated',
  organizationMoved: 'member.organization.moved',
  organizationDeleted: 'member.organization.deleted',
  meetingRecorded: 'member.meeting.recorded',
  userCreated: 'member.user.created',
  userUpdated: 'member.user.updated',
} as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function memberConsumers(
  learners: LearnerUseCases,
  organizations: OrganizationCopies,
  portraits: PortraitRepository,
  logger: Logger,
): ConsumerSpec[] {
  const members = async (event: EventEnvelope) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const memberId = event.subjectId;
    const day = text(data.date) ?? provinceDate(new Date(event.occurredAt));
    switch (event.type) {
      case memberEventTypes.created:
      case memberEventTypes.imported: {
        const organizationId = text(data.organizationId) ?? '';
        const stage = text(data.stage) ?? '';
        await learners.memberFacts(memberId, { orgPath: event.orgPath, organizationId, stage }, event.occurredAt);
        await portraits.record(memberId, event.orgPath, event.id, {
          organization: { date: day, organizationId, orgPath: event.orgPath },
          stage: { date: day, stage },
        });
        return;
      }
      case memberEventTypes.stageChanged: {
        const stage = text(data.to);
        if (!stage) return logger.warn({ eventId: event.id }, 'stage change without a stage; ignored');
        await learners.memberFacts(memberId, { orgPath: event.orgPath, stage }, event.occurredAt);
        await portraits.record(memberId, event.orgPath, event.id, { stage: { date: day, stage } });
        return;
      }
      case memberEventTypes.transferred: {
        const organizationId = text(data.toOrganizationId) ?? '';
        const orgPath = text(data.to) ?? event.orgPath;
        await learners.memberFacts(memberId, { orgPath, organizationId }, event.occurredAt);
        await portraits.record(memberId, orgPath, event.id, { organization: { date: day, organizationId, orgPath } });
        return;
      }
      case memberEventTypes.pathChanged: {
        const orgPath = text(data.to) ?? event.orgPath;
        await learners.memberFacts(memberId, { orgPath }, event.occurredAt);
        return;
      }
      default:
        return;
    }
  };

  const tree = async (event: EventEnvelope) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    switch (event.type) {
      case memberEventTypes.organizationCreated:
        return organizations.upsert(event.subjectId, { path: event.orgPath, name: text(data.name) ?? '', deleted: false });
      case memberEventTypes.organizationUpdated:
        return organizations.upsert(event.subjectId, { path: event.orgPath, ...(text(data.name) ? { name: text(data.name) } : {}) });
      case memberEventTypes.organizationMoved: {
        const from = text(data.from);
        const to = text(data.to);
        if (from && to) await organizations.move(from, to);
        return;
      }
      case memberEventTypes.organizationDeleted:
        return organizations.upsert(event.subjectId, { deleted: true });
      default:
        return;
    }
  };

  // The account a member signs in with: the member service links users to members.
  const users = async (event: EventEnvelope) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const memberId = text(data.memberId);
    if (event.type !== memberEventTypes.userCreated && event.type !== memberEventTypes.userUpdated) return;
    if (memberId === undefined) return;
    const before = text(data.memberIdBefore);
    if (before && before !== memberId) await learners.userLinked(before, event.subjectId, false, event.occurredAt);
    if (memberId) await learners.userLinked(memberId, event.subjectId, true, event.occurredAt);
  };

  const meetings = async (event: EventEnvelope) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const organizationId = text(data.organizationId);
    const type = text(data.type);
    const date = text(data.date);
    if (!organizationId || !type || !date) return logger.warn({ eventId: event.id }, 'meeting without organisation, type or date; ignored');
    await portraits.recordMeeting(event.subjectId, { organizationId, type, date });
  };

  return [
    // One at a time and in order: a member's events build their history.
    { domain: 'member', durable: 'learning-members', filterType: 'member.member.>', handler: members, maxAckPending: 1 },
    { domain: 'member', durable: 'learning-organizations', filterType: 'member.organization.>', handler: tree, maxAckPending: 1 },
    { domain: 'member', durable: 'learning-meetings', filterType: memberEventTypes.meetingRecorded, handler: meetings },
    { domain: 'member', durable: 'learning-users', filterType: 'member.user.>', handler: users, maxAckPending: 1 },
  ];
}
