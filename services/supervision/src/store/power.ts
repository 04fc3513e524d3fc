/**
 * Power list items (their versions in the item's document: a handful each) and their recorded
 * executions, with their events (supervision.powerItem.*, supervision.powerExecution.*).
 */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection, type Page } from '@repo/db';
import { aborted, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { ExecutionStatus, PowerExecution, PowerItem, PowerItemKind, PowerItemVersion, RecordedStep } from '../domain/power-list';
import { powerEvents } from '../events/catalogue';

interface ItemRecord extends Omit<PowerItem, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
  /** Whether a version was ever published: what the public may list, found by equality. */
  published: boolean;
  kind: PowerItemKind;
}

interface ExecutionRecord extends Omit<PowerExecution, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
}

const itemSchema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    post: { type: String, default: '' },
    kind: { type: String, required: true },
    versions: { type: [Schema.Types.Mixed], required: true },
    publishedVersion: { type: Number, default: 0 },
    published: { type: Boolean, default: false },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'powerItems', versionKey: false, strict: 'throw', minimize: false },
);
itemSchema.index({ orgScopes: 1 });

const executionSchema = new Schema(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true },
    version: { type: Number, required: true },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    title: { type: String, required: true },
    startedAt: { type: String, required: true },
    status: { type: String, required: true },
    steps: { type: [Schema.Types.Mixed], default: [] },
    createdBy: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'powerExecutions', versionKey: false, strict: 'throw', minimize: false },
);
executionSchema.index({ itemId: 1 });
executionSchema.index({ orgScopes: 1 });

const toItem = (record: ItemRecord): PowerItem => {
  const { _id, orgScopes: _scopes, published: _published, kind: _kind, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

const toExecution = (record: ExecutionRecord): PowerExecution => {
  const { _id, orgScopes: _scopes, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

export const itemMissing = (id: string) => notFound('POWER_ITEM_NOT_FOUND', `power list item ${id} not found`, { id });
export const executionMissing = (id: string) => notFound('POWER_EXECUTION_NOT_FOUND', `execution ${id} not found`, { id });

const page = <T>(all: T[], n: number, size: number): Page<T> => ({ items: all.slice((n - 1) * size, n * size), total: all.length });

export class PowerRepository {
  private readonly items: OutboxStore<ItemRecord>;
  private readonly executions: OutboxStore<ExecutionRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    const conflict = (what: string) => (id: string) =>
      aborted('POWER_REVISION_CONFLICT', `${what} ${id} was changed by someone else; reload and retry`, { id });
    this.items = outboxes.register(connection.model<ItemRecord>('PowerItem', itemSchema), { conflict: conflict('item') });
    this.executions = outboxes.register(connection.model<ExecutionRecord>('PowerExecution', executionSchema), {
      conflict: conflict('execution'),
    });
  }

  get organizationPaths(): PathHolder[] {
    return [
      { name: 'powerItems', store: this.items as unknown as OutboxStore<OutboxRecord>, pathFields: ['orgPath'], scopesField: 'orgScopes' },
      {
        name: 'powerExecutions',
        store: this.executions as unknown as OutboxStore<OutboxRecord>,
        pathFields: ['orgPath'],
        scopesField: 'orgScopes',
      },
    ];
  }

  async createItem(input: { organizationId: string; orgPath: string; post: string; first: PowerItemVersion }): Promise<PowerItem> {
    const record = {
      _id: randomUUID(),
      organizationId: input.organizationId,
      ...placedAt(input.orgPath),
      post: input.post,
      kind: input.first.content.kind,
      versions: [input.first],
      publishedVersion: 0,
      published: false,
      revision: 1,
    };
    await this.items.insert(record, [
      {
        type: powerEvents.drafted,
        actor: input.first.createdBy,
        orgPath: input.orgPath,
        subjectId: record._id,
        data: { version: 1, name: input.first.content.name, post: input.post },
      },
    ]);
    return toItem(record as ItemRecord);
  }

  async item(id: string): Promise<PowerItem | undefined> {
    const record = await this.items.model.findById(id, withoutOutboxFields).lean<ItemRecord>().exec();
    return record ? toItem(record) : undefined;
  }

  /** Items at or below `scope`; only ever-published ones unless `unpublishedToo`. */
  async listItems(
    filter: { scope: string; post?: string; kind?: PowerItemKind; unpublishedToo: boolean },
    n: number,
    size: number,
  ): Promise<Page<PowerItem>> {
    const query: Record<string, unknown> = { ...within(filter.scope) };
    if (!filter.unpublishedToo) query.published = true;
    if (filter.post) query.post = filter.post;
    if (filter.kind) query.kind = filter.kind;
    const records = await this.items.model.find(query, withoutOutboxFields).lean<ItemRecord[]>().exec();
    records.sort((a, b) => (a.orgPath < b.orgPath ? -1 : a.orgPath > b.orgPath ? 1 : a._id < b._id ? -1 : 1));
    return page(records.map(toItem), n, size);
  }

  /** Saves the item's versions (a draft changed, started or published) with its event. */
  async saveVersions(
    current: PowerItem,
    versions: PowerItemVersion[],
    event: { type: string; actor: string; data: Record<string, unknown> },
  ): Promise<PowerItem> {
    const published = versions.find((v) => v.status === 'published');
    const latest = versions[versions.length - 1]!;
    const record = await this.items.saveIf(
      current.id,
      current.revision,
      {},
      {
        $set: {
          versions,
          kind: (published ?? latest).content.kind,
          publishedVersion: published?.version ?? 0,
          published: published !== undefined,
        },
      },
      [{ ...event, orgPath: current.orgPath, subjectId: current.id }],
    );
    return toItem(record);
  }

  async startExecution(input: Omit<PowerExecution, 'id' | 'status' | 'steps' | 'revision'>): Promise<PowerExecution> {
    const record = { _id: randomUUID(), ...input, ...placedAt(input.orgPath), status: 'inProgress' as const, steps: [], revision: 1 };
    await this.executions.insert(record, [
      {
        type: powerEvents.executionStarted,
        actor: input.createdBy,
        orgPath: input.orgPath,
        subjectId: record._id,
        data: { itemId: input.itemId, version: input.version, title: input.title, startedAt: input.startedAt },
      },
    ]);
    return toExecution(record as ExecutionRecord);
  }

  async execution(id: string): Promise<PowerExecution | undefined> {
    const record = await this.executions.model.findById(id, withoutOutboxFields).lean<ExecutionRecord>().exec();
    return record ? toExecution(record) : undefined;
  }

  async listExecutions(
    filter: { scope: string; itemId?: string; status?: ExecutionStatus },
    n: number,
    size: number,
  ): Promise<Page<PowerExecution>> {
    const query: Record<string, unknown> = filter.itemId ? { itemId: filter.itemId } : { ...within(filter.scope) };
    if (filter.status) query.status = filter.status;
    const records = (await this.executions.model.find(query, withoutOutboxFields).lean<ExecutionRecord[]>().exec()).filter((r) =>
      r.orgScopes.includes(filter.scope),
    );
    records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a._id < b._id ? -1 : 1));
    return page(records.map(toExecution), n, size);
  }

  /** Appends a step (its flags go out with the event, for the warning rules), if nobody recorded one meanwhile. */
  async addStep(current: PowerExecution, step: RecordedStep, completes: boolean): Promise<PowerExecution> {
    const record = await this.executions.saveIf(
      current.id,
      current.revision,
      { status: 'inProgress' },
      { $set: { status: completes ? 'completed' : 'inProgress' }, $push: { steps: step } },
      [
        {
          type: powerEvents.stepRecorded,
          actor: step.recordedBy,
          orgPath: current.orgPath,
          subjectId: current.id,
          data: { itemId: current.itemId, version: current.version, ...step, completes },
        },
      ],
    );
    return toExecution(record);
  }
}
