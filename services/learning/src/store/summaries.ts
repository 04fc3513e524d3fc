/**
 * Per node and year, what the ledgers placed at that node add up to (learners, on track, met,
 * per rule, and who is behind), recomputed from them whenever one changed. A subtree's report
 * is the sum of its nodes' summaries: one query on equality, however many members it holds.
 * Who is behind is kept apart, one list per node and year read by id: the summaries a report
 * sums stay small (a city's lists of 5,000 people made each report read 1.5 MB, and FerretDB
 * reads every document's whole body to test the filter), and a page of the list reads only
 * the nodes it spans.
 */
import { outboxField, outboxPendingField, outboxSchemaFields, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection, type Model } from '@repo/db';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { BehindLearner, NodeSummary } from '../domain/ledger';
import { placedHolder, revisionConflict } from './records';

/** A node's counts; `behindCount` people of it are on its list of who is behind. */
export type NodeCounts = Omit<NodeSummary, 'behind'> & { behindCount: number };

interface SummaryRecord extends NodeCounts, OutboxRecord {
  _id: string;
  orgScopes: string[];
  updatedAt: string;
}

interface BehindRecord {
  _id: string;
  year: number;
  behind: BehindLearner[];
}

const behindSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    behind: { type: [Schema.Types.Mixed], default: [] },
  },
  { collection: 'summaryBehind', versionKey: false, strict: 'throw' },
);

const schema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    ...placementSchemaFields,
    learners: { type: Number, required: true },
    onTrack: { type: Number, required: true },
    met: { type: Number, required: true },
    rules: { type: [Schema.Types.Mixed], default: [] },
    behindCount: { type: Number, required: true },
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
  private readonly behind: Model<BehindRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<SummaryRecord>('Summary', schema), { conflict: revisionConflict('summary') });
    this.behind = connection.model<BehindRecord>('SummaryBehind', behindSchema);
  }

  get organizationPaths(): PathHolder {
    return placedHolder('summaries', this.store as never);
  }

  async save(summary: NodeSummary): Promise<void> {
    const _id = summaryId(summary.orgPath, summary.year);
    const { behind, ...counts } = summary;
    // Summaries saved before the lists moved out lose theirs here (strict off for this $unset
    // of a field the schema no longer has).
    await this.store.model
      .updateOne(
        { _id },
        {
          $set: { ...counts, behindCount: behind.length, ...placedAt(summary.orgPath), updatedAt: new Date().toISOString() },
          $unset: { behind: '' },
          $inc: { revision: 1 },
        },
        { upsert: true, strict: false },
      )
      .exec();
    // Counts first, then the list, in the order a report reads them: the list it finds is newer
    // than its counts only when the node was recounted between its two reads.
    await this.behind.updateOne({ _id }, { $set: { year: summary.year, behind } }, { upsert: true }).exec();
  }

  /** `save` for many nodes in two bulk writes (the counts of all, then their lists). */
  async saveMany(summaries: readonly NodeSummary[]): Promise<void> {
    if (summaries.length === 0) return;
    const now = new Date().toISOString();
    await this.store.collection.bulkWrite(
      summaries.map(({ behind, ...counts }) => ({
        updateOne: {
          filter: { _id: summaryId(counts.orgPath, counts.year) },
          update: {
            $set: { ...counts, behindCount: behind.length, ...placedAt(counts.orgPath), updatedAt: now },
            // Summaries saved before the lists moved out lose theirs here.
            $unset: { behind: '' },
            $inc: { revision: 1 },
            $setOnInsert: { [outboxField]: [], [outboxPendingField]: false },
          },
          upsert: true,
        },
      })) as never[],
    );
    await this.behind.collection.bulkWrite(
      summaries.map((summary) => ({
        updateOne: {
          filter: { _id: summaryId(summary.orgPath, summary.year) },
          update: { $set: { year: summary.year, behind: summary.behind } },
          upsert: true,
        },
      })) as never[],
    );
  }

  /** The counts of every node at or below `scope`. */
  async within(scope: string, year: number): Promise<NodeCounts[]> {
    const records = await this.store.model
      .find({ ...within(scope), year }, { orgScopes: 0, outbox: 0, outboxBatch: 0, outboxPending: 0 })
      .lean<SummaryRecord[]>()
      .exec();
    return records.map(({ orgPath, year: y, learners, onTrack, met, rules, behindCount }) => ({
      orgPath,
      year: y,
      learners,
      onTrack,
      met,
      rules,
      behindCount: behindCount ?? 0,
    }));
  }

  /** Who is behind at each of `nodes` (one list per node, in the order asked). */
  async behindAt(nodes: readonly { orgPath: string; year: number }[]): Promise<BehindLearner[][]> {
    const records = await Promise.all(
      nodes.map((n) => this.behind.findById(summaryId(n.orgPath, n.year), { behind: 1 }).lean<BehindRecord>().exec()),
    );
    return records.map((r) => r?.behind ?? []);
  }
}
