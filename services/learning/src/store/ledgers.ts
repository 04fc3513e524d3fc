/**
 * The class-hour ledger: one document per person and year holding its entries, its totals and
 * its standing against the requirements. Entries are keyed by what earned them, so crediting
 * the same thing twice adds nothing. `changedAt` (ms) is set by every write: the summary
 * refresher recounts the nodes of ledgers changed since its last round, reading only. (It once
 * cleared a `summaryStale` mark on the ledgers, but FerretDB v1 applies an update as a read
 * and a write of the whole document without a lock, so that clearing lost credits written at
 * the same time; `summaryStale` is no longer written.)
 * recomputed: set with every change, cleared by the summary refresher before it recounts.
 */
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';
import { placedAt, placementSchemaFields, type PathHolder } from '@repo/kit';
import type { Ledger, LedgerEntry, Standing } from '../domain/ledger';
import type { YearTotals } from '../domain/requirements';
import { placedHolder, revisionConflict } from './records';

interface LedgerRecord extends Ledger, OutboxRecord {
  _id: string;
  orgScopes: string[];
  entryKeys: string[];
  summaryStale?: boolean;
  changedAt?: number;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    year: { type: Number, required: true },
    ...placementSchemaFields,
    entries: { type: [Schema.Types.Mixed], default: [] },
    entryKeys: { type: [String], default: [] },
    totals: { type: Schema.Types.Mixed, required: true },
    rules: { type: [Schema.Types.Mixed], default: [] },
    onTrack: { type: Boolean, required: true },
    met: { type: Boolean, required: true },
    assessedQuarters: { type: Number, required: true },
    requirementSet: { type: String, required: true },
    behindQuarters: { type: [String], default: [] },
    summaryStale: { type: Boolean },
    changedAt: { type: Number },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'ledgers', versionKey: false, strict: 'throw' },
);
schema.index({ memberId: 1 });
schema.index({ changedAt: 1 });
schema.index({ orgPath: 1, year: 1 });
schema.index({ orgScopes: 1, year: 1 });

export const ledgerId = (memberId: string, year: number) => `${memberId}:${year}`;

function toLedger(record: LedgerRecord): Ledger {
  const { _id, orgScopes: _scopes, entryKeys: _keys, summaryStale: _stale, changedAt: _changed, ...rest } = withoutOutbox(record);
  return rest;
}

/** Fields the summaries and reports read: everything but the entries. */
const slim = { ...withoutOutboxFields, entries: 0, entryKeys: 0 };

export const ledgerEvents = {
  behind: 'learning.hours.behind',
  credited: 'learning.hours.credited',
} as const;

/** Work on all ledgers that is done once (a quarter assessed, a year opened). */
interface MilestoneRecord {
  _id: string;
  finishedOn: string;
}

const milestoneSchema = new Schema<MilestoneRecord>(
  { _id: { type: String, required: true }, finishedOn: { type: String, required: true } },
  { collection: 'ledgerMilestones', versionKey: false, strict: 'throw' },
);

export class LedgerRepository {
  readonly store: OutboxStore<LedgerRecord>;
  private readonly milestones: Model<MilestoneRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<LedgerRecord>('Ledger', schema), { conflict: revisionConflict('ledger') });
    this.milestones = connection.model<MilestoneRecord>('LedgerMilestone', milestoneSchema);
  }

  async reached(milestone: string): Promise<boolean> {
    return (await this.milestones.countDocuments({ _id: milestone }).exec()) > 0;
  }

  async markReached(milestone: string, today: string): Promise<void> {
    await this.milestones.updateOne({ _id: milestone }, { $set: { finishedOn: today } }, { upsert: true }).exec();
  }

  get organizationPaths(): PathHolder {
    return placedHolder('ledgers', this.store as never);
  }

  async find(memberId: string, year: number): Promise<Ledger | null> {
    const record = await this.store.model.findById(ledgerId(memberId, year), withoutOutboxFields).lean<LedgerRecord>().exec();
    return record ? toLedger(record) : null;
  }

  /** Ledgers of several years of one person, by id (absent years left out). */
  async years(memberId: string, years: readonly number[]): Promise<Ledger[]> {
    const found = await Promise.all(
      years.map((year) => this.store.model.findById(ledgerId(memberId, year), slim).lean<LedgerRecord>().exec()),
    );
    return found.flatMap((r) => (r ? [toLedger({ ...r, entries: [] })] : []));
  }

  /** Every year's ledger of a person, newest first, without entries. */
  async ofMember(memberId: string): Promise<Ledger[]> {
    const records = await this.store.model.find({ memberId }, slim).lean<LedgerRecord[]>().exec();
    return records.map((r) => toLedger({ ...r, entries: [] })).sort((a, b) => b.year - a.year);
  }

  /** Opens empty ledgers (many at once when a year begins); those that exist stay as they are. Answers how many opened. */
  async open(ledgers: Omit<Ledger, 'revision' | 'entries' | 'behindQuarters'>[]): Promise<number> {
    return ledgers.length - (await this.openMany(ledgers)).length;
  }

  /** `open`, answering the ledgers that existed already (left as they are). */
  async openMany(ledgers: Omit<Ledger, 'revision' | 'entries' | 'behindQuarters'>[]): Promise<typeof ledgers> {
    if (ledgers.length === 0) return [];
    const records = ledgers.map((l) => ({
      _id: ledgerId(l.memberId, l.year),
      ...l,
      ...placedAt(l.orgPath),
      entries: [],
      entryKeys: [],
      behindQuarters: [],
      changedAt: Date.now(),
      revision: 1,
    }));
    try {
      // Lean: built whole here; casting thousands through the schema costs more than the insert.
      await this.store.model.insertMany(records, { ordered: false, lean: true });
      return [];
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const refused = (err as { writeErrors?: { index: number }[] }).writeErrors;
      return refused ? refused.map((e) => ledgers[e.index]!) : ledgers;
    }
  }

  /** Adds entries (none of them in the ledger yet) and the standing they give, if unchanged since read. */
  async credit(current: Ledger, entries: LedgerEntry[], totals: YearTotals, standing: Standing, events: NewEvent[]): Promise<Ledger> {
    const update = {
      $set: { totals, ...standing, changedAt: Date.now() },
      $push: { entries: { $each: entries }, entryKeys: { $each: entries.map((e) => e.key) } },
    };
    return toLedger(await this.store.saveIf(ledgerId(current.memberId, current.year), current.revision, {}, update, events));
  }

  async reassess(current: Ledger, standing: Standing, events: NewEvent[] = [], behindQuarter?: string): Promise<Ledger> {
    const update = { $set: { ...standing, changedAt: Date.now() }, ...(behindQuarter ? { $push: { behindQuarters: behindQuarter } } : {}) };
    return toLedger(await this.store.saveIf(ledgerId(current.memberId, current.year), current.revision, {}, update, events));
  }

  /** The ledgers of `years` follow their person to another node. */
  async place(memberId: string, years: readonly number[], orgPath: string): Promise<void> {
    for (const year of years) {
      const id = ledgerId(memberId, year);
      await this.store.tryUpdate({ _id: id }, { $set: { ...placedAt(orgPath), changedAt: Date.now() }, $inc: { revision: 1 } }, [], id);
    }
  }

  /**
   * The (node, year) pairs of ledgers changed after `since` (ms), and the latest change seen.
   * Reads only: see the top of this file.
   */
  async changedSince(since: number): Promise<{ nodes: { orgPath: string; year: number }[]; latest: number }> {
    const records = await this.store.model
      .find({ changedAt: { $gt: since } }, { orgPath: 1, year: 1, changedAt: 1 })
      .lean<Pick<LedgerRecord, 'orgPath' | 'year' | 'changedAt'>[]>()
      .exec();
    const nodes = new Map(records.map((r) => [`${r.year}:${r.orgPath}`, { orgPath: r.orgPath, year: r.year }]));
    let latest = since;
    for (const r of records) if ((r.changedAt ?? 0) > latest) latest = r.changedAt!;
    return { nodes: [...nodes.values()], latest };
  }

  /** `atNode` for several nodes of one year in one query. */
  async atNodes(orgPaths: readonly string[], year: number): Promise<Ledger[]> {
    const records = await this.store.model
      .find({ year, orgPath: { $in: [...orgPaths] } }, slim)
      .lean<LedgerRecord[]>()
      .exec();
    return records.map((r) => toLedger({ ...r, entries: [] }));
  }

  /** The ledgers placed exactly at a node, in a year, without entries. */
  async atNode(orgPath: string, year: number): Promise<Ledger[]> {
    const records = await this.store.model.find({ orgPath, year }, slim).lean<LedgerRecord[]>().exec();
    return records.map((r) => toLedger({ ...r, entries: [] }));
  }

  /** Every ledger of a year, in batches, without entries (the quarterly assessment). */
  async *ofYear(year: number, batchSize = 500): AsyncGenerator<Ledger[]> {
    const cursor = this.store.model.find({ year }, slim).lean<LedgerRecord[]>().cursor({ batchSize });
    let batch: Ledger[] = [];
    for await (const record of cursor) {
      batch.push(toLedger({ ...(record as unknown as LedgerRecord), entries: [] }));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
}
