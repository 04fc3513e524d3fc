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
}

const leaseSchema = new Schema<LeaseRecord>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, expiresAt: { type: String, required: true } },
  { collection: 'leases', versionKey: false },
);

export class Leases {
  private readonly model: Model<LeaseRecord>;
  /** This process's identity as a lease holder. */
  readonly holder = randomUUID();

  constructor(connection: Connection) {
    this.model = connection.model<LeaseRecord>('Lease', leaseSchema);
  }

  /** Takes (or renews) the lease of `name` for `ttlMs`; false when another replica holds it. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const taken = await this.model
      .findOneAndUpdate({ _id: name, $or: [{ holder: this.holder }, { expiresAt: { $lte: now.toISOString() } }] }, { $set: { holder: this.holder, expiresAt } }, { new: true })
      .lean()
      .exec();
    if (taken) return true;
    try {
      await this.model.create({ _id: name, holder: this.holder, expiresAt });
      return true;
    } catch {
      // Someone else's lease exists and has not expired (duplicate key).
      return false;
    }
  }

  async release(name: string): Promise<void> {
    await this.model.updateOne({ _id: name, holder: this.holder }, { $set: { expiresAt: new Date(0).toISOString() } }).exec();
  }

  /** Runs `work` under the lease of `name`; skipped (returns undefined) when another replica holds it. */
  async runExclusive<T>(name: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.acquire(name, ttlMs))) return undefined;
    try {
      return await work();
    } finally {
      await this.release(name);
    }
  }
}
