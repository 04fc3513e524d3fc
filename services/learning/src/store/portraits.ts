/**
 * The cadre portrait's read model of other services' facts, built from their events (never from
 * their databases): each member's organisations and development stages over time (member.*),
 * the meetings each organisation held (member.meeting.recorded), and the messages each user
 * replied to or closed (feedback.*). Events are applied once each: their ids are kept.
 */
import {
  outboxField,
  outboxPendingField,
  outboxSchemaFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';
import { placedAt, placementSchemaFields, type PathHolder } from '@repo/kit';
import { placedHolder, revisionConflict } from './records';

/** A member's organisation from a date on. */
export interface OrganizationChange {
  date: string;
  organizationId: string;
  orgPath: string;
}

export interface StageChange {
  date: string;
  stage: string;
}

interface PortraitRecord extends OutboxRecord {
  _id: string;
  orgPath: string;
  orgScopes: string[];
  organizations: OrganizationChange[];
  stages: StageChange[];
  applied: string[];
}

const portraitSchema = new Schema(
  {
    _id: { type: String, required: true },
    ...placementSchemaFields,
    organizations: { type: [Schema.Types.Mixed], default: [] },
    stages: { type: [Schema.Types.Mixed], default: [] },
    applied: { type: [String], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'portraits', versionKey: false, strict: 'throw' },
);

export interface MeetingCopy {
  organizationId: string;
  type: string;
  date: string;
}

interface MeetingRecord extends MeetingCopy {
  _id: string;
}

const meetingSchema = new Schema<MeetingRecord>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    type: { type: String, required: true },
    date: { type: String, required: true },
  },
  { collection: 'meetings', versionKey: false, strict: 'throw' },
);
meetingSchema.index({ organizationId: 1 });

interface HandledRecord {
  _id: string;
  userId: string;
  year: number;
  replied: number;
  closed: number;
  applied: string[];
}

const handledSchema = new Schema<HandledRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    year: { type: Number, required: true },
    replied: { type: Number, default: 0 },
    closed: { type: Number, default: 0 },
    applied: { type: [String], default: [] },
  },
  { collection: 'messagesHandled', versionKey: false, strict: 'throw' },
);
handledSchema.index({ userId: 1 });

/** A sanction's influence period, as the supervision service's event gives it. */
export interface InfluenceCopy {
  sanction: string;
  kind: string;
  name: string;
  from: string;
  /** The first day after it; '' when it does not end. */
  until: string;
  effect: string;
}

/** A decided case's part about one member (supervision.case.decided). */
export interface DisciplineCopy {
  caseId: string;
  memberId: string;
  number: string;
  category: string;
  decidedAt: string;
  treatment: string;
  partySanction: string;
  governmentSanction: string;
  influence: InfluenceCopy[];
}

interface DisciplineRecord extends DisciplineCopy {
  _id: string;
}

const disciplineSchema = new Schema(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    memberId: { type: String, required: true },
    number: { type: String, default: '' },
    category: { type: String, default: '' },
    decidedAt: { type: String, default: '' },
    treatment: { type: String, default: '' },
    partySanction: { type: String, default: '' },
    governmentSanction: { type: String, default: '' },
    influence: { type: [Schema.Types.Mixed], default: [] },
  },
  { collection: 'discipline', versionKey: false, strict: 'throw' },
);
disciplineSchema.index({ memberId: 1 });

export interface MemberHistory {
  organizations: OrganizationChange[];
  stages: StageChange[];
}

/** What one member event adds to a member's history (see PortraitRepository.recordMany). */
export interface PortraitItem {
  memberId: string;
  orgPath: string;
  eventId: string;
  organization?: OrganizationChange;
  stage?: StageChange;
}

export const portraitEvents = { read: 'learning.portrait.read' } as const;

export class PortraitRepository {
  readonly store: OutboxStore<PortraitRecord>;
  private readonly meetings: Model<MeetingRecord>;
  private readonly handled: Model<HandledRecord>;
  private readonly discipline: Model<DisciplineRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<PortraitRecord>('Portrait', portraitSchema), {
      conflict: revisionConflict('portrait'),
    });
    this.meetings = connection.model<MeetingRecord>('Meeting', meetingSchema);
    this.handled = connection.model<HandledRecord>('MessagesHandled', handledSchema);
    this.discipline = connection.model<DisciplineRecord>('Discipline', disciplineSchema);
  }

  get organizationPaths(): PathHolder {
    return placedHolder('portraits', this.store as never);
  }

  private async ensure(memberId: string, orgPath: string): Promise<void> {
    try {
      await this.store.insert({ _id: memberId, ...placedAt(orgPath), organizations: [], stages: [], applied: [], revision: 1 }, []);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** Adds what a member event says about the member's history, once per event. */
  async record(
    memberId: string,
    orgPath: string,
    eventId: string,
    change: { organization?: OrganizationChange; stage?: StageChange },
  ): Promise<void> {
    // A member's first event makes their record with it.
    try {
      await this.store.insert(
        {
          _id: memberId,
          ...placedAt(orgPath),
          organizations: change.organization ? [change.organization] : [],
          stages: change.stage ? [change.stage] : [],
          applied: [eventId],
          revision: 1,
        },
        [],
      );
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const push: Record<string, unknown> = { applied: eventId };
    if (change.organization) push.organizations = change.organization;
    if (change.stage) push.stages = change.stage;
    await this.store.tryUpdate(
      { _id: memberId, applied: { $ne: eventId } },
      { $set: placedAt(orgPath), $push: push, $inc: { revision: 1 } },
      [],
      memberId,
    );
  }

  /**
   * `record` for a batch of member events: new members' records inserted at once, the others
   * updated in one bulk write, each event pushed once (guarded by its id). Events of a member
   * come in stream order; the record is placed where the last one says.
   */
  async recordMany(items: readonly PortraitItem[]): Promise<void> {
    if (items.length === 0) return;
    const byMember = new Map<string, PortraitItem[]>();
    for (const item of items) byMember.set(item.memberId, [...(byMember.get(item.memberId) ?? []), item]);
    const existing = new Set(
      (
        await this.store.model
          .find({ _id: { $in: [...byMember.keys()] } }, { _id: 1 })
          .lean<{ _id: string }[]>()
          .exec()
      ).map((r) => r._id),
    );
    const pushes = (list: PortraitItem[]) => list.flatMap((i) => (i.organization ? [i.organization] : []));
    const stages = (list: PortraitItem[]) => list.flatMap((i) => (i.stage ? [i.stage] : []));
    const fresh = [...byMember].filter(([memberId]) => !existing.has(memberId));
    const updates = (memberId: string, list: PortraitItem[]) =>
      list.map((item, i) => ({
        updateOne: {
          filter: { _id: memberId, applied: { $ne: item.eventId } },
          update: {
            ...(i === list.length - 1 ? { $set: placedAt(item.orgPath) } : {}),
            $push: {
              applied: item.eventId,
              ...(item.organization ? { organizations: item.organization } : {}),
              ...(item.stage ? { stages: item.stage } : {}),
            },
            $inc: { revision: 1 },
          },
        },
      }));
    const writes = [...byMember].filter(([memberId]) => existing.has(memberId)).flatMap(([memberId, list]) => updates(memberId, list));
    if (fresh.length) {
      const records = fresh.map(([memberId, list]) => ({
        _id: memberId,
        ...placedAt(list[list.length - 1]!.orgPath),
        organizations: pushes(list),
        stages: stages(list),
        applied: list.map((i) => i.eventId),
        revision: 1,
        [outboxField]: [],
        [outboxPendingField]: false,
      }));
      try {
        await this.store.collection.insertMany(records as never[], { ordered: false });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Made meanwhile: its events are pushed one by one under their guard.
        for (const e of (err as { writeErrors?: { index: number }[] }).writeErrors ?? []) writes.push(...updates(...fresh[e.index]!));
      }
    }
    if (writes.length) await this.store.collection.bulkWrite(writes as never[], { ordered: false });
  }

  async history(memberId: string): Promise<MemberHistory> {
    const record = await this.store.model.findById(memberId, { organizations: 1, stages: 1 }).lean<PortraitRecord>().exec();
    const byDate = <T extends { date: string }>(list: T[] = []) => [...list].sort((a, b) => a.date.localeCompare(b.date));
    return { organizations: byDate(record?.organizations), stages: byDate(record?.stages) };
  }

  /** Records that someone read the portrait (an event for the audit trail). */
  async recordRead(memberId: string, orgPath: string, event: NewEvent): Promise<void> {
    if (await this.store.recordEvents(memberId, [event])) return;
    await this.ensure(memberId, orgPath);
    await this.store.recordEvents(memberId, [event]);
  }

  async recordMeeting(id: string, meeting: MeetingCopy): Promise<void> {
    await this.meetings.updateOne({ _id: id }, { $set: meeting }, { upsert: true }).exec();
  }

  async meetingsOf(organizationIds: readonly string[]): Promise<MeetingCopy[]> {
    const lists = await Promise.all(
      [...new Set(organizationIds)].map((organizationId) =>
        this.meetings.find({ organizationId }, { _id: 0 }).lean<MeetingCopy[]>().exec(),
      ),
    );
    return lists.flat();
  }

  async recordHandled(userId: string, year: number, eventId: string, what: 'replied' | 'closed'): Promise<void> {
    const _id = `${userId}:${year}`;
    try {
      await this.handled.create({ _id, userId, year, replied: 0, closed: 0, applied: [] });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await this.handled.updateOne({ _id, applied: { $ne: eventId } }, { $inc: { [what]: 1 }, $push: { applied: eventId } }).exec();
  }

  async handledBy(userId: string): Promise<{ year: number; replied: number; closed: number }[]> {
    if (!userId) return [];
    const records = await this.handled.find({ userId }, { year: 1, replied: 1, closed: 1 }).lean<HandledRecord[]>().exec();
    return records.map(({ year, replied, closed }) => ({ year, replied, closed })).sort((a, b) => a.year - b.year);
  }

  /** A decision about a member, kept as the latest decision of that case says (repeats change nothing). */
  async recordDiscipline(copy: DisciplineCopy): Promise<void> {
    const _id = `${copy.caseId}:${copy.memberId}`;
    await this.discipline.replaceOne({ _id }, { _id, ...copy }, { upsert: true }).exec();
  }

  async disciplineOf(memberId: string): Promise<DisciplineCopy[]> {
    const records = await this.discipline.find({ memberId }, { _id: 0 }).lean<DisciplineCopy[]>().exec();
    return records.sort((a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.caseId.localeCompare(b.caseId));
  }
}
