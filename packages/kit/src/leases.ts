/**
 * Leases for scheduled jobs: every service runs as N identical replicas, and each tick of a job
 * runs on the one replica that holds its lease.
 *
 * A lease is a document per job with a generation number. Taking it means claiming the next
 * generation by inserting a claim document whose `_id` is the job and that generation: the
 * store's unique `_id` lets exactly one claimant win, on MongoDB and on FerretDB v1 alike, where
 * a conditional update is a read and a separate write, so two replicas could both "win" it.
 */
import { randomUUID } from 'node:crypto';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';

interface LeaseRecord {
  _id: string;
  /** Raised by one with every taking; the claim of a generation is unique. */
  generation: number;
  holder: string;
  expiresAt: string;
  /** When the work under this lease last started; lets a job run at most every so often. */
  lastRunAt?: string;
}

interface LeaseClaim {
  /** `<lease>#<generation>`. */
  _id: string;
  holder: string;
  at: string;
}

const leaseSchema = new Schema<LeaseRecord>(
  {
    _id: { type: String, required: true },
    generation: { type: Number, default: 0 },
    holder: { type: String, required: true },
    expiresAt: { type: String, required: true },
    lastRunAt: { type: String, default: '' },
  },
  { collection: 'leases', versionKey: false },
);

const claimSchema = new Schema<LeaseClaim>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, at: { type: String, required: true } },
  { collection: 'leaseClaims', versionKey: false },
);

/** Claims older than this many generations are removed: no reader is that far behind. */
const keptGenerations = 16;

const claimId = (name: string, generation: number) => `${name}#${generation}`;

export class Leases {
  private readonly model: Model<LeaseRecord>;
  private readonly claims: Model<LeaseClaim>;
  /** This process's identity as a lease holder. */
  readonly holder = randomUUID();
  /** The generation this process holds, per lease. */
  private readonly held = new Map<string, number>();

  constructor(connection: Connection) {
    this.model = connection.model<LeaseRecord>('Lease', leaseSchema);
    this.claims = connection.model<LeaseClaim>('LeaseClaim', claimSchema);
  }

  /**
   * Takes the lease of `name` for `ttlMs`; false when someone holds it (this process too: a job
   * does not run twice at once), or, with `minIntervalMs`, when the work last started less than
   * that long ago (on any replica).
   */
  async acquire(name: string, ttlMs: number, minIntervalMs = 0, now = new Date()): Promise<boolean> {
    const current = await this.model.findById(name).lean<LeaseRecord>().exec();
    if (current && current.expiresAt > now.toISOString()) return false;
    if (current && minIntervalMs > 0 && (current.lastRunAt ?? '') > new Date(now.getTime() - minIntervalMs).toISOString()) return false;
    const generation = (current?.generation ?? 0) + 1;
    try {
      await this.claims.create({ _id: claimId(name, generation), holder: this.holder, at: now.toISOString() });
    } catch (err) {
      // Another replica (or another tick here) claimed this generation first.
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    // Only the winner of `generation` writes it.
    const lease = {
      generation,
      holder: this.holder,
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      lastRunAt: now.toISOString(),
    };
    await this.model.updateOne({ _id: name }, { $set: lease }, { upsert: true }).exec();
    this.held.set(name, generation);
    if (generation > keptGenerations) await this.claims.deleteOne({ _id: claimId(name, generation - keptGenerations) }).exec();
    return true;
  }

  /**
   * Extends a lease this process holds by `ttlMs` from now (long work renews as it goes, so a
   * replica that dies loses it within one ttl). False when it is no longer held here.
   */
  async renew(name: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const generation = this.held.get(name);
    if (generation === undefined) return false;
    const result = await this.model
      .updateOne({ _id: name, holder: this.holder, generation }, { $set: { expiresAt: new Date(now.getTime() + ttlMs).toISOString() } })
      .exec();
    if (result.matchedCount === 0) this.held.delete(name);
    return result.matchedCount > 0;
  }

  async release(name: string): Promise<void> {
    const generation = this.held.get(name);
    if (generation === undefined) return;
    this.held.delete(name);
    await this.model.updateOne({ _id: name, holder: this.holder, generation }, { $set: { expiresAt: new Date(0).toISOString() } }).exec();
  }

  /** Runs `work` under the lease of `name`; skipped (undefined) when it may not run now. */
  async runExclusive<T>(name: string, ttlMs: number, work: () => Promise<T>, minIntervalMs = 0): Promise<T | undefined> {
    if (!(await this.acquire(name, ttlMs, minIntervalMs))) return undefined;
    try {
      return await work();
    } finally {
      await this.release(name);
    }
  }
}
