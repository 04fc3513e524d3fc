/**
 * Statistics kept ready: tallies per handling organisation, leader post and day, and per month,
 * recomputed from the messages by a job. A write marks its message's key (handling organisation
 * and submission date) stale before it saves, so a crash in between costs a recomputation, never
 * a miss. Recomputing a key from its messages (one equality query) gives the same answer however
 * often it runs, which counters incremented by each write would not: on FerretDB v1 two
 * concurrent `$inc` of one document can lose one.
 */
import { randomUUID } from 'node:crypto';
import { scopesCovering } from '@repo/access';
import { Schema, type Connection, type Model } from '@repo/db';
import { rebasePath } from '@repo/kit';
import { emptyTally, sumTallies, type Tally } from '../domain/statistics';

export type Grain = 'day' | 'month';

export interface Rollup {
  grain: Grain;
  /** YYYY-MM-DD or YYYY-MM. */
  period: string;
  month: string;
  organizationId: string;
  leaderPostId: string;
  orgPath: string;
  level: string;
  tally: Tally;
}

interface RollupRecord extends Rollup {
  _id: string;
  orgScopes: string[];
  updatedAt: string;
}

interface StaleKey {
  _id: string;
  /** Replaced whenever the key is marked again: clearing it after a recomputation spares a newer mark. */
  token: string;
  at: string;
}

const rollupSchema = new Schema<RollupRecord>(
  {
    _id: { type: String, required: true },
    grain: { type: String, required: true },
    period: { type: String, required: true },
    month: { type: String, required: true },
    organizationId: { type: String, required: true },
    leaderPostId: { type: String, default: '' },
    orgPath: { type: String, required: true },
    orgScopes: { type: [String], required: true },
    level: { type: String, default: '' },
    tally: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'statisticsRollups', versionKey: false, minimize: false },
);
rollupSchema.index({ orgScopes: 1, grain: 1, month: 1 });

const staleSchema = new Schema<StaleKey>(
  { _id: { type: String, required: true }, token: { type: String, required: true }, at: { type: String, required: true } },
  { collection: 'statisticsStale', versionKey: false },
);

const stateSchema = new Schema<{ _id: string; computedThrough: string }>(
  { _id: { type: String, required: true }, computedThrough: { type: String, required: true } },
  { collection: 'statisticsState', versionKey: false },
);

const rollupId = (r: Pick<Rollup, 'grain' | 'period' | 'organizationId' | 'leaderPostId'>) =>
  `${r.grain}|${r.period}|${r.organizationId}|${r.leaderPostId}`;

export class StatisticsStore {
  private readonly rollups: Model<RollupRecord>;
  private readonly stale: Model<StaleKey>;
  private readonly state: Model<{ _id: string; computedThrough: string }>;

  constructor(connection: Connection) {
    this.rollups = connection.model<RollupRecord>('StatisticsRollup', rollupSchema);
    this.stale = connection.model<StaleKey>('StatisticsStale', staleSchema);
    this.state = connection.model('StatisticsState', stateSchema);
  }

  async markDirty(keys: string[]): Promise<void> {
    const at = new Date().toISOString();
    await Promise.all(
      keys.map((key) => this.stale.updateOne({ _id: key }, { $set: { token: randomUUID(), at } }, { upsert: true }).exec()),
    );
  }

  async staleKeys(limit: number): Promise<StaleKey[]> {
    return this.stale.find({}).limit(limit).lean<StaleKey[]>().exec();
  }

  async countStale(): Promise<number> {
    return this.stale.countDocuments({}).exec();
  }

  /** Forgets a key recomputed, unless it was marked again meanwhile. */
  async clear(key: StaleKey): Promise<void> {
    await this.stale.deleteOne({ _id: key._id, token: key.token }).exec();
  }

  /**
   * Replaces the tallies of one grain and period of an organisation with `rows` (one per leader
   * post, '' for the organisation itself); rows it no longer has are removed.
   */
  async replace(
    grain: Grain,
    period: string,
    organizationId: string,
    place: { orgPath: string; level: string },
    rows: { leaderPostId: string; tally: Tally }[],
  ): Promise<void> {
    const now = new Date().toISOString();
    const month = period.slice(0, 7);
    const keep = new Set<string>();
    for (const row of rows) {
      const rollup: Rollup = {
        grain,
        period,
        month,
        organizationId,
        leaderPostId: row.leaderPostId,
        orgPath: place.orgPath,
        level: place.level,
        tally: row.tally,
      };
      const _id = rollupId(rollup);
      keep.add(_id);
      await this.rollups
        .replaceOne({ _id }, { _id, ...rollup, orgScopes: scopesCovering(place.orgPath), updatedAt: now }, { upsert: true })
        .exec();
    }
    const existing = await this.rollups.find({ organizationId, grain, period }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    const gone = existing.map((r) => r._id).filter((id) => !keep.has(id));
    for (const _id of gone) await this.rollups.deleteOne({ _id }).exec();
  }

  /** The month's tallies of an organisation again, from its days. */
  async recomputeMonth(organizationId: string, month: string, place: { orgPath: string; level: string }): Promise<void> {
    const days = await this.rollups.find({ organizationId, grain: 'day', month }).lean<RollupRecord[]>().exec();
    const byPost = new Map<string, Tally[]>();
    for (const day of days) byPost.set(day.leaderPostId, [...(byPost.get(day.leaderPostId) ?? []), day.tally]);
    await this.replace(
      'month',
      month,
      organizationId,
      place,
      [...byPost].map(([leaderPostId, tallies]) => ({ leaderPostId, tally: sumTallies(tallies) })),
    );
  }

  /** Tallies of one grain and month placed at or below `scope` (one equality per field). */
  async within(scope: string, grain: Grain, month: string): Promise<Rollup[]> {
    const records = await this.rollups
      .find({ orgScopes: scope, grain, month }, { _id: 0, orgScopes: 0, updatedAt: 0 })
      .lean<Rollup[]>()
      .exec();
    return records.map((r) => ({ ...r, tally: { ...emptyTally(), ...r.tally } }));
  }

  /** Tallies follow their organisation when its subtree moves. */
  async followMove(from: string, to: string): Promise<number> {
    const records = await this.rollups.find({ orgScopes: from }, { _id: 1, orgPath: 1 }).lean<{ _id: string; orgPath: string }[]>().exec();
    for (const record of records) {
      const orgPath = rebasePath(record.orgPath, from, to);
      await this.rollups
        .updateOne({ _id: record._id, orgPath: record.orgPath }, { $set: { orgPath, orgScopes: scopesCovering(orgPath) } })
        .exec();
    }
    return records.length;
  }

  async computedThrough(): Promise<string> {
    return (await this.state.findById('statistics').lean<{ computedThrough: string }>().exec())?.computedThrough ?? '';
  }

  async setComputedThrough(at: string): Promise<void> {
    await this.state.updateOne({ _id: 'statistics' }, { $set: { computedThrough: at } }, { upsert: true }).exec();
  }
}
