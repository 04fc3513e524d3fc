/**
 * Warnings and their events (supervision.warning.*). A warning's `_id` is its rule, subject and
 * period, so raising it twice (a redelivered event, two replicas of the job) inserts it once.
 */
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted, notFound } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import { warningId, type Warning, type WarningStatus, type WarningStep } from '../domain/warning';
import { warningEvents } from '../events/catalogue';

interface WarningRecord extends Omit<Warning, 'id'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
}

const warningSchema = new Schema(
  {
    _id: { type: String, required: true },
    ruleId: { type: String, required: true },
    title: { type: String, required: true },
    basis: { type: String, required: true },
    severity: { type: String, required: true },
    subjectId: { type: String, required: true },
    period: { type: String, required: true },
    ...placementSchemaFields,
    facts: { type: Schema.Types.Mixed, default: {} },
    eventId: { type: String, default: '' },
    status: { type: String, required: true },
    assignee: { type: String, default: '' },
    raisedAt: { type: String, required: true },
    history: { type: [Schema.Types.Mixed], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'warnings', versionKey: false, strict: 'throw', minimize: false },
);
warningSchema.index({ orgScopes: 1 });

export interface WarningFilter {
  scope: string;
  status?: WarningStatus;
  ruleId?: string;
  subjectId?: string;
  assignee?: string;
}

export type NewWarning = Omit<Warning, 'id' | 'status' | 'assignee' | 'history' | 'revision' | 'raisedAt'>;

const toWarning = (record: WarningRecord): Warning => {
  const { _id, orgScopes: _scopes, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

export class WarningRepository {
  private readonly store: OutboxStore<WarningRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    const conflict = (id: string) =>
      aborted('WARNING_REVISION_CONFLICT', `warning ${id} was changed by someone else; reload and retry`, { id });
    this.store = outboxes.register(connection.model<WarningRecord>('Warning', warningSchema), { conflict });
  }

  get organizationPaths(): PathHolder {
    return {
      name: 'warnings',
      store: this.store as unknown as OutboxStore<OutboxRecord>,
      pathFields: ['orgPath'],
      scopesField: 'orgScopes',
    };
  }

  /** Raises the warning unless it was raised before; answers whether this call raised it. */
  async raise(warning: NewWarning, at: Date): Promise<boolean> {
    const record = {
      _id: warningId(warning.ruleId, warning.subjectId, warning.period),
      ...warning,
      ...placedAt(warning.orgPath),
      status: 'open' as const,
      assignee: '',
      raisedAt: at.toISOString(),
      history: [],
      revision: 1,
    };
    try {
      await this.store.insert(record, [
        {
          type: warningEvents.raised,
          actor: `system:warning-rules`,
          orgPath: warning.orgPath,
          subjectId: record._id,
          data: {
            ruleId: warning.ruleId,
            severity: warning.severity,
            subjectId: warning.subjectId,
            period: warning.period,
            eventId: warning.eventId,
            facts: warning.facts,
          },
        },
      ]);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<Warning | undefined> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<WarningRecord>().exec();
    return record ? toWarning(record) : undefined;
  }

  private query(filter: WarningFilter): Record<string, unknown> {
    const query: Record<string, unknown> = { ...within(filter.scope) };
    if (filter.status) query.status = filter.status;
    if (filter.ruleId) query.ruleId = filter.ruleId;
    if (filter.subjectId) query.subjectId = filter.subjectId;
    if (filter.assignee) query.assignee = filter.assignee;
    return query;
  }

  async list(filter: WarningFilter, page: number, size: number): Promise<Page<Warning>> {
    const records = await this.store.model
      .find(this.query(filter), { ...withoutOutboxFields, history: 0 })
      .lean<WarningRecord[]>()
      .exec();
    records.sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : a._id < b._id ? -1 : 1));
    return { items: records.slice((page - 1) * size, page * size).map((r) => toWarning({ ...r, history: [] })), total: records.length };
  }

  /** Rule, status and organisation of every warning in scope: what the statistics count. */
  async tallies(scope: string): Promise<Pick<Warning, 'ruleId' | 'status' | 'orgPath'>[]> {
    return this.store.model
      .find(this.query({ scope }), { ruleId: 1, status: 1, orgPath: 1 })
      .lean<Pick<Warning, 'ruleId' | 'status' | 'orgPath'>[]>()
      .exec();
  }

  async saveStep(current: Warning, step: WarningStep, to: WarningStatus): Promise<Warning> {
    const type = { assign: warningEvents.assigned, acknowledge: warningEvents.acknowledged, close: warningEvents.closed }[step.action];
    const record = await this.store.saveIf(
      current.id,
      current.revision,
      { status: current.status },
      { $set: { status: to, ...(step.action === 'assign' ? { assignee: step.assignee } : {}) }, $push: { history: step } },
      [
        {
          type,
          actor: step.actor,
          orgPath: current.orgPath,
          subjectId: current.id,
          data: { ruleId: current.ruleId, from: current.status, to, assignee: step.assignee || current.assignee, note: step.note },
        },
      ],
    );
    return toWarning(record);
  }
}

export const warningMissing = (id: string) => notFound('WARNING_NOT_FOUND', `warning ${id} not found`, { id });
