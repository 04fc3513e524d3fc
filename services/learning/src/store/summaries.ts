/**
 * Per node and year, what the ledgers placed at that node add up to (learners, on track, met,
 * per rule, and who is behind), recomputed from them whenever one changed. A subtree's report
 * is the sum of its nodes' summaries: one query on equality, however many members it holds.
 */
import { outboxSchemaFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection } from '@repo/db';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { NodeSummary } from '../domain/ledger';
import { placedHolder, revisionConflict } from './records';

interface SummaryRecord extends NodeSummary, OutboxRecord {
  _id: string;
  orgScopes: string[];
  updatedAt: string;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    ...placementSchemaFields,
    learners: { type: Number, required: true },
    onTrack: { type: Number, required: true },
    met: { type: Number, required: true },
    rules: { type: [Schema.Types.Mixed], default: [] },
    behind: { type: [Schema.Types.Mixed], default: [] },
    updatedAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'summaries', versionKey: false, strict: 'throw' },
);
schema.index({ orgScopes: 1, year: 1 });

/** A node's own id is the last segment of its path, which a move does not change. */
function summaryId(orgPath: string, year: number): string {
  const segments = orgPath.split('/').filter(Boolean);
  return `${year}:${segments[segments.length - 1] ?? 'root'}`;
}

export class SummaryRepository {
  readonly store: OutboxStore<SummaryRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<SummaryRecord>('Summary', schema), { conflict: revisionConflict('summary') });
  }

  get organizationPaths(): PathHolder {
    return placedHolder('summaries', this.store as never);
  }

  async save(summary: NodeSummary): Promise<void> {
    const _id = summaryId(summary.orgPath, summary.year);
    await this.store.model
      .updateOne(
        { _id },
        { $set: { ...summary, ...placedAt(summary.orgPath), updatedAt: new Date().toISOString() }, $inc: { revision: 1 } },
        { upsert: true },
      )
      .exec();
  }

  /** The summaries of every node at or below `scope`. */
  async within(scope: string, year: number): Promise<NodeSummary[]> {
    const records = await this.store.model
      .find({ ...within(scope), year }, { orgScopes: 0, outbox: 0, outboxBatch: 0, outboxPending: 0 })
      .lean<SummaryRecord[]>()
      .exec();
    return records.map(({ orgPath, year: y, learners, onTrack, met, rules, behind }) => ({
      orgPath,
      year: y,
      learners,
      onTrack,
      met,
      rules,
      behind,
    }));
  }
}
