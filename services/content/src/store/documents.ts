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
import { aborted, notFound } from '@repo/errors';
import { under, type PathHolder } from '@repo/kit';
import { PublishedCache } from './published-cache';
import {
  documentEvents,
  type ContentDocument,
  type DocumentFields,
  type DocumentKind,
  type DocumentStatus,
  type WorkflowStep,
} from '../domain/document';

interface DocumentRecord extends Omit<ContentDocument, 'id'>, OutboxRecord {
  _id: string;
}

const stepSchema = new Schema<WorkflowStep>(
  {
    action: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    actor: { type: String, required: true },
    at: { type: String, required: true },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const documentSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    docNumber: { type: String, default: '' },
    agency: { type: String, required: true },
    docType: { type: String, required: true },
    issuedAt: { type: String, required: true },
    effectiveStatus: { type: String, required: true },
    region: { type: String, default: '' },
    topics: { type: [String], default: [] },
    body: { type: String, required: true },
    status: { type: String, required: true },
    orgPath: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    history: { type: [stepSchema], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'documents', versionKey: false, strict: 'throw' },
);
documentSchema.index({ status: 1, updatedAt: -1 });
documentSchema.index({ orgPath: 1, updatedAt: -1 });

export interface ListFilter {
  statuses?: DocumentStatus[];
  kind?: DocumentKind;
  agency?: string;
  docType?: string;
  /** Only documents whose orgPath starts with this, or are published when `orPublished`. */
  scope?: { orgPath: string; orPublished: boolean };
}

function toDocument(record: DocumentRecord): ContentDocument {
  const { _id, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
}

const conflict = (id: string) =>
  aborted('CONTENT_REVISION_CONFLICT', `document ${id} was changed by someone else; reload and retry`, { id });

/** Documents and their pending events: every write saves the change and its event in one update. */
export class DocumentRepository {
  readonly store: OutboxStore<DocumentRecord>;

  constructor(
    connection: Connection,
    outboxes: Outboxes,
    /** Published documents for `read` (disabled unless given and listening; see PublishedCache). */
    readonly published: PublishedCache = new PublishedCache(0, 0),
  ) {
    // Documents written before the pending flag existed may still hold events.
    this.store = outboxes.register(connection.model<DocumentRecord>('Document', documentSchema), { conflict, backfillPendingFlag: true });
  }

  get model() {
    return this.store.model;
  }

  get collection() {
    return this.store.collection;
  }

  /** The documents' organisation paths, rewritten when the member service moves a subtree. */
  get organizationPaths(): PathHolder {
    return {
      name: 'documents',
      store: this.store as unknown as OutboxStore<OutboxRecord>,
      pathFields: ['orgPath'],
      // The indexer keeps the index in step with the document's current state.
      event: (record, { from, to, actor }) => ({
        type: documentEvents.moved,
        actor,
        orgPath: to,
        subjectId: String(record._id),
        data: { from, to },
      }),
    };
  }

  async create(fields: DocumentFields, actor: string, orgPath: string): Promise<ContentDocument> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const record: DocumentRecord = {
      _id: id,
      ...fields,
      status: 'draft',
      orgPath,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      history: [],
      revision: 1,
    };
    await this.store.insert(record, [
      { type: documentEvents.created, actor, orgPath, subjectId: id, data: { revision: 1, kind: fields.kind, title: fields.title } },
    ]);
    return toDocument(record);
  }

  /**
   * A document to show: a published one from the cache when it holds it. Writers, the indexer
   * and reindexing use `get`, which always asks the store.
   */
  async read(id: string): Promise<ContentDocument> {
    const cached = this.published.get(id);
    if (cached) return cached;
    const mark = this.published.mark();
    const document = await this.get(id);
    this.published.keep(document, mark);
    return document;
  }

  async get(id: string): Promise<ContentDocument> {
    // Straight to the driver: a read by key needs none of mongoose's casting, hooks or hydration.
    const record = (await this.collection.findOne({ _id: id } as never, { projection: withoutOutboxFields })) as DocumentRecord | null;
    if (!record) throw notFound('CONTENT_DOCUMENT_NOT_FOUND', `document ${id} not found`, { id });
    return toDocument(record);
  }

  async list(filter: ListFilter, page: number, size: number): Promise<Page<ContentDocument>> {
    const query: Record<string, unknown> = {};
    if (filter.statuses) query.status = { $in: filter.statuses };
    if (filter.kind) query.kind = filter.kind;
    if (filter.agency) query.agency = filter.agency;
    if (filter.docType) query.docType = filter.docType;
    if (filter.scope) {
      const inScope = { orgPath: under(filter.scope.orgPath) };
      if (filter.scope.orPublished) query.$or = [inScope, { status: 'published' }];
      else Object.assign(query, inScope);
    }
    const [records, total] = await Promise.all([
      this.model
        .find(query, { ...withoutOutboxFields, history: 0 })
        .sort({ updatedAt: -1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<DocumentRecord[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items: records.map((r) => toDocument({ ...r, history: [] })), total };
  }

  /** Saves new field values of a draft. */
  async update(current: ContentDocument, fields: DocumentFields, changed: string[], actor: string): Promise<ContentDocument> {
    const event = {
      type: documentEvents.updated,
      actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { revision: current.revision + 1, changed },
    };
    return this.saveIf(current, { status: 'draft' }, { $set: { ...fields, updatedAt: new Date().toISOString() } }, event);
  }

  /** Records a workflow step and its event, if nobody changed the document meanwhile. */
  async recordStep(current: ContentDocument, step: WorkflowStep, eventType: string): Promise<ContentDocument> {
    const event = {
      type: eventType,
      actor: step.actor,
      orgPath: current.orgPath,
      subjectId: current.id,
      data: { revision: current.revision + 1, from: step.from, to: step.to, note: step.note },
    };
    return this.saveIf(current, { status: step.from }, { $set: { status: step.to, updatedAt: step.at }, $push: { history: step } }, event);
  }

  /**
   * Applies `update` if the document is still at the revision it was read at (and matches
   * `condition`); a concurrent change in between answers CONTENT_REVISION_CONFLICT.
   */
  private async saveIf(
    current: ContentDocument,
    condition: Record<string, unknown>,
    update: { $set: Record<string, unknown>; $push?: Record<string, unknown> },
    event: NewEvent,
  ): Promise<ContentDocument> {
    this.published.forget(current.id);
    try {
      return toDocument(await this.store.saveIf(current.id, current.revision, condition, update, [event]));
    } finally {
      // Once more after the write: a read that ran meanwhile must not keep the old version.
      this.published.forget(current.id);
    }
  }

  /**
   * Documents in `_id` order, in batches, optionally only published ones or only those changed
   * since a time (for rebuilding the search index).
   */
  async *scan(
    { publishedOnly = false, changedSince }: { publishedOnly?: boolean; changedSince?: string },
    batchSize = 500,
  ): AsyncGenerator<ContentDocument[]> {
    let after = '';
    for (;;) {
      const filter: Record<string, unknown> = { _id: { $gt: after } };
      if (publishedOnly) filter.status = 'published';
      if (changedSince) filter.updatedAt = { $gte: changedSince };
      const records = await this.model
        .find(filter, { ...withoutOutboxFields, history: 0 })
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean<DocumentRecord[]>()
        .exec();
      if (records.length === 0) return;
      yield records.map((r) => toDocument({ ...r, history: [] }));
      after = records[records.length - 1]!._id;
    }
  }
}
