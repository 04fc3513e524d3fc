/**
 * Discipline cases and their events (supervision.case.recorded, supervision.case.decided), one
 * document each. Asked for by equality only (FerretDB pushes no range down): organisation scope
 * through `orgScopes`, a member through `memberIds`, a month through `decidedMonth`.
 */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted, alreadyExists, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { CaseStatus, CasePerson, DisciplineCase } from '../domain/discipline-case';
import type { ViolationCategory } from '../domain/sanctions';
import { caseEvents } from '../events/catalogue';

interface CaseRecord extends Omit<DisciplineCase, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
  memberIds: string[];
  decidedMonth: string;
}

const caseSchema = new Schema(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    category: { type: String, required: true },
    summary: { type: String, required: true },
    foundAt: { type: String, required: true },
    decidedAt: { type: String, default: '' },
    decidedMonth: { type: String, default: '' },
    status: { type: String, required: true },
    persons: { type: [Schema.Types.Mixed], required: true },
    memberIds: { type: [String], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'disciplineCases', versionKey: false, strict: 'throw', minimize: false },
);
caseSchema.index({ number: 1 }, { unique: true });
caseSchema.index({ orgScopes: 1 });
caseSchema.index({ memberIds: 1 });

export interface CaseFilter {
  scope: string;
  status?: CaseStatus;
  category?: ViolationCategory;
  memberId?: string;
  decidedIn?: string;
}

const toCase = (record: CaseRecord): DisciplineCase => {
  const { _id, orgScopes: _scopes, memberIds: _members, decidedMonth: _month, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

const missing = (id: string) => notFound('CASE_NOT_FOUND', `case ${id} not found`, { id });

/** What the case's events say of each person: who and what, never a name. */
const personFacts = (persons: CasePerson[]) =>
  persons.map((p) => ({ memberId: p.memberId, level: p.level, ...(p.decision ? { decision: p.decision } : {}), influence: p.influence }));

export class CaseRepository {
  private readonly store: OutboxStore<CaseRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    const conflict = (id: string) => aborted('CASE_REVISION_CONFLICT', `case ${id} was changed by someone else; reload and retry`, { id });
    this.store = outboxes.register(connection.model<CaseRecord>('DisciplineCase', caseSchema), { conflict });
  }

  get organizationPaths(): PathHolder {
    return {
      name: 'disciplineCases',
      store: this.store as unknown as OutboxStore<OutboxRecord>,
      pathFields: ['orgPath'],
      scopesField: 'orgScopes',
    };
  }

  async create(input: Omit<DisciplineCase, 'id' | 'createdAt' | 'revision' | 'status' | 'decidedAt'>): Promise<DisciplineCase> {
    const record: Omit<CaseRecord, 'outbox'> = {
      _id: randomUUID(),
      ...input,
      ...placedAt(input.orgPath),
      status: 'open',
      decidedAt: '',
      decidedMonth: '',
      memberIds: input.persons.map((p) => p.memberId).filter(Boolean),
      createdAt: new Date().toISOString(),
      revision: 1,
    };
    const event = {
      type: caseEvents.recorded,
      actor: input.createdBy,
      orgPath: input.orgPath,
      subjectId: record._id,
      data: {
        number: input.number,
        organizationId: input.organizationId,
        category: input.category,
        foundAt: input.foundAt,
        persons: personFacts(input.persons),
      },
    };
    try {
      await this.store.insert(record, [event]);
    } catch (err) {
      if (isDuplicateKey(err))
        throw alreadyExists('CASE_NUMBER_TAKEN', `a case numbered ${input.number} exists already`, { number: input.number });
      throw err;
    }
    return toCase(record as CaseRecord);
  }

  async get(id: string): Promise<DisciplineCase | undefined> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<CaseRecord>().exec();
    return record ? toCase(record) : undefined;
  }

  async mustGet(id: string): Promise<DisciplineCase> {
    const found = await this.get(id);
    if (!found) throw missing(id);
    return found;
  }

  async list(filter: CaseFilter, page: number, size: number): Promise<Page<DisciplineCase>> {
    const query: Record<string, unknown> = { ...within(filter.scope) };
    if (filter.status) query.status = filter.status;
    if (filter.category) query.category = filter.category;
    if (filter.memberId) query.memberIds = filter.memberId;
    if (filter.decidedIn) query.decidedMonth = filter.decidedIn;
    const records = await this.store.model.find(query, withoutOutboxFields).lean<CaseRecord[]>().exec();
    // Sorted here: FerretDB would read every matching case to sort them anyway.
    records.sort((a, b) => (a.foundAt < b.foundAt ? 1 : a.foundAt > b.foundAt ? -1 : a._id < b._id ? -1 : 1));
    return { items: records.slice((page - 1) * size, page * size).map(toCase), total: records.length };
  }

  /** Decided cases within a scope decided in these months (the monthly table's). */
  async decidedIn(scope: string, months: string[]): Promise<DisciplineCase[]> {
    const found: DisciplineCase[] = [];
    for (const decidedMonth of months) {
      const records = await this.store.model
        .find({ ...within(scope), decidedMonth, status: 'decided' }, withoutOutboxFields)
        .lean<CaseRecord[]>()
        .exec();
      found.push(...records.map(toCase));
    }
    return found;
  }

  /** The cases that name the member. */
  async ofMember(memberId: string): Promise<DisciplineCase[]> {
    const records = await this.store.model.find({ memberIds: memberId }, withoutOutboxFields).lean<CaseRecord[]>().exec();
    return records.map(toCase);
  }

  async saveDecision(
    current: DisciplineCase,
    change: Pick<DisciplineCase, 'decidedAt' | 'persons' | 'status'>,
    actor: string,
  ): Promise<DisciplineCase> {
    const event = {
      type: caseEvents.decided,
      actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { number: current.number, category: current.category, decidedAt: change.decidedAt, persons: personFacts(change.persons) },
    };
    const record = await this.store.saveIf(
      current.id,
      current.revision,
      { status: 'open' },
      { $set: { ...change, decidedMonth: change.decidedAt.slice(0, 7) } },
      [event],
    );
    return toCase(record);
  }
}
