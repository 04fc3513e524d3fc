/**
 * Billing runs: one document per organisation and month, the status resource of a month's dues
 * billing of a subtree (queued, running, finished, failed, with its counts). The unique
 * (organizationId, month) index makes starting a run idempotent: a second request, on any
 * replica, finds the first one's run.
 */
import { randomUUID } from 'node:crypto';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';

export type BillingRunState = 'queued' | 'running' | 'finished' | 'failed';

export interface BillingCounts {
  membersRead: number;
  created: number;
  existing: number;
  skipped: number;
  totalFen: number;
}

export interface BillingRun extends BillingCounts {
  id: string;
  organizationId: string;
  orgPath: string;
  month: string;
  state: BillingRunState;
  attempts: number;
  error: string;
  requestedBy: string;
  requestedAt: string;
  startedAt: string;
  finishedAt: string;
  updatedAt: string;
}

interface BillingRunRecord extends Omit<BillingRun, 'id'> {
  _id: string;
}

const runSchema = new Schema<BillingRunRecord>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    orgPath: { type: String, required: true },
    month: { type: String, required: true },
    state: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    error: { type: String, default: '' },
    membersRead: { type: Number, default: 0 },
    created: { type: Number, default: 0 },
    existing: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    totalFen: { type: Number, default: 0 },
    requestedBy: { type: String, required: true },
    requestedAt: { type: String, required: true },
    startedAt: { type: String, default: '' },
    finishedAt: { type: String, default: '' },
    updatedAt: { type: String, required: true },
  },
  { collection: 'duesBillingRuns', versionKey: false, strict: 'throw', minimize: false },
);
runSchema.index({ organizationId: 1, month: 1 }, { unique: true });
runSchema.index({ state: 1 });

function toRun(record: BillingRunRecord): BillingRun {
  const { _id, ...rest } = record;
  return { id: _id, ...rest };
}

const noCounts: BillingCounts = { membersRead: 0, created: 0, existing: 0, skipped: 0, totalFen: 0 };

export class BillingRunRepository {
  readonly model: Model<BillingRunRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<BillingRunRecord>('DuesBillingRun', runSchema);
  }

  /**
   * The run of this organisation and month: a new queued one, or the one already there
   * (`opened` false). A failed run is queued again: asking again is how it is retried.
   */
  async open(input: {
    organizationId: string;
    orgPath: string;
    month: string;
    requestedBy: string;
  }): Promise<{ run: BillingRun; opened: boolean }> {
    const now = new Date().toISOString();
    const record: BillingRunRecord = {
      _id: randomUUID(),
      ...input,
      state: 'queued',
      attempts: 0,
      error: '',
      ...noCounts,
      requestedAt: now,
      startedAt: '',
      finishedAt: '',
      updatedAt: now,
    };
    try {
      await this.model.create(record);
      return { run: toRun(record), opened: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.model.findOne({ organizationId: input.organizationId, month: input.month }).lean<BillingRunRecord>().exec();
    if (!existing) throw new Error(`billing run of ${input.organizationId} ${input.month} refused as a duplicate but not found`);
    if (existing.state !== 'failed') return { run: toRun(existing), opened: false };
    const requeued = await this.update(existing._id, { state: 'queued', attempts: 0, error: '' });
    return { run: requeued ?? toRun(existing), opened: true };
  }

  async find(id: string): Promise<BillingRun | null> {
    const record = await this.model.findById(id).lean<BillingRunRecord>().exec();
    return record ? toRun(record) : null;
  }

  /** Runs nobody has finished: queued ones, and running ones whose replica may have died. */
  async unfinished(): Promise<BillingRun[]> {
    // Two equalities rather than `$in`: FerretDB pushes equality down to its backend.
    const [queued, running] = await Promise.all(
      (['queued', 'running'] as const).map((state) =>
        this.model.find({ state }).sort({ requestedAt: 1 }).lean<BillingRunRecord[]>().exec(),
      ),
    );
    return [...queued!, ...running!].map(toRun);
  }

  async update(id: string, changes: Partial<Omit<BillingRun, 'id'>>): Promise<BillingRun | null> {
    const record = await this.model
      .findOneAndUpdate({ _id: id }, { $set: { ...changes, updatedAt: new Date().toISOString() } }, { new: true })
      .lean<BillingRunRecord>()
      .exec();
    return record ? toRun(record) : null;
  }
}
