/** Courses and their units; every write saves the change and its event in one update. */
import { randomUUID } from 'node:crypto';
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { Schema, type Connection, type Page } from '@repo/db';
import { notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { Course, CourseFields, CourseStep } from '../domain/course';
import type { CourseCategory, CourseRequirement, CourseStatus } from '../domain/vocabulary';
import { idOf, pageOf, placedHolder, revisionConflict } from './records';

interface CourseRecord extends Omit<Course, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    code: { type: String, default: '' },
    summary: { type: String, default: '' },
    category: { type: String, required: true },
    requirement: { type: String, required: true },
    audience: { type: Schema.Types.Mixed, required: true },
    topic: { type: String, required: true },
    organiserKind: { type: String, required: true },
    organiserName: { type: String, required: true },
    fullTime: { type: Boolean, default: false },
    capacity: { type: Number, default: 0 },
    seatsTaken: { type: Number, default: 0 },
    units: { type: [Schema.Types.Mixed], default: [] },
    status: { type: String, required: true },
    ...placementSchemaFields,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    history: { type: [Schema.Types.Mixed], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'courses', versionKey: false, strict: 'throw' },
);
schema.index({ orgScopes: 1 });
schema.index({ status: 1 });

function toCourse(record: CourseRecord): Course {
  const { orgScopes: _scopes, ...rest } = idOf(withoutOutbox(record));
  return rest;
}

export const courseNotFound = (id: string) => notFound('COURSE_NOT_FOUND', `course ${id} not found`, { id });

export interface CourseFilter {
  /** Courses placed at or below this node (staff managing them). */
  scope?: string;
  /** Published courses placed at one of these nodes (a learner's node and those above it). */
  placedAtOneOf?: string[];
  status?: CourseStatus;
  category?: CourseCategory;
  requirement?: CourseRequirement;
}

export const courseEvents = {
  created: 'learning.course.created',
  updated: 'learning.course.updated',
  publish: 'learning.course.published',
  withdraw: 'learning.course.withdrawn',
} as const;

/** How long studying reuses a published course read (see forStudy). */
const studyCacheMs = 10_000;

export class CourseRepository {
  private readonly studied = new Map<string, { at: number; course: Course }>();
  readonly store: OutboxStore<CourseRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<CourseRecord>('Course', schema), { conflict: revisionConflict('course') });
  }

  get organizationPaths(): PathHolder {
    return placedHolder('courses', this.store as never);
  }

  async create(fields: CourseFields, actor: string, orgPath: string): Promise<Course> {
    const now = new Date().toISOString();
    const record: CourseRecord = {
      _id: randomUUID(),
      ...fields,
      seatsTaken: 0,
      status: 'draft',
      ...placedAt(orgPath),
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      history: [],
      revision: 1,
    };
    await this.store.insert(record, [
      {
        type: courseEvents.created,
        actor,
        orgPath,
        subjectId: record._id,
        data: { title: fields.title, code: fields.code, units: fields.units.length },
      },
    ]);
    return toCourse(record);
  }

  /**
   * A course as studying reads it, on every unit started and every report: kept here for a few
   * seconds once published, when its units can no longer change (only drafts change). What may
   * still change (withdrawal, a subtree move, the seats) is read through `find` where it matters.
   */
  async forStudy(id: string): Promise<Course | null> {
    const cached = this.studied.get(id);
    if (cached && Date.now() - cached.at < studyCacheMs) return cached.course;
    const course = await this.find(id);
    if (course && course.status !== 'draft') {
      if (this.studied.size >= 1_000) this.studied.clear();
      this.studied.set(id, { at: Date.now(), course });
    }
    return course;
  }

  async find(id: string): Promise<Course | null> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<CourseRecord>().exec();
    return record ? toCourse(record) : null;
  }

  async get(id: string): Promise<Course> {
    const course = await this.find(id);
    if (!course) throw courseNotFound(id);
    return course;
  }

  async list(filter: CourseFilter, page: number, size: number): Promise<Page<Course>> {
    const query: Record<string, unknown> = {};
    if (filter.scope) Object.assign(query, within(filter.scope));
    if (filter.placedAtOneOf) query.orgPath = { $in: filter.placedAtOneOf };
    if (filter.status) query.status = filter.status;
    if (filter.category) query.category = filter.category;
    if (filter.requirement) query.requirement = filter.requirement;
    return pageOf(
      this.store.model,
      query,
      { projection: { ...withoutOutboxFields, history: 0 }, sort: { updatedAt: -1, _id: 1 }, page, size },
      (r) => toCourse({ ...(r as CourseRecord), history: [] }),
    );
  }

  async update(current: Course, fields: CourseFields, changed: string[], actor: string): Promise<Course> {
    const event = {
      type: courseEvents.updated,
      actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { revision: current.revision + 1, changed },
    };
    return toCourse(
      await this.store.saveIf(
        current.id,
        current.revision,
        { status: 'draft' },
        { $set: { ...fields, updatedAt: new Date().toISOString() } },
        [event],
      ),
    );
  }

  async recordStep(current: Course, step: CourseStep): Promise<Course> {
    const event: NewEvent = {
      type: courseEvents[step.action],
      actor: step.actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { revision: current.revision + 1, from: step.from, to: step.to, note: step.note },
    };
    return toCourse(
      await this.store.saveIf(
        current.id,
        current.revision,
        { status: step.from },
        { $set: { status: step.to, updatedAt: step.at }, $push: { history: step } },
        [event],
      ),
    );
  }

  /**
   * Takes a seat of a class if one is free: an update conditional on the count read, retried
   * when another enrolment took one meanwhile. False when the class is full.
   */
  async takeSeat(courseId: string): Promise<boolean> {
    for (;;) {
      const course = await this.get(courseId);
      if (course.capacity && course.seatsTaken >= course.capacity) return false;
      const taken = await this.store.tryUpdate({ _id: courseId, seatsTaken: course.seatsTaken }, { $inc: { seatsTaken: 1 } }, [], courseId);
      if (taken) return true;
    }
  }

  async releaseSeat(courseId: string): Promise<void> {
    for (;;) {
      const course = await this.get(courseId);
      if (course.seatsTaken === 0) return;
      if (await this.store.tryUpdate({ _id: courseId, seatsTaken: course.seatsTaken }, { $inc: { seatsTaken: -1 } }, [], courseId)) return;
    }
  }
}
