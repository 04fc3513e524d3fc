/**
 * Organisation life 三会一课: meeting records, and the behind-schedule warnings raised from them.
 * Each write carries its event in the same document (outbox); a warning's key is its branch and
 * quarter, so it is raised once however many replicas run the compliance job.
 */
import { randomUUID } from 'node:crypto';
import { outboxField, type OutboxEntry } from '@repo/bus';
import { isDuplicateKey, KeyedMutex, Schema, type Connection, type Model } from '@repo/db';
import { aborted } from '@repo/errors';
import type { Attendance, MeetingType } from '../domain/meetings';
import { Aggregates, under, withoutOutbox, type NewEvent, type Page, outboxSchemaFields } from './aggregates';
import type { MemberRepository } from './members';
import { meetingEvents } from '../events/types';

export interface Meeting {
  id: string;
  /** The node that held it: a branch, or a group 党小组 for a group meeting. */
  organizationId: string;
  orgPath: string;
  type: MeetingType;
  /** YYYY-MM-DD */
  date: string;
  topic: string;
  minutes: string;
  attendance: Attendance;
  recordedBy: string;
  createdAt: string;
  revision: number;
}

export type NewMeeting = Omit<Meeting, 'id' | 'createdAt' | 'revision'>;

/** What compliance needs of a meeting. */
export type MeetingFact = Pick<Meeting, 'orgPath' | 'type' | 'date'>;

interface MeetingRecord extends Omit<Meeting, 'id'> {
  _id: string;
  [outboxField]?: OutboxEntry[];
}

const meetingSchema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    orgPath: { type: String, required: true },
    type: { type: String, required: true },
    date: { type: String, required: true },
    topic: { type: String, required: true },
    minutes: { type: String, default: '' },
    attendance: { type: Schema.Types.Mixed, required: true },
    recordedBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'meetings', versionKey: false, strict: 'throw', minimize: false },
);
// Lists and compliance: a subtree (path range) and a date range.
meetingSchema.index({ orgPath: 1, date: -1 });
meetingSchema.index({ organizationId: 1, date: -1 });

/** A behind-schedule warning: one per branch and quarter, its _id is `${branchId}:${quarter}`. */
export interface MeetingWarning {
  branchId: string;
  orgPath: string;
  quarter: string;
  asOf: string;
  raisedAt: string;
}

interface WarningRecord extends MeetingWarning {
  _id: string;
  revision: number;
  [outboxField]?: OutboxEntry[];
}

const warningSchema = new Schema(
  {
    // The unique key: the primary key's index refuses a second warning for the branch and quarter.
    _id: { type: String, required: true },
    branchId: { type: String, required: true },
    orgPath: { type: String, required: true },
    quarter: { type: String, required: true },
    asOf: { type: String, required: true },
    raisedAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'meetingWarnings', versionKey: false, strict: 'throw', minimize: false },
);
warningSchema.index({ quarter: 1 });

/** Which month the compliance job last swept: behind-ness only changes when a month ends. */
interface SweepRecord {
  _id: string;
  month: string;
  sweptAt: string;
}

const sweepSchema = new Schema<SweepRecord>(
  { _id: { type: String, required: true }, month: { type: String, required: true }, sweptAt: { type: String, required: true } },
  { collection: 'meetingSweeps', versionKey: false },
);


export const warningKey = (branchId: string, quarter: string) => `${branchId}:${quarter}`;

function toMeeting(record: MeetingRecord): Meeting {
  const { _id, ...rest } = withoutOutbox(record);
  const attendance = (rest.attendance ?? {}) as Partial<Attendance>;
  return {
    id: _id,
    ...rest,
    minutes: rest.minutes ?? '',
    attendance: { present: attendance.present ?? [], excused: attendance.excused ?? [], absent: attendance.absent ?? [] },
  };
}

export interface MeetingFilter {
  /** Path prefix: the node asked for (and everything below it), within the caller's scope. */
  scope: string;
  type?: string;
  /** Inclusive YYYY-MM-DD bounds. */
  from?: string;
  to?: string;
}

function dateRange(from?: string, to?: string): Record<string, string> | undefined {
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
}

export class MeetingRepository {
  readonly store: Aggregates<MeetingRecord>;
  readonly warnings: Aggregates<WarningRecord>;
  private readonly sweeps: Model<SweepRecord>;

  constructor(
    connection: Connection,
    onWrite: (id: string) => void,
    locks = new KeyedMutex(),
    /** The warnings collection has its own outbox relay. */
    warningWiring: { onWrite: (id: string) => void; locks: KeyedMutex } = { onWrite: () => undefined, locks: new KeyedMutex() },
  ) {
    this.store = new Aggregates(connection.model<MeetingRecord>('Meeting', meetingSchema), onWrite, locks, (id) =>
      aborted('MEETING_REVISION_CONFLICT', `meeting ${id} was changed by someone else; reload and retry`, { id }),
    );
    this.warnings = new Aggregates(connection.model<WarningRecord>('MeetingWarning', warningSchema), warningWiring.onWrite, warningWiring.locks, (id) =>
      aborted('MEETING_WARNING_CONFLICT', `warning ${id} was changed by someone else`, { id }),
    );
    this.sweeps = connection.model<SweepRecord>('MeetingSweep', sweepSchema);
  }

  async create(input: NewMeeting): Promise<Meeting> {
    const record: Omit<MeetingRecord, typeof outboxField> = { _id: randomUUID(), ...input, createdAt: new Date().toISOString(), revision: 1 };
    const { present, excused, absent } = input.attendance;
    await this.store.insert(record, [
      {
        type: meetingEvents.recorded,
        actor: input.recordedBy,
        orgPath: input.orgPath,
        subjectId: record._id,
        data: {
          organizationId: input.organizationId,
          type: input.type,
          date: input.date,
          topic: input.topic,
          present: present.length,
          excused: excused.length,
          absent: absent.length,
        },
      },
    ]);
    return toMeeting(record);
  }

  async find(id: string): Promise<Meeting | null> {
    const record = await this.store.model.findById(id, { [outboxField]: 0 }).lean<MeetingRecord>().exec();
    return record ? toMeeting(record) : null;
  }

  /** Newest first. Lists leave the minutes out (up to 50,000 characters each); read one meeting for them. */
  async list(filter: MeetingFilter, page: number, size: number): Promise<Page<Meeting>> {
    const query: Record<string, unknown> = { orgPath: under(filter.scope) };
    if (filter.type) query.type = filter.type;
    const dates = dateRange(filter.from, filter.to);
    if (dates) query.date = dates;
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, { [outboxField]: 0, minutes: 0 })
        .sort({ date: -1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<MeetingRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map((r) => toMeeting({ ...r, minutes: '' })), total };
  }

  /** Every meeting of a subtree between two dates (inclusive), in one query, facts only. */
  async facts(scope: string, from: string, to: string): Promise<MeetingFact[]> {
    return this.store.model
      .find({ orgPath: under(scope), date: { $gte: from, $lte: to } }, { _id: 0, orgPath: 1, type: 1, date: 1 })
      .lean<MeetingFact[]>()
      .exec();
  }

  /** Which of `ids` are members recorded at the branch `branchId`: one query. */
  static async membersAt(members: MemberRepository, branchId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await members.store.model.find({ _id: { $in: ids }, organizationId: branchId }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    return new Set(found.map((m) => String(m._id)));
  }

  /** Branches that already have a warning for the quarter. */
  async warned(quarter: string): Promise<Set<string>> {
    const records = await this.warnings.model.find({ quarter }, { branchId: 1 }).lean<{ branchId: string }[]>().exec();
    return new Set(records.map((r) => r.branchId));
  }

  /**
   * Raises the warning with its event, once: answers false when this branch already has one for
   * the quarter (another replica or an earlier tick raised it).
   */
  async raiseWarning(warning: MeetingWarning, event: NewEvent): Promise<boolean> {
    try {
      await this.warnings.insert({ _id: warningKey(warning.branchId, warning.quarter), ...warning, revision: 1 }, [event]);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async lastSweptMonth(): Promise<string | null> {
    const record = await this.sweeps.findById('meeting-compliance').lean<SweepRecord>().exec();
    return record?.month ?? null;
  }

  async markSwept(month: string): Promise<void> {
    await this.sweeps.updateOne({ _id: 'meeting-compliance' }, { $set: { month, sweptAt: new Date().toISOString() } }, { upsert: true }).exec();
  }

  /**
   * A subtree moved: meetings and warnings below it take the new paths. Idempotent (each update
   * is conditional on the old path), so an interrupted move resumes safely. No per-meeting event:
   * the organisation's own moved/pathChanged events tell consumers.
   */
  rewritePaths = async (oldPrefix: string, newPrefix: string): Promise<number> => {
    await rewrite(this.warnings, oldPrefix, newPrefix);
    return rewrite(this.store, oldPrefix, newPrefix);
  };
}

async function rewrite<R extends { _id: string; orgPath: string; revision: number }>(store: Aggregates<R>, oldPrefix: string, newPrefix: string): Promise<number> {
  const records = await store.model.find({ orgPath: under(oldPrefix) }, { orgPath: 1, revision: 1 }).lean<Pick<R, '_id' | 'orgPath' | 'revision'>[]>().exec();
  let changed = 0;
  for (const record of records) {
    const orgPath = newPrefix + record.orgPath.slice(oldPrefix.length);
    const updated = await store.tryUpdate({ _id: record._id, orgPath: record.orgPath }, { $set: { orgPath, revision: record.revision + 1 } }, [], record._id);
    if (updated) changed++;
  }
  return changed;
}
