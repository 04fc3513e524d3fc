/**
 * Organisation life 三会一课: meeting records, and the behind-schedule warnings raised from them.
 * Each write carries its event in the same document (outbox); a warning's key is its branch and
 * quarter, so it is raised once however many replicas run the compliance job.
 */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type NewEvent, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Model, type Page } from '@repo/db';
import { aborted } from '@repo/errors';
import { under, type PathHolder } from '@repo/kit';
import type { Attendance, MeetingType } from '../domain/meetings';
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
  type?: MeetingType;
  /** Inclusive YYYY-MM-DD bounds. */
  from?: string;
  to?: string;
}

function dateRange(from?: string, to?: string): Record<string, string> | undefined {
  if (!from && !to) return undefined;
  return { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
}

export class MeetingRepository {
  readonly store: OutboxStore<MeetingRecord>;
  readonly warnings: OutboxStore<WarningRecord>;
  /**
   * Meetings and warnings follow their node when a subtree moves, without an event each: the
   * organisation's own moved and pathChanged events tell consumers.
   */
  readonly paths: PathHolder[];
  private readonly sweeps: Model<SweepRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<MeetingRecord>('Meeting', meetingSchema), {
      conflict: (id) => aborted('MEETING_REVISION_CONFLICT', `meeting ${id} was changed by someone else; reload and retry`, { id }),
    });
    this.warnings = outboxes.register(connection.model<WarningRecord>('MeetingWarning', warningSchema), {
      conflict: (id) => aborted('MEETING_WARNING_CONFLICT', `warning ${id} was changed by someone else`, { id }),
    });
    this.paths = [
      { name: 'meetings', store: this.store, pathFields: ['orgPath'] },
      { name: 'meetingWarnings', store: this.warnings, pathFields: ['orgPath'] },
    ];
    this.sweeps = connection.model<SweepRecord>('MeetingSweep', sweepSchema);
  }

  async create(input: NewMeeting): Promise<Meeting> {
    const record: MeetingRecord = { _id: randomUUID(), ...input, createdAt: new Date().toISOString(), revision: 1 };
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
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<MeetingRecord>().exec();
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
        .find(query, { ...withoutOutboxFields, minutes: 0 })
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
    await this.sweeps
      .updateOne({ _id: 'meeting-compliance' }, { $set: { month, sweptAt: new Date().toISOString() } }, { upsert: true })
      .exec();
  }
}
