/**
 * What learning takes from the member service's events: its learners (organisation and stage,
 * and the account each signs in with),
 * the organisation tree's names and paths, the meetings each organisation held, and the
 * history the cadre portrait shows. Handlers are idempotent: the one-at-a-time ones by the kit's
 * record of processed events, the batched ones (members, accounts) by each event's stream sequence.
 */
import type { DeliveredEvent, EventEnvelope } from '@repo/bus';
import { provinceDate } from '@repo/calendar';
import type { ConsumerSpec } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { LearnerUseCases, MemberEventFacts } from '../learners/use-cases';
import type { UserLinkChange } from '../store/learners';
import type { OrganizationCopies } from '../store/organizations';
import type { PortraitItem, PortraitRepository } from '../store/portraits';

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
  /** What one member event says: the learner's facts and what it adds to the portrait's history. */
  const memberFacts = (event: EventEnvelope): { facts: MemberEventFacts['facts']; history?: PortraitItem } | undefined => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const memberId = event.subjectId;
    const day = text(data.date) ?? provinceDate(new Date(event.occurredAt));
    const item = { memberId, eventId: event.id };
    switch (event.type) {
      case memberEventTypes.created:
      case memberEventTypes.imported: {
        const organizationId = text(data.organizationId) ?? '';
        const stage = text(data.stage) ?? '';
        return {
          facts: { orgPath: event.orgPath, organizationId, stage },
          history: {
            ...item,
            orgPath: event.orgPath,
            organization: { date: day, organizationId, orgPath: event.orgPath },
            stage: { date: day, stage },
          },
        };
      }
      case memberEventTypes.stageChanged: {
        const stage = text(data.to);
        if (!stage) {
          logger.warn({ eventId: event.id }, 'stage change without a stage; ignored');
          return undefined;
        }
        return { facts: { orgPath: event.orgPath, stage }, history: { ...item, orgPath: event.orgPath, stage: { date: day, stage } } };
      }
      case memberEventTypes.transferred: {
        const organizationId = text(data.toOrganizationId) ?? '';
        const orgPath = text(data.to) ?? event.orgPath;
        return { facts: { orgPath, organizationId }, history: { ...item, orgPath, organization: { date: day, organizationId, orgPath } } };
      }
      case memberEventTypes.pathChanged:
        return { facts: { orgPath: text(data.to) ?? event.orgPath } };
      default:
        return undefined;
    }
  };

  // A batch of member events: each member's in stream order. The portrait's history goes last:
  // the portrait shows the learner's stage and organisation, so once its history holds an event
  // the learner holds it too (as when one event was handled at a time). Its events are kept by
  // id, so a batch that fails after the learners is recorded in full when it comes again.
  const members = async (delivered: DeliveredEvent[]) => {
    const changes = new Map<string, MemberEventFacts[]>();
    const history: PortraitItem[] = [];
    for (const { event, seq } of delivered) {
      const said = memberFacts(event);
      if (!said) continue;
      const change = { seq, eventId: event.id, occurredAt: event.occurredAt, facts: said.facts };
      changes.set(event.subjectId, [...(changes.get(event.subjectId) ?? []), change]);
      if (said.history) history.push(said.history);
    }
    await learners.membersChanged(changes);
    await portraits.recordMany(history);
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
  const users = async (delivered: DeliveredEvent[]) => {
    const changes: UserLinkChange[] = [];
    for (const { event, seq } of delivered) {
      if (event.type !== memberEventTypes.userCreated && event.type !== memberEventTypes.userUpdated) continue;
      const data = (event.data ?? {}) as Record<string, unknown>;
      const memberId = text(data.memberId);
      if (memberId === undefined) continue;
      const before = text(data.memberIdBefore);
      const at = event.occurredAt;
      const eventId = event.id;
      if (before && before !== memberId) changes.push({ memberId: before, userId: event.subjectId, linked: false, at, seq, eventId });
      if (memberId) changes.push({ memberId, userId: event.subjectId, linked: true, at, seq, eventId });
    }
    await learners.usersLinked(changes);
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
    // In batches: a member's events are kept in order by their stream sequence (see membersChanged).
    { domain: 'member', durable: 'learning-members', filterType: 'member.member.>', batchHandler: members },
    { domain: 'member', durable: 'learning-organizations', filterType: 'member.organization.>', handler: tree, maxAckPending: 1 },
    { domain: 'member', durable: 'learning-meetings', filterType: memberEventTypes.meetingRecorded, handler: meetings },
    { domain: 'member', durable: 'learning-users', filterType: 'member.user.>', batchHandler: users },
  ];
}
