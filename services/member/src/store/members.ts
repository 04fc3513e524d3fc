import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type NewEvent, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted, alreadyExists, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { DuesCategory } from '../domain/dues';
import type { Gender } from '../domain/national-id';
import type { PipelineStage, PipelineStep } from '../domain/pipeline';
import type { KeyDates, MemberProfile } from '../domain/profile';
import { memberEvents } from '../events/types';
import { NationalIdIndex } from './national-ids';

export interface Member extends Omit<MemberProfile, 'stage'> {
  id: string;
  stage: PipelineStage;
  orgPath: string;
  duesCategory: DuesCategory;
  /** Monthly income in fen the dues are based on (annual income for annualSalary). */
  duesIncomeFen: number;
  history: PipelineStep[];
  probationExtensions: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  revision: number;
}

interface MemberRecord extends Omit<Member, 'id'> {
  _id: string;
  /** Every scope the member is listed in (placedAt). */
  orgScopes: string[];
}

const memberSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    gender: { type: String, required: true },
    ethnicity: { type: String, required: true },
    birthDate: { type: String, required: true },
    nationalId: { type: String, required: true },
    education: { type: String, required: true },
    phone: { type: String },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    stage: { type: String, required: true },
    keyDates: { type: Schema.Types.Mixed, default: {} },
    duesCategory: { type: String, required: true },
    duesIncomeFen: { type: Number, required: true },
    history: { type: [Schema.Types.Mixed], default: [] },
    probationExtensions: { type: Number, default: 0 },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'members', versionKey: false, strict: 'throw', minimize: false },
);
memberSchema.index({ nationalId: 1 }, { unique: true });
memberSchema.index({ orgScopes: 1, orgPath: 1, name: 1 });
memberSchema.index({ organizationId: 1 });

function toMember(record: MemberRecord): Member {
  const { _id, orgScopes: _scopes, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest, keyDates: (rest.keyDates ?? {}) as KeyDates };
}

export interface MemberFilter {
  scope: string;
  stage?: PipelineStage;
  namePrefix?: string;
  gender?: Gender;
}

export type NewMember = Omit<Member, 'id' | 'createdAt' | 'updatedAt' | 'revision'>;

/** A position in the listing order (organisation path, name, id): a page starts after it. */
export interface ListKey {
  orgPath: string;
  name: string;
  id: string;
}

export interface KeysetPage {
  items: Member[];
  /** Where the next page starts; undefined after the last member. */
  next?: ListKey;
  /** Only when asked for. */
  total?: number;
}

/** What the store may spend on one page: a page stops short (with its key) before the deadline. */
export interface ListBudget {
  /** Time the caller still waits, in ms (Infinity when it set no deadline). */
  deadlineMs: number;
  withTotal: boolean;
}

/** Left of the caller's deadline for answering: the store stops before it. */
const answerMarginMs = 250;

const duplicateId = (nationalId: string) =>
  alreadyExists('MEMBER_NATIONAL_ID_TAKEN', 'a member with this national ID number is already recorded', {
    nationalId: `${nationalId.slice(0, 3)}***`,
  });

export class MemberRepository {
  readonly store: OutboxStore<MemberRecord>;
  /**
   * Members are listed by scope (orgScopes), so their path and scopes follow a subtree move,
   * each with an event: consumers keeping members by node need to know.
   */
  readonly paths: PathHolder;
  private readonly nationalIds: NationalIdIndex;

  constructor(connection: Connection, outboxes: Outboxes) {
    const model = connection.model<MemberRecord>('Member', memberSchema);
    this.store = outboxes.register(model, {
      conflict: (id) => aborted('MEMBER_REVISION_CONFLICT', `member ${id} was changed by someone else; reload and retry`, { id }),
    });
    this.paths = {
      name: 'members',
      store: this.store,
      pathFields: ['orgPath'],
      scopesField: 'orgScopes',
      event: (record, change) => ({
        type: memberEvents.pathChanged,
        actor: change.actor,
        orgPath: change.to,
        subjectId: record._id,
        data: { from: change.from, to: change.to },
      }),
    };
    this.nationalIds = new NationalIdIndex(
      connection,
      () => this.allNationalIds(),
      async (nationalId) => (await model.exists({ nationalId })) !== null,
    );
  }

  private record(input: NewMember): MemberRecord {
    const now = new Date().toISOString();
    return { _id: randomUUID(), ...input, ...placedAt(input.orgPath), createdAt: now, updatedAt: now, revision: 1 };
  }

  private createdEvent(record: MemberRecord, type: string = memberEvents.created): NewEvent {
    return {
      type,
      actor: record.createdBy,
      orgPath: record.orgPath,
      subjectId: record._id,
      data: { organizationId: record.organizationId, stage: record.stage },
    };
  }

  async create(input: NewMember): Promise<Member> {
    if (await this.store.model.exists({ nationalId: input.nationalId })) throw duplicateId(input.nationalId);
    const record = this.record(input);
    await this.nationalIds.add([record.nationalId]);
    try {
      await this.store.insert(record, [this.createdEvent(record)]);
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateId(input.nationalId);
      throw err;
    }
    return toMember(record);
  }

  /** Inserts many members (an import) in batches; each carries its own event. */
  async createMany(inputs: NewMember[], batchSize = 1_000): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < inputs.length; i += batchSize) {
      const batch = inputs.slice(i, i + batchSize).map((input) => this.record(input));
      await this.nationalIds.add(batch.map((record) => record.nationalId));
      await this.store.insertMany(batch.map((record) => ({ record, events: [this.createdEvent(record, memberEvents.imported)] })));
      inserted += batch.length;
    }
    return inserted;
  }

  /** Which of these national ID numbers are already recorded (see NationalIdIndex). */
  async existingNationalIds(nationalIds: string[]): Promise<Set<string>> {
    return this.nationalIds.recorded(nationalIds);
  }

  private async *allNationalIds(): AsyncGenerator<string> {
    const cursor = this.store.model.find({}, { nationalId: 1 }).lean<{ nationalId: string }[]>().cursor({ batchSize: 5_000 });
    for await (const record of cursor) yield (record as { nationalId: string }).nationalId;
  }

  async find(id: string): Promise<Member | null> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<MemberRecord>().exec();
    return record ? toMember(record) : null;
  }

  async get(id: string): Promise<Member> {
    const member = await this.find(id);
    if (!member) throw notFound('MEMBER_NOT_FOUND', `member ${id} not found`, { id });
    return member;
  }

  async list(filter: MemberFilter, page: number, size: number): Promise<Page<Member>> {
    const query: Record<string, unknown> = within(filter.scope);
    if (filter.stage) query.stage = filter.stage;
    if (filter.gender) query.gender = filter.gender;
    // A name prefix as a string range: an index serves it and no pattern is built from input.
    if (filter.namePrefix) query.name = { $gte: filter.namePrefix, $lt: `${filter.namePrefix}\uffff` };
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, { ...withoutOutboxFields, history: 0, orgScopes: 0 })
        .sort({ orgPath: 1, name: 1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<MemberRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map((r) => toMember({ ...r, history: [] })), total };
  }

  /**
   * One page in the order (organisation path, name, id), after `after`: the subtree's
   * organisations are walked in path order and each one's members read by an equality on
   * `organizationId`, which FerretDB serves from an index, so a page costs the organisations it
   * touches, not the scope (a province's page reads one or two branches, where a sort over the
   * scope reads all of it: FerretDB sorts and skips in memory). The reads stop before the
   * caller's deadline, answering a shorter page with the key to go on from; the store itself is
   * told the same deadline (maxTimeMS).
   */
  async listAfter(
    nodes: AsyncIterable<{ id: string; path: string }>,
    filter: MemberFilter,
    after: ListKey | undefined,
    size: number,
    budget: ListBudget,
  ): Promise<KeysetPage> {
    const started = Date.now();
    const left = () => budget.deadlineMs - answerMarginMs - (Date.now() - started);
    const maxTimeMs = () => (Number.isFinite(budget.deadlineMs) ? Math.max(1, Math.floor(left())) : 0);
    const base: Record<string, unknown> = {};
    if (filter.stage) base.stage = filter.stage;
    if (filter.gender) base.gender = filter.gender;
    if (filter.namePrefix) base.name = { $gte: filter.namePrefix, $lt: `${filter.namePrefix}\uffff` };
    const totalQuery = filter.stage || filter.gender || filter.namePrefix ? { ...within(filter.scope), ...base } : within(filter.scope);
    const total = budget.withTotal ? this.withMaxTime(this.store.model.countDocuments(totalQuery), maxTimeMs()).exec() : undefined;
    const items: Member[] = [];
    let next: ListKey | undefined;
    let first = true;
    let reading: { id: string; path: string } | undefined;
    for await (const node of nodes) {
      if (reading) {
        // The page is full with the previous organisation's last member: it starts here next.
        next = { orgPath: node.path, name: '', id: '' };
        break;
      }
      // The first organisation is always read, so every page moves on.
      if (!first && left() <= 0) {
        // Out of time: this page ends here, the next starts at this organisation.
        next = { orgPath: node.path, name: '', id: '' };
        break;
      }
      first = false;
      const query: Record<string, unknown> = { organizationId: node.id, ...base };
      if (after && node.path === after.orgPath && (after.name || after.id)) {
        query.$or = [{ name: { $gt: after.name } }, { name: after.name, _id: { $gt: after.id } }];
      }
      const wanted = size - items.length;
      const records = await this.withMaxTime(
        this.store.model
          .find(query, { ...withoutOutboxFields, history: 0, orgScopes: 0 })
          .sort({ name: 1, _id: 1 })
          .limit(wanted + 1),
        maxTimeMs(),
      )
        .lean<MemberRecord[]>()
        .exec();
      items.push(...records.slice(0, wanted).map((r) => toMember({ ...r, history: [] })));
      if (records.length > wanted) {
        const last = items[items.length - 1]!;
        next = { orgPath: node.path, name: last.name, id: last.id };
        break;
      }
      // Full, and this organisation has no more: whether another follows, the next node says.
      if (items.length === size) reading = node;
    }
    return { items, ...(next ? { next } : {}), ...(total ? { total: await total } : {}) };
  }

  private withMaxTime<Q extends { maxTimeMS(ms: number): Q }>(query: Q, ms: number): Q {
    return ms > 0 ? query.maxTimeMS(ms) : query;
  }

  async countAt(organizationId: string): Promise<number> {
    return this.store.model.countDocuments({ organizationId }).exec();
  }

  /**
   * Members of a subtree, in batches, for monthly bills and reports. One cursor over one query:
   * FerretDB serves a range on anything but `_id` by reading the collection, so paging with one
   * query per batch would read it once per batch.
   */
  async *scan(scope: string, batchSize = 1_000): AsyncGenerator<Member[]> {
    const cursor = this.store.model
      .find(within(scope), { ...withoutOutboxFields, history: 0, orgScopes: 0 })
      .lean<MemberRecord[]>()
      .cursor({ batchSize });
    let batch: Member[] = [];
    try {
      for await (const record of cursor) {
        batch.push(toMember({ ...(record as MemberRecord), history: [] }));
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      await cursor.close();
    }
  }

  async save(
    current: Member,
    changes: Partial<Omit<Member, 'id' | 'revision'>>,
    events: NewEvent[],
    push?: Record<string, unknown>,
  ): Promise<Member> {
    const $set = { ...changes, ...(changes.orgPath ? placedAt(changes.orgPath) : {}), updatedAt: new Date().toISOString() };
    if (changes.nationalId && changes.nationalId !== current.nationalId) await this.nationalIds.add([changes.nationalId]);
    const record = await this.store.saveIf(current.id, current.revision, {}, { $set, ...(push ? { $push: push } : {}) }, events);
    return toMember(record);
  }

  /** Records an event about a member without changing the record (e.g. an unmasked read). */
  async recordEvent(member: Member, event: NewEvent): Promise<void> {
    await this.store.recordEvents(member.id, [event]);
  }

  /** Which of `ids` are members recorded at the node `organizationId`: one query. */
  async recordedAt(organizationId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.store.model
      .find({ _id: { $in: ids }, organizationId }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    return new Set(found.map((m) => String(m._id)));
  }
}
