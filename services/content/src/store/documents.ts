import { randomUUID } from 'node:crypto';
import { scopeRange } from '@repo/access';
import { aborted, notFound } from '@repo/errors';
import { createEvent, outboxField, toOutboxEntry, type OutboxEntry } from '@repo/bus';
import { KeyedMutex, Schema, type Connection, type Model } from '@repo/db';
import {
  documentEvents,
  type ContentDocument,
  type DocumentFields,
  type DocumentKind,
  type DocumentStatus,
  type WorkflowStep,
} from '../domain/document';

interface DocumentRecord extends Omit<ContentDocument, 'id'> {
  _id: string;
  [outboxField]: OutboxEntry[];
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
    // Pending events; read and cleared by the outbox relay.
    [outboxField]: { type: [Schema.Types.Mixed], default: [] },
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

export interface Page<T> {
  items: T[];
  total: number;
}

function toDocument(record: DocumentRecord): ContentDocument {
  const { _id, [outboxField]: _outbox, ...rest } = record;
  return { id: _id, ...rest };
}

/**
 * Documents and their pending events. Every write saves the change and its event in one
 * document update, then `onWrite` nudges the outbox relay.
 */
export class DocumentRepository {
  readonly model: Model<DocumentRecord>;

  constructor(
    connection: Connection,
    private readonly onWrite: (id: string) => void = () => undefined,
    /** Shared with the outbox relay: both write these documents. */
    readonly locks = new KeyedMutex(),
  ) {
    this.model = connection.model<DocumentRecord>('Document', documentSchema);
  }

  get collection() {
    return this.model.collection;
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
      [outboxField]: [],
    };
    record[outboxField].push(
      toOutboxEntry(
        createEvent({ type: documentEvents.created, actor, orgPath, subjectId: id, data: { revision: 1, kind: fields.kind, title: fields.title } }),
      ),
    );
    await this.model.create(record);
    this.onWrite(id);
    return toDocument(record);
  }

  async get(id: string): Promise<ContentDocument> {
    const record = await this.model.findById(id).lean<DocumentRecord>().exec();
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
      const range = scopeRange(filter.scope.orgPath);
      const inScope = { orgPath: { $gte: range.gte, $lt: range.lt } };
      if (filter.scope.orPublished) query.$or = [inScope, { status: 'published' }];
      else Object.assign(query, inScope);
    }
    const [records, total] = await Promise.all([
      this.model
        .find(query, { [outboxField]: 0, history: 0 })
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
  async update(
    current: ContentDocument,
    fields: DocumentFields,
    changed: string[],
    actor: string,
  ): Promise<ContentDocument> {
    const now = new Date().toISOString();
    const revision = current.revision + 1;
    const event = toOutboxEntry(
      createEvent({ type: documentEvents.updated, actor, orgPath: current.orgPath, subjectId: current.id, data: { revision, changed } }),
    );
    return this.saveIf(current, { status: 'draft' }, { $set: { ...fields, updatedAt: now, revision }, $push: { [outboxField]: event } });
  }

  /** Records a workflow step and its event, if nobody changed the document meanwhile. */
  async recordStep(current: ContentDocument, step: WorkflowStep, eventType: string): Promise<ContentDocument> {
    const revision = current.revision + 1;
    const event = toOutboxEntry(
      createEvent({
        type: eventType,
        actor: step.actor,
        orgPath: current.orgPath,
        subjectId: current.id,
        data: { revision, from: step.from, to: step.to, note: step.note },
      }),
    );
    return this.saveIf(current, { status: step.from }, {
      $set: { status: step.to, updatedAt: step.at, revision },
      $push: { history: step, [outboxField]: event },
    });
  }

  /**
   * Applies `update` if the document is still at the revision it was read at (and matches
   * `condition`); a concurrent change in between answers CONTENT_REVISION_CONFLICT.
   */
  private async saveIf(current: ContentDocument, condition: Record<string, unknown>, update: Record<string, unknown>): Promise<ContentDocument> {
    const record = await this.locks.run(current.id, () =>
      this.model
        // No projection: FerretDB v1 does not implement it for findAndModify.
        .findOneAndUpdate({ _id: current.id, revision: current.revision, ...condition }, update, { new: true })
        .lean<DocumentRecord>()
        .exec(),
    );
    if (!record) throw this.conflict(current);
    this.onWrite(current.id);
    return toDocument(record);
  }

  /**
   * Documents in `_id` order, in batches, optionally only published ones or only those changed
   * since a time (for rebuilding the search index).
   */
  async *scan({ publishedOnly = false, changedSince }: { publishedOnly?: boolean; changedSince?: string }, batchSize = 500): AsyncGenerator<ContentDocument[]> {
    let after = '';
    for (;;) {
      const filter: Record<string, unknown> = { _id: { $gt: after } };
      if (publishedOnly) filter.status = 'published';
      if (changedSince) filter.updatedAt = { $gte: changedSince };
      const records = await this.model
        .find(filter, { [outboxField]: 0, history: 0 })
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean<DocumentRecord[]>()
        .exec();
      if (records.length === 0) return;
      yield records.map((r) => toDocument({ ...r, history: [] }));
      after = records[records.length - 1]!._id;
    }
  }

  private conflict(current: ContentDocument) {
    return aborted('CONTENT_REVISION_CONFLICT', `document ${current.id} was changed by someone else; reload and retry`, {
      id: current.id,
      revision: String(current.revision),
    });
  }
}
