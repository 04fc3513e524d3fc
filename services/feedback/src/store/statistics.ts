/**
 * Statistics kept ready: a tally per handling organisation and day, and per month, each with
 * its leader posts' shares and the organisation's name and level, recomputed from the messages
 * by a job; a report of a city's month reads one document per organisation and asks nothing
 * else. A write marks its message's key (handling organisation
 * and submission date) stale before it saves, so a crash in between costs a recomputation, never
 * a miss. A mark names its key's month too (handling organisation and month), and so do the
 * messages: the job reads a month of one organisation, every stale day of it, with one equality
 * query (FerretDB v1 reads every document for `$in`). Recomputing from the messages gives the same
 * answer however often it runs, which counters incremented by each write would not: on FerretDB v1
 * two concurrent `$inc` of one document can lose one.
 */
import { randomUUID } from 'node:crypto';
import { scopesCovering } from '@repo/access';
import { bulkReplace, Schema, type Connection, type Model } from '@repo/db';
import { rebasePath } from '@repo/kit';
import { emptyTally, type Tally } from '../domain/statistics';

export type Grain = 'day' | 'month';

/** A leader post's share of an organisation's tally (messages written to the post that it handles). */
export interface PostTally {
  leaderPostId: string;
  tally: Tally;
}

/** The tally of one organisation for one day or month, with the leader posts' shares of it. */
export interface Rollup {
  grain: Grain;
  /** YYYY-MM-DD or YYYY-MM. */
  period: string;
  month: string;
  organizationId: string;
  /** Kept with the tally, so a report names its rows without looking each organisation up. */
  organizationName: string;
  orgPath: string;
  level: string;
  tally: Tally;
  posts: PostTally[];
}

/** Where an organisation stands, as its rollups record it. */
export interface RollupPlace {
  orgPath: string;
  level: string;
  organizationName: string;
}

interface RollupRecord extends Rollup {
  _id: string;
  orgScopes: string[];
  updatedAt: string;
}

export interface StaleKey {
  _id: string;
  /** Replaced whenever the key is marked again: clearing it after a recomputation spares a newer mark. */
  token: string;
  at: string;
  /** The key's month, `<handling organisation>|YYYY-MM`: what the job recomputes at once. */
  month?: string;
}

/** `<organisation>|YYYY-MM-DD` → `<organisation>|YYYY-MM`. */
export const monthKeyOf = (statsKey: string) => statsKey.slice(0, statsKey.length - 3);

/** A stale mark as stored (the bench writes them in bulk in this form). */
export const staleMarkOf = (key: string, at: string): StaleKey => ({ _id: key, token: randomUUID(), at, month: monthKeyOf(key) });

/** One tally to store: an organisation's day or month. */
export interface RollupWrite {
  grain: Grain;
  period: string;
  organizationId: string;
  place: RollupPlace;
  tally: Tally;
  posts: PostTally[];
}

const rollupSchema = new Schema<RollupRecord>(
  {
    _id: { type: String, required: true },
    grain: { type: String, required: true },
    period: { type: String, required: true },
    month: { type: String, required: true },
    organizationId: { type: String, required: true },
    organizationName: { type: String, default: '' },
    orgPath: { type: String, required: true },
    orgScopes: { type: [String], required: true },
    level: { type: String, default: '' },
    tally: { type: Schema.Types.Mixed, required: true },
    posts: { type: Schema.Types.Mixed, default: [] },
    updatedAt: { type: String, required: true },
  },
  { collection: 'statisticsRollups', versionKey: false, minimize: false },
);
rollupSchema.index({ orgScopes: 1, grain: 1, month: 1 });
rollupSchema.index({ organizationId: 1 });

const staleSchema = new Schema<StaleKey>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    at: { type: String, required: true },
    month: { type: String },
  },
  { collection: 'statisticsStale', versionKey: false },
);
staleSchema.index({ month: 1 });

/**
 * `statistics`: how far the tallies are computed and their generation (replaced whenever a
 * tally changes); `done:<step>`: a one-time step taken.
 */
interface StateRecord {
  _id: string;
  computedThrough?: string;
  generation?: string;
  doneAt?: string;
}

const stateSchema = new Schema<StateRecord>(
  { _id: { type: String, required: true }, computedThrough: { type: String }, generation: { type: String }, doneAt: { type: String } },
  { collection: 'statisticsState', versionKey: false },
);

/** How far the tallies are computed, and which generation of them a report was made from. */
export interface StatisticsState {
  computedThrough: string;
  generation: string;
}

/** A report made from the tallies of one generation, kept as its JSON text (one field to decode). */
interface ReportRecord {
  _id: string;
  generation: string;
  report: string;
  storedAt: string;
}

const reportSchema = new Schema<ReportRecord>(
  {
    _id: { type: String, required: true },
    generation: { type: String, required: true },
    report: { type: String, required: true },
    storedAt: { type: String, required: true },
  },
  { collection: 'statisticsReports', versionKey: false },
);

const rollupId = (grain: Grain, period: string, organizationId: string) => `${grain}|${period}|${organizationId}`;

const withDefaults = (tally: Partial<Tally> | undefined): Tally => ({ ...emptyTally(), ...tally });

export class StatisticsStore {
  private readonly rollups: Model<RollupRecord>;
  private readonly stale: Model<StaleKey>;
  private readonly state: Model<StateRecord>;
  private readonly reports: Model<ReportRecord>;

  constructor(connection: Connection) {
    this.rollups = connection.model<RollupRecord>('StatisticsRollup', rollupSchema);
    this.stale = connection.model<StaleKey>('StatisticsStale', staleSchema);
    this.state = connection.model<StateRecord>('StatisticsState', stateSchema);
    this.reports = connection.model<ReportRecord>('StatisticsReport', reportSchema);
  }

  async markDirty(keys: string[]): Promise<void> {
    const at = new Date().toISOString();
    await Promise.all(
      keys.map((key) => {
        const { _id, ...mark } = staleMarkOf(key, at);
        return this.stale.updateOne({ _id }, { $set: mark }, { upsert: true }).exec();
      }),
    );
  }

  async staleKeys(limit: number): Promise<StaleKey[]> {
    return this.stale.find({}).limit(limit).lean<StaleKey[]>().exec();
  }

  /** Every stale key of an organisation's month (one equality). */
  async staleInMonth(monthKey: string): Promise<StaleKey[]> {
    return this.stale.find({ month: monthKey }).lean<StaleKey[]>().exec();
  }

  async countStale(): Promise<number> {
    return this.stale.countDocuments({}).exec();
  }

  /** Forgets keys recomputed, each unless it was marked again meanwhile (one round trip). */
  async clear(keys: StaleKey[]): Promise<void> {
    await bulkReplace(this.stale.collection, { remove: keys.map(({ _id, token }) => ({ _id, token })) });
  }

  /**
   * Sets tallies of organisations for days or months, one document each, in one round trip; an
   * empty tally removes its document. Two runs writing one new key at once both succeed.
   */
  async replaceAll(writes: RollupWrite[]): Promise<void> {
    const updatedAt = new Date().toISOString();
    const replace: RollupRecord[] = [];
    const remove: { _id: string }[] = [];
    for (const { grain, period, organizationId, place, tally, posts } of writes) {
      const _id = rollupId(grain, period, organizationId);
      if (tally.submitted === 0) remove.push({ _id });
      else
        replace.push({
          _id,
          grain,
          period,
          month: period.slice(0, 7),
          organizationId,
          ...place,
          orgScopes: scopesCovering(place.orgPath),
          tally,
          posts,
          updatedAt,
        });
    }
    await bulkReplace(this.rollups.collection, { replace, remove });
  }

  /** Tallies of one grain and month placed at or below `scope` (one equality per field). */
  async within(scope: string, grain: Grain, month: string): Promise<Rollup[]> {
    const records = await this.rollups
      .find({ orgScopes: scope, grain, month }, { _id: 0, orgScopes: 0, updatedAt: 0 })
      .lean<Rollup[]>()
      .exec();
    return records.map((r) => ({
      ...r,
      tally: withDefaults(r.tally),
      posts: (r.posts ?? []).map((p) => ({ ...p, tally: withDefaults(p.tally) })),
    }));
  }

  /** Tallies carry their organisation's name: a renaming reaches them (and the reports made of them). */
  async renameOrganization(organizationId: string, organizationName: string): Promise<number> {
    const renamed = (await this.rollups.updateMany({ organizationId }, { $set: { organizationName } }).exec()).modifiedCount;
    await this.newGeneration();
    return renamed;
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
    await this.newGeneration();
    return records.length;
  }

  async current(): Promise<StatisticsState> {
    const state = await this.state.findById('statistics').lean<StateRecord>().exec();
    return { computedThrough: state?.computedThrough ?? '', generation: state?.generation ?? '' };
  }

  /**
   * Called after tallies changed (and before their marks are cleared, so a crash in between
   * calls it again): every report made before is out of date, and is forgotten. A report
   * stored by a read that began before this call carries the old generation and is never used.
   */
  async newGeneration(): Promise<void> {
    const generation = randomUUID();
    await this.state.updateOne({ _id: 'statistics' }, { $set: { generation } }, { upsert: true }).exec();
    // The store keeps only what the current generation can use: reports of any period and scope asked.
    await this.reports.deleteMany({ generation: { $ne: generation } }).exec();
  }

  /** The report stored under a key, with the generation of the tallies it was made of. */
  async storedReport(key: string): Promise<{ generation: string; report: string } | null> {
    return this.reports.findById(key, { generation: 1, report: 1 }).lean<ReportRecord>().exec();
  }

  /** Keeps a report; two reads storing one key at once both succeed, the later one stays. */
  async keepReport(key: string, generation: string, report: string): Promise<void> {
    await bulkReplace(this.reports.collection, { replace: [{ _id: key, generation, report, storedAt: new Date().toISOString() }] });
  }

  async setComputedThrough(at: string): Promise<void> {
    await this.state.updateOne({ _id: 'statistics' }, { $set: { computedThrough: at } }, { upsert: true }).exec();
  }

  async done(step: string): Promise<boolean> {
    return (await this.state.findById(`done:${step}`).lean<StateRecord>().exec()) !== null;
  }

  async setDone(step: string): Promise<void> {
    await this.state.updateOne({ _id: `done:${step}` }, { $set: { doneAt: new Date().toISOString() } }, { upsert: true }).exec();
  }
}
