/**
 * Enrolments: a learner in a course, with each unit's progress. One per course and member
 * (its id is both), so enrolling twice at once cannot make two.
 */
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { failedPrecondition, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, type PathHolder } from '@repo/kit';
import type { Enrolment, UnitProgress } from '../domain/enrolment';
import type { EnrolmentStatus } from '../domain/vocabulary';
import { idOf, pageOf, placedHolder, revisionConflict } from './records';

interface EnrolmentRecord extends Omit<Enrolment, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    courseId: { type: String, required: true },
    memberId: { type: String, required: true },
    status: { type: String, required: true },
    ...placementSchemaFields,
    enrolledAt: { type: String, required: true },
    enrolledBy: { type: String, required: true },
    completedAt: { type: String, default: '' },
    units: { type: Schema.Types.Mixed, default: {} },
    override: { type: Schema.Types.Mixed, default: null },
    course: { type: Schema.Types.Mixed, required: true },
    quarterHours: { type: Number, default: 0 },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'enrolments', versionKey: false, strict: 'throw', minimize: false },
);
schema.index({ courseId: 1 });
schema.index({ memberId: 1 });

/**
 * A unit's progress as stored: watched intervals as { from, to } pairs, since the local document
 * store (FerretDB v1) refuses arrays nested in arrays.
 */
interface StoredProgress extends Omit<UnitProgress, 'watched'> {
  watched: { from: number; to: number }[];
}

const storedProgress = (progress: UnitProgress): StoredProgress => ({
  ...progress,
  watched: progress.watched.map(([from, to]) => ({ from, to })),
});

const progressOf = (stored: StoredProgress): UnitProgress => ({
  ...stored,
  watched: (stored.watched ?? []).map(({ from, to }): [number, number] => [from, to]),
});

function toEnrolment(record: EnrolmentRecord): Enrolment {
  const { orgScopes: _scopes, units, ...rest } = idOf(withoutOutbox(record));
  const stored = units as unknown as Record<string, StoredProgress>;
  return { ...rest, units: Object.fromEntries(Object.entries(stored ?? {}).map(([id, p]) => [id, progressOf(p)])) };
}

export const enrolmentId = (courseId: string, memberId: string) => `${courseId}:${memberId}`;
export const enrolmentNotFound = (id: string) => notFound('ENROLMENT_NOT_FOUND', `enrolment ${id} not found`, { id });

export const studyEvents = {
  enrolled: 'learning.enrolment.created',
  cancelled: 'learning.enrolment.cancelled',
  courseCompleted: 'learning.enrolment.completed',
  unitCompleted: 'learning.unit.completed',
  attended: 'learning.attendance.recorded',
} as const;

export class EnrolmentRepository {
  readonly store: OutboxStore<EnrolmentRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<EnrolmentRecord>('Enrolment', schema), { conflict: revisionConflict('enrolment') });
  }

  get organizationPaths(): PathHolder {
    return placedHolder('enrolments', this.store as never);
  }

  async find(id: string): Promise<Enrolment | null> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<EnrolmentRecord>().exec();
    return record ? toEnrolment(record) : null;
  }

  /**
   * Enrols: a new enrolment, or a cancelled one taken up again. An enrolment that is live
   * already answers ENROLMENT_EXISTS.
   */
  async enrol(
    input: Omit<Enrolment, 'id' | 'units' | 'status' | 'completedAt' | 'quarterHours' | 'revision'>,
    events: NewEvent[],
  ): Promise<Enrolment> {
    const id = enrolmentId(input.courseId, input.memberId);
    const record: EnrolmentRecord = {
      _id: id,
      ...input,
      ...placedAt(input.orgPath),
      status: 'enrolled',
      completedAt: '',
      units: {},
      quarterHours: 0,
      revision: 1,
    };
    try {
      await this.store.insert(record, events);
      return toEnrolment(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.find(id);
    if (!existing || existing.status !== 'cancelled') {
      throw failedPrecondition('ENROLMENT_EXISTS', `member ${input.memberId} is enrolled in this course already`, {
        enrolmentId: id,
        status: existing?.status ?? 'enrolled',
      });
    }
    const { orgPath, ...rest } = input;
    return toEnrolment(
      await this.store.saveIf(
        id,
        existing.revision,
        { status: 'cancelled' },
        { $set: { ...rest, ...placedAt(orgPath), status: 'enrolled', completedAt: '', units: {}, quarterHours: 0 } },
        events,
      ),
    );
  }

  /** Every enrolment of a person (their trainings on the platform). */
  async ofMember(memberId: string): Promise<Enrolment[]> {
    const records = await this.store.model.find({ memberId }, withoutOutboxFields).lean<EnrolmentRecord[]>().exec();
    return records.map(toEnrolment);
  }

  async list(
    filter: { courseId?: string; memberId?: string; status?: EnrolmentStatus },
    page: number,
    size: number,
  ): Promise<Page<Enrolment>> {
    const query: Record<string, unknown> = {};
    if (filter.courseId) query.courseId = filter.courseId;
    if (filter.memberId) query.memberId = filter.memberId;
    if (filter.status) query.status = filter.status;
    return pageOf(this.store.model, query, { projection: withoutOutboxFields, sort: { enrolledAt: 1, _id: 1 }, page, size }, (r) =>
      toEnrolment(r as EnrolmentRecord),
    );
  }

  /**
   * A unit's progress (and the hours it credited), saved if nobody changed the enrolment
   * meanwhile; with `courseCompletedAt` the enrolment is completed too.
   */
  async saveProgress(
    current: Enrolment,
    unitId: string,
    progress: UnitProgress,
    events: NewEvent[] = [],
    courseCompletedAt = '',
  ): Promise<Enrolment> {
    const credited = progress.quarterHours - (current.units[unitId]?.quarterHours ?? 0);
    const set: Record<string, unknown> = { [`units.${unitId}`]: storedProgress(progress), quarterHours: current.quarterHours + credited };
    if (courseCompletedAt) Object.assign(set, { status: 'completed', completedAt: courseCompletedAt });
    return toEnrolment(await this.store.saveIf(current.id, current.revision, { status: current.status }, { $set: set }, events));
  }

  async cancel(current: Enrolment, events: NewEvent[]): Promise<Enrolment> {
    return toEnrolment(
      await this.store.saveIf(current.id, current.revision, { status: 'enrolled' }, { $set: { status: 'cancelled' } }, events),
    );
  }
}
