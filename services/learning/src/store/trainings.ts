/**
 * Trainings recorded by hand: those a cadre attended elsewhere (another organiser's class, a
 * party school outside the platform). Enrolments keep the record of trainings on the platform.
 */
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
import { Schema, type Connection } from '@repo/db';
import { placedAt, placementSchemaFields, type PathHolder } from '@repo/kit';
import type { Training } from '../domain/training';
import { idOf, placedHolder, revisionConflict } from './records';

interface TrainingRecord extends Omit<Training, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
  revision: number;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    courseId: { type: String, default: '' },
    title: { type: String, required: true },
    topic: { type: String, required: true },
    courseCode: { type: String, default: '' },
    organiserKind: { type: String, required: true },
    organiserName: { type: String, required: true },
    mode: { type: String, required: true },
    fullTime: { type: Boolean, default: false },
    startDate: { type: String, default: '' },
    endDate: { type: String, default: '' },
    quarterHours: { type: Number, required: true },
    certificateNumber: { type: String, default: '' },
    status: { type: String, required: true },
    override: { type: Schema.Types.Mixed, default: null },
    ...placementSchemaFields,
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'trainings', versionKey: false, strict: 'throw' },
);
schema.index({ memberId: 1 });

function toTraining(record: TrainingRecord): Training {
  const { orgScopes: _scopes, revision: _revision, ...rest } = idOf(withoutOutbox(record));
  return rest;
}

export const trainingEvents = {
  recorded: 'learning.training.recorded',
  /** An administrator overrode a duplicate-training refusal (supervision warns on it). */
  duplicateOverridden: 'learning.training.duplicateOverridden',
} as const;

export class TrainingRepository {
  readonly store: OutboxStore<TrainingRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<TrainingRecord>('Training', schema), { conflict: revisionConflict('training') });
  }

  get organizationPaths(): PathHolder {
    return placedHolder('trainings', this.store as never);
  }

  /** A new record; `events` receive its id. */
  async insert(training: Omit<Training, 'id'>, events: (id: string) => NewEvent[]): Promise<Training> {
    const _id = randomUUID();
    const record: TrainingRecord = { _id, ...training, ...placedAt(training.orgPath), revision: 1 };
    await this.store.insert(record, events(_id));
    return toTraining(record);
  }

  /** Every training of a person, oldest first (duplicate checks and the portrait read them all). */
  async ofMember(memberId: string): Promise<Training[]> {
    const records = await this.store.model.find({ memberId }, withoutOutboxFields).lean<TrainingRecord[]>().exec();
    return records.map(toTraining).sort((a, b) => (a.startDate || a.createdAt).localeCompare(b.startDate || b.createdAt));
  }
}
