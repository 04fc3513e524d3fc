/**
 * Leases for scheduled jobs: with N replicas running, each tick of a job runs on the one replica
 * that holds its lease (DESIGN.md). A lease is a document per job, taken with one conditional
 * update, so it works on FerretDB and MongoDB alike.
 */
import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from '@repo/db';

interface LeaseRecord {
  _id: string;
  holder: string;
  expiresAt: string;
  /** When the work under this lease last started; lets a job run at most every so often. */
  lastRunAt?: string;
}

const leaseSchema = new Schema<LeaseRecord>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, expiresAt: { type: String, required: true }, lastRunAt: { type: String, default: '' } },
  { collection: 'leases', versionKey: false },
);

export class Leases {
  private readonly model: Model<LeaseRecord>;
  /** This process's identity as a lease holder. */
  readonly holder = randomUUID();

  constructor(connection: Connection) {
    this.model = connection.model<LeaseRecord>('Lease', leaseSchema);
  }

  /**
   * Takes (or renews) the lease of `name` for `ttlMs`; false when another replica holds it, or,
   * with `minIntervalMs`, when the work last started less than that long ago (on any replica).
   */
  async acquire(name: string, ttlMs: number, minIntervalMs = 0, now = new Date()): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const due = new Date(now.getTime() - minIntervalMs).toISOString();
    const free = { $or: [{ holder: this.holder }, { expiresAt: { $lte: now.toISOString() } }] };
    const filter = minIntervalMs > 0 ? { _id: name, $and: [free, { lastRunAt: { $lte: due } }] } : { _id: name, ...free };
    const taken = await this.model.findOneAndUpdate(filter, { $set: { holder: this.holder, expiresAt, lastRunAt: now.toISOString() } }, { new: true }).lean().exec();
    if (taken) return true;
    try {
      await this.model.create({ _id: name, holder: this.holder, expiresAt, lastRunAt: now.toISOString() });
      return true;
    } catch {
      // The lease exists: held by someone else, or the work ran recently (duplicate key).
      return false;
    }
  }

  async release(name: string): Promise<void> {
    await this.model.updateOne({ _id: name, holder: this.holder }, { $set: { expiresAt: new Date(0).toISOString() } }).exec();
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
