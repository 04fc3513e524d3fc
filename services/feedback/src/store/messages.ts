/**
 * Messages and their pending events: every write saves the change and its events in one update
 * of one document. Besides the message itself a record carries what is asked of it by equality
 * (the only condition FerretDB v1 pushes down to PostgreSQL): every scope that covers its
 * recipient or its handler, the hour of its next deadline check, its statistics key and month.
 */
import { scopesCovering } from '@repo/access';
import { outboxSchemaFields, withoutOutboxFields, type NewEvent, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection, type Page } from '@repo/db';
import { aborted } from '@repo/errors';
import { rebasePath } from '@repo/kit';
import { pathsOf } from '../domain/access';
import { nextCheckAt } from '../domain/escalation';
import { handlingOrganization, isOverdue, isPublic, type FeedbackMessage, type MessageStatus, type MessageType } from '../domain/message';
import type { RecordedStep, Transition } from '../domain/workflow';
import { messageEvents, messageMovedEvent } from '../events/types';
import type { CheckHours } from './check-hours';
import { monthKeyOf, type StatisticsStore } from './statistics';

export interface MessageRecord extends Omit<FeedbackMessage, 'id'> {
  _id: string;
  /** Every scope covering the recipient or the handler: "visible to this node's staff" is one equality. */
  scopes: string[];
  handlingOrganizationId: string;
  leaderPostId: string;
  /** `<handling organisation>|<submission date>`: the statistics recomputed when it changes. */
  statsKey: string;
  /** `<handling organisation>|<submission month>`: what the statistics job reads at once. */
  statsMonth: string;
  nextCheckAt: string;
  /** The province hour of nextCheckAt, `YYYY-MM-DDTHH`: what the ticker asks for. */
  nextCheckHour: string;
  public: boolean;
  overdue: boolean;
  outboxPending?: boolean;
}

const mixed = { type: Schema.Types.Mixed };

const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    trackingCode: { type: String, required: true },
    type: { type: String, required: true },
    domain: { type: String, required: true },
    recipient: { ...mixed, required: true },
    subject: { type: String, required: true },
    body: { type: String, required: true },
    region: { type: String, required: true },
    contact: { type: String, required: true },
    contactName: { type: String, default: '' },
    contactKey: { type: String, required: true },
    writerUserId: { type: String, default: '' },
    status: { type: String, required: true },
    orgPath: { type: String, required: true },
    assignment: { ...mixed, default: null },
    disputeReason: { type: String, default: '' },
    submittedAt: { type: String, required: true },
    submittedOn: { type: String, required: true },
    acceptance: { ...mixed, required: true },
    acceptedAt: { type: String, default: '' },
    handling: { ...mixed, default: null },
    extension: { ...mixed, default: null },
    reply: { ...mixed, default: null },
    ratingWindow: { ...mixed, default: null },
    rating: { ...mixed, default: null },
    closedAt: { type: String, default: '' },
    rectification: { ...mixed, default: null },
    returned: { ...mixed, default: null },
    mergedInto: { type: String, default: '' },
    screenHits: { type: [String], default: [] },
    duplicateCandidates: { type: [Schema.Types.Mixed], default: [] },
    history: { type: [Schema.Types.Mixed], default: [] },
    revision: { type: Number, required: true },
    updatedAt: { type: String, required: true },
    scopes: { type: [String], required: true },
    handlingOrganizationId: { type: String, required: true },
    leaderPostId: { type: String, default: '' },
    statsKey: { type: String, required: true },
    statsMonth: { type: String, required: true },
    nextCheckAt: { type: String, default: '' },
    nextCheckHour: { type: String, default: '' },
    public: { type: Boolean, required: true },
    overdue: { type: Boolean, default: false },
    ...outboxSchemaFields,
  },
  { collection: 'messages', versionKey: false, strict: 'throw', minimize: false },
);
messageSchema.index({ trackingCode: 1 }, { unique: true });
messageSchema.index({ scopes: 1 });
messageSchema.index({ nextCheckHour: 1 });
messageSchema.index({ contactKey: 1 });
messageSchema.index({ statsKey: 1 });
messageSchema.index({ statsMonth: 1 });
// Every staff step, message view and public list asks which messages were merged into one:
// without it that equality read every message (a step took ~1 s at 90,000 messages).
messageSchema.index({ mergedInto: 1 });

const derivedFields = [
  'scopes',
  'handlingOrganizationId',
  'leaderPostId',
  'statsKey',
  'statsMonth',
  'nextCheckAt',
  'nextCheckHour',
  'public',
  'overdue',
] as const;

export function toMessage(record: MessageRecord): FeedbackMessage {
  const copy: Record<string, unknown> = { ...record };
  for (const field of [...derivedFields, 'outbox', 'outboxBatch', 'outboxPending', '_id']) delete copy[field];
  return { id: record._id, ...(copy as Omit<FeedbackMessage, 'id'>) };
}

/** The province hour of an instant: the ticker's bucket. */
export function provinceHour(at: string): string {
  return new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 13);
}

export const statsKeyOf = (message: Pick<FeedbackMessage, 'assignment' | 'recipient' | 'orgPath' | 'submittedOn'>) =>
  `${handlingOrganization(message).id}|${message.submittedOn}`;

/** The stored form of a message: the message and what is asked of it by equality. */
export function messageRecordOf(message: FeedbackMessage, now: Date): MessageRecord {
  const { id, ...fields } = message;
  const check = nextCheckAt(message, now);
  return {
    _id: id,
    ...fields,
    scopes: [...new Set(pathsOf(message).flatMap(scopesCovering))],
    handlingOrganizationId: handlingOrganization(message).id,
    leaderPostId: message.recipient.leaderPostId,
    statsKey: statsKeyOf(message),
    statsMonth: monthKeyOf(statsKeyOf(message)),
    nextCheckAt: check,
    nextCheckHour: check ? provinceHour(check) : '',
    public: isPublic(message),
    overdue: isOverdue(message),
  };
}

const conflict = (id: string) =>
  aborted('FEEDBACK_REVISION_CONFLICT', `message ${id} was changed by someone else; reload and retry`, { id });

export interface StaffFilter {
  scope: string;
  status?: MessageStatus;
  type?: MessageType;
  domain?: string;
  handlingOrganizationId?: string;
  overdueOnly?: boolean;
}

/** Fields a list answers: the whole message but its history. */
const listProjection = { ...withoutOutboxFields, history: 0 };

export class MessageRepository {
  readonly store: OutboxStore<MessageRecord>;

  constructor(
    connection: Connection,
    outboxes: Outboxes,
    private readonly statistics: StatisticsStore,
    private readonly checkHours: CheckHours,
  ) {
    this.store = outboxes.register(connection.model<MessageRecord>('Message', messageSchema), { conflict });
  }

  get model() {
    return this.store.model;
  }

  private eventOf(message: FeedbackMessage, { step, orgPath, data }: RecordedStep, revision: number): NewEvent {
    return {
      type: messageEvents[step.action],
      actor: step.actor,
      orgPath: orgPath ?? message.orgPath,
      subjectId: message.id,
      data: { revision, ...data },
    };
  }

  /**
   * A new message and its submission events. Its statistics are marked stale first, so a crash
   * cannot skip them, and again after, so a recomputation that read the messages in between
   * cannot clear the mark (it holds the first mark's token).
   */
  async create(transition: Transition, now: Date): Promise<FeedbackMessage> {
    const record = messageRecordOf(transition.next, now);
    await this.statistics.markDirty([record.statsKey]);
    await this.checkHours.mark([record.nextCheckHour]);
    await this.store.insert(
      record,
      transition.recorded.map((r) => this.eventOf(transition.next, r, 1)),
    );
    await this.statistics.markDirty([record.statsKey]);
    return transition.next;
  }

  /**
   * Saves a step if nobody changed the message since `current` was read (409 otherwise). Its
   * statistics keys are marked before and after, as on creation.
   */
  async save(current: FeedbackMessage, transition: Transition, now: Date): Promise<FeedbackMessage> {
    const { _id, revision: _revision, history: _history, ...fields } = messageRecordOf(transition.next, now);
    const statsKeys = [...new Set([statsKeyOf(current), fields.statsKey])];
    await this.statistics.markDirty(statsKeys);
    await this.checkHours.mark([fields.nextCheckHour]);
    const revision = current.revision + 1;
    const saved = await this.store.saveIf(
      current.id,
      current.revision,
      { status: current.status },
      { $set: fields, ...(transition.recorded.length ? { $push: { history: { $each: transition.recorded.map((r) => r.step) } } } : {}) },
      transition.recorded.map((r) => this.eventOf(transition.next, r, revision)),
    );
    await this.statistics.markDirty(statsKeys);
    return toMessage(saved);
  }

  async find(id: string): Promise<FeedbackMessage | null> {
    const record = await this.model.findById(id, withoutOutboxFields).lean<MessageRecord>().exec();
    return record ? toMessage(record) : null;
  }

  async findByTrackingCode(code: string): Promise<FeedbackMessage | null> {
    const record = await this.model.findOne({ trackingCode: code }, withoutOutboxFields).lean<MessageRecord>().exec();
    return record ? toMessage(record) : null;
  }

  /** The same contact's messages (their texts, for spotting duplicates), newest first. */
  async byContact(contactKey: string, submittedSince: string): Promise<FeedbackMessage[]> {
    const records = await this.model.find({ contactKey }, listProjection).lean<MessageRecord[]>().exec();
    return records
      .filter((r) => r.submittedAt >= submittedSince)
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))
      .map((r) => toMessage({ ...r, history: [] }));
  }

  async mine(writerUserId: string, page: number, size: number): Promise<Page<FeedbackMessage>> {
    return this.page({ writerUserId }, page, size);
  }

  async listForStaff(filter: StaffFilter, page: number, size: number): Promise<Page<FeedbackMessage>> {
    const query: Record<string, unknown> = { scopes: filter.scope };
    if (filter.status) query.status = filter.status;
    if (filter.type) query.type = filter.type;
    if (filter.domain) query.domain = filter.domain;
    if (filter.handlingOrganizationId) query.handlingOrganizationId = filter.handlingOrganizationId;
    if (filter.overdueOnly) query.overdue = true;
    return this.page(query, page, size);
  }

  private async page(query: Record<string, unknown>, page: number, size: number): Promise<Page<FeedbackMessage>> {
    const [records, total] = await Promise.all([
      this.model
        .find(query, listProjection)
        .sort({ submittedAt: -1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<MessageRecord[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items: records.map((r) => toMessage({ ...r, history: [] })), total };
  }

  /** The messages merged into a thread (并单). */
  async mergedInto(id: string): Promise<string[]> {
    const records = await this.model.find({ mergedInto: id }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    return records.map((r) => r._id).sort();
  }

  /** Messages whose next check falls in a province hour (YYYY-MM-DDTHH), with the check's time. */
  async dueInHour(hour: string): Promise<{ message: FeedbackMessage; nextCheckAt: string }[]> {
    const records = await this.model.find({ nextCheckHour: hour }, withoutOutboxFields).lean<MessageRecord[]>().exec();
    return records.map((record) => ({ message: toMessage(record), nextCheckAt: record.nextCheckAt }));
  }

  /** Places the next check again without changing the message (nothing was due yet). */
  async rescheduleCheck(message: FeedbackMessage, now: Date): Promise<void> {
    const check = nextCheckAt(message, now);
    const hour = check ? provinceHour(check) : '';
    await this.checkHours.mark([hour]);
    await this.store.tryUpdate(
      { _id: message.id, revision: message.revision },
      { $set: { nextCheckAt: check, nextCheckHour: hour } },
      [],
      message.id,
    );
  }

  /** What the statistics count of the messages one organisation handles from one month (one equality). */
  async forStatisticsMonth(statsMonth: string): Promise<FeedbackMessage[]> {
    const records = await this.model
      .find({ statsMonth }, { ...listProjection, body: 0, subject: 0, contact: 0, duplicateCandidates: 0 })
      .lean<MessageRecord[]>()
      .exec();
    return records.map((r) => toMessage({ ...r, history: [], body: '', subject: '', contact: '', duplicateCandidates: [] }));
  }

  /**
   * Records written before they carried their statistics month get it, and their keys are marked
   * stale. One scan of the collection, once: a state record says it was done.
   */
  async backfillStatsMonth(): Promise<number> {
    if (await this.statistics.done('statsMonth')) return 0;
    const records = await this.model
      .find({ statsMonth: { $exists: false } }, { _id: 1, statsKey: 1 })
      .lean<{ _id: string; statsKey: string }[]>()
      .exec();
    for (let i = 0; i < records.length; i += 500) {
      const part = records.slice(i, i + 500);
      await this.model.collection.bulkWrite(
        part.map(({ _id, statsKey }) => ({
          updateOne: { filter: { _id }, update: { $set: { statsMonth: monthKeyOf(statsKey) } } },
        })) as never,
        { ordered: false },
      );
      await this.statistics.markDirty([...new Set(part.map((r) => r.statsKey))]);
    }
    await this.statistics.setDone('statsMonth');
    return records.length;
  }

  /** Public messages in _id order, in batches (rebuilding the search index). */
  async *scanPublic(batchSize = 500): AsyncGenerator<FeedbackMessage[]> {
    let after = '';
    for (;;) {
      const records = await this.model
        .find({ public: true, _id: { $gt: after } }, withoutOutboxFields)
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean<MessageRecord[]>()
        .exec();
      if (records.length === 0) return;
      yield records.map(toMessage);
      after = records[records.length - 1]!._id;
    }
  }

  /**
   * After a subtree moved from `from` to `to`: every message whose recipient, handler or
   * assigner lay under it follows. Found by one equality (every such record has `from` among
   * its scopes); each update is conditional on the old paths, so a redelivered move changes
   * nothing more.
   */
  async followMove(from: string, to: string, actor: string, now: Date): Promise<number> {
    const records = await this.model.find({ scopes: from }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    let changed = 0;
    for (const { _id } of records) if (await this.moveOne(_id, from, to, actor, now)) changed++;
    return changed;
  }

  /** Rewrites one message's paths; a step saved meanwhile makes it read the message again. */
  private async moveOne(id: string, from: string, to: string, actor: string, now: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const message = await this.find(id);
      if (!message) return false;
      const moved: FeedbackMessage = {
        ...message,
        orgPath: rebasePath(message.orgPath, from, to),
        assignment: message.assignment
          ? {
              ...message.assignment,
              path: rebasePath(message.assignment.path, from, to),
              byPath: rebasePath(message.assignment.byPath, from, to),
            }
          : null,
      };
      if (JSON.stringify([moved.orgPath, moved.assignment]) === JSON.stringify([message.orgPath, message.assignment])) return false;
      const { _id, revision: _revision, history: _history, ...fields } = messageRecordOf(moved, now);
      await this.checkHours.mark([fields.nextCheckHour]);
      const event: NewEvent = {
        type: messageMovedEvent,
        actor,
        orgPath: moved.orgPath,
        subjectId: id,
        data: { from, to, revision: message.revision + 1 },
      };
      const updated = await this.store.tryUpdate(
        { _id: id, revision: message.revision },
        { $set: { ...fields, revision: message.revision + 1 } },
        [event],
        id,
      );
      if (updated) return true;
    }
    throw new Error(`message ${id} kept changing while its paths followed a move from ${from}`);
  }
}
