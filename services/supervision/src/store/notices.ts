/** Notices and their events (supervision.notice.*), one document each. */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection, type Page } from '@repo/db';
import { aborted, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { Notice, NoticeKind, NoticeStatus, NoticeStep } from '../domain/notice';
import { noticeEvents } from '../events/catalogue';

interface NoticeRecord extends Omit<Notice, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
}

const noticeSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    status: { type: String, required: true },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    title: { type: String, required: true },
    month: { type: String, default: '' },
    rows: { type: [Schema.Types.Mixed], default: [] },
    caseIds: { type: [String], default: [] },
    text: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    publishedAt: { type: String, default: '' },
    history: { type: [Schema.Types.Mixed], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'notices', versionKey: false, strict: 'throw', minimize: false },
);
noticeSchema.index({ orgScopes: 1 });
noticeSchema.index({ status: 1 });

export type NoticeContent = Pick<Notice, 'title' | 'month' | 'rows' | 'caseIds' | 'text'>;

export interface NoticeFilter {
  kind?: NoticeKind;
  status?: NoticeStatus;
  /** Published ones everywhere, and the others at or below this path (none when undefined). */
  scope: string;
  /** At or below this path only. */
  under?: string;
}

const toNotice = (record: NoticeRecord): Notice => {
  const { _id, orgScopes: _scopes, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

export class NoticeRepository {
  private readonly store: OutboxStore<NoticeRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    const conflict = (id: string) =>
      aborted('NOTICE_REVISION_CONFLICT', `notice ${id} was changed by someone else; reload and retry`, { id });
    this.store = outboxes.register(connection.model<NoticeRecord>('Notice', noticeSchema), { conflict });
  }

  get organizationPaths(): PathHolder {
    return {
      name: 'notices',
      store: this.store as unknown as OutboxStore<OutboxRecord>,
      pathFields: ['orgPath'],
      scopesField: 'orgScopes',
    };
  }

  async create(input: { kind: NoticeKind; organizationId: string; orgPath: string; createdBy: string } & NoticeContent): Promise<Notice> {
    const record = {
      _id: randomUUID(),
      ...input,
      ...placedAt(input.orgPath),
      status: 'draft' as const,
      createdAt: new Date().toISOString(),
      publishedAt: '',
      history: [],
      revision: 1,
    };
    await this.store.insert(record, [
      {
        type: noticeEvents.drafted,
        actor: input.createdBy,
        orgPath: input.orgPath,
        subjectId: record._id,
        data: { kind: input.kind, month: input.month, caseIds: input.caseIds },
      },
    ]);
    return toNotice(record as NoticeRecord);
  }

  async get(id: string): Promise<Notice> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<NoticeRecord>().exec();
    if (!record) throw notFound('NOTICE_NOT_FOUND', `notice ${id} not found`, { id });
    return toNotice(record);
  }

  async list(filter: NoticeFilter, page: number, size: number): Promise<Page<Notice>> {
    const base: Record<string, unknown> = {};
    if (filter.kind) base.kind = filter.kind;
    if (filter.under) Object.assign(base, within(filter.under));
    // Two equality queries rather than an $or: each is served by its index on FerretDB.
    const published = filter.status && filter.status !== 'published' ? [] : await this.find({ ...base, status: 'published' });
    const others =
      filter.status === 'published'
        ? []
        : await this.find({ ...base, ...within(filter.scope), ...(filter.status ? { status: filter.status } : {}) });
    const records = [...new Map([...published, ...others].map((r) => [r._id, r])).values()].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : -1,
    );
    return { items: records.slice((page - 1) * size, page * size).map(toNotice), total: records.length };
  }

  private find(query: Record<string, unknown>): Promise<NoticeRecord[]> {
    return this.store.model.find(query, withoutOutboxFields).lean<NoticeRecord[]>().exec();
  }

  /** Records a step (and the draft's new content, on a refresh) if nobody changed the notice meanwhile. */
  async saveStep(current: Notice, step: NoticeStep, to: NoticeStatus, content?: NoticeContent): Promise<Notice> {
    const type = { refresh: noticeEvents.refreshed, review: noticeEvents.reviewed, publish: noticeEvents.published }[step.action];
    const set: Record<string, unknown> = { status: to, ...(content ?? {}), ...(to === 'published' ? { publishedAt: step.at } : {}) };
    const record = await this.store.saveIf(
      current.id,
      current.revision,
      { status: current.status },
      { $set: set, $push: { history: step } },
      [
        {
          type,
          actor: step.actor,
          orgPath: current.orgPath,
          subjectId: current.id,
          data: { kind: current.kind, from: current.status, to, note: step.note },
        },
      ],
    );
    return toNotice(record);
  }
}
