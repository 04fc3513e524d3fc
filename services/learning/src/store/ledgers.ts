/**
 * The class-hour ledger: one document per person and year holding its entries, its totals and
 * its standing against the requirements. Entries are keyed by what earned them, so crediting
 * the same thing twice adds nothing. `summaryStale` marks a ledger whose node's summary must be
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
  summaryStale: boolean;
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
    summaryStale: { type: Boolean, default: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'ledgers', versionKey: false, strict: 'throw' },
);
schema.index({ memberId: 1 });
schema.index({ summaryStale: 1 });
schema.index({ orgPath: 1, year: 1 });
schema.index({ orgScopes: 1, year: 1 });

export const ledgerId = (memberId: string, year: number) => `${memberId}:${year}`;

function toLedger(record: LedgerRecord): Ledger {
  const { _id, orgScopes: _scopes, entryKeys: _keys, summaryStale: _stale, ...rest } = withoutOutbox(record);
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
    if (ledgers.length === 0) return 0;
    const records = ledgers.map((l) => ({
      _id: ledgerId(l.memberId, l.year),
      ...l,
      ...placedAt(l.orgPath),
      entries: [],
      entryKeys: [],
      behindQuarters: [],
      summaryStale: true,
      revision: 1,
    }));
    try {
      await this.store.model.insertMany(records, { ordered: false });
      return records.length;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const refused = (err as { writeErrors?: unknown[] }).writeErrors?.length ?? records.length;
      return records.length - refused;
    }
  }

  /** Adds entries (none of them in the ledger yet) and the standing they give, if unchanged since read. */
  async credit(current: Ledger, entries: LedgerEntry[], totals: YearTotals, standing: Standing, events: NewEvent[]): Promise<Ledger> {
    const update = {
      $set: { totals, ...standing, summaryStale: true },
      $push: { entries: { $each: entries }, entryKeys: { $each: entries.map((e) => e.key) } },
    };
    return toLedger(await this.store.saveIf(ledgerId(current.memberId, current.year), current.revision, {}, update, events));
  }

  async reassess(current: Ledger, standing: Standing, events: NewEvent[] = [], behindQuarter?: string): Promise<Ledger> {
    const update = { $set: { ...standing, summaryStale: true }, ...(behindQuarter ? { $push: { behindQuarters: behindQuarter } } : {}) };
    return toLedger(await this.store.saveIf(ledgerId(current.memberId, current.year), current.revision, {}, update, events));
  }

  /** The ledgers of `years` follow their person to another node. */
  async place(memberId: string, years: readonly number[], orgPath: string): Promise<void> {
    for (const year of years) {
      const id = ledgerId(memberId, year);
      await this.store.tryUpdate({ _id: id }, { $set: { ...placedAt(orgPath), summaryStale: true }, $inc: { revision: 1 } }, [], id);
    }
  }

  /** Up to `limit` (node, year) pairs whose summary is stale. */
  async staleNodes(limit: number): Promise<{ orgPath: string; year: number }[]> {
    const records = await this.store.model
      .find({ summaryStale: true }, { orgPath: 1, year: 1 })
      .limit(limit)
      .lean<Pick<LedgerRecord, 'orgPath' | 'year'>[]>()
      .exec();
    const nodes = new Map(records.map((r) => [`${r.year}:${r.orgPath}`, { orgPath: r.orgPath, year: r.year }]));
    return [...nodes.values()];
  }

  /** Clears the stale marks of a node's year; a change after this sets its mark again. */
  async clearStale(orgPath: string, year: number): Promise<void> {
    await this.store.model.updateMany({ orgPath, year, summaryStale: true }, { $set: { summaryStale: false } }).exec();
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
