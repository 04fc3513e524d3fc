/**
 * Submission limits that hold across replicas: each submission takes one of a key's numbered
 * slots for the day by inserting it, and the store's unique `_id` lets only one insert take each,
 * so `limit` slots means at most `limit` submissions whatever the replicas do at once (a counter
 * updated with `$inc` could lose increments on FerretDB v1, whose updates are unisolated).
 */
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';

interface Slot {
  _id: string;
  /** `<kind>:<key>|<day>`. */
  bucket: string;
  day: string;
  at: string;
}

const slotSchema = new Schema<Slot>(
  {
    _id: { type: String, required: true },
    bucket: { type: String, required: true },
    day: { type: String, required: true },
    at: { type: String, required: true },
  },
  { collection: 'submissionSlots', versionKey: false },
);
slotSchema.index({ bucket: 1 });
slotSchema.index({ day: 1 });

const range = (first: number, last: number) => Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);

export class SubmissionQuotas {
  private readonly slots: Model<Slot>;

  constructor(connection: Connection) {
    this.slots = connection.model<Slot>('SubmissionSlot', slotSchema);
  }

  /**
   * Takes a slot of the day's bucket; the slot's id, or undefined when all `limit` are taken.
   * Slots are numbered 1 to `limit`, so fewer than `limit` stored means one is free: those above
   * the count are tried first, then the holes a slot given back leaves below it.
   */
  async take(bucket: string, day: string, limit: number): Promise<string | undefined> {
    const key = `${bucket}|${day}`;
    const taken = await this.slots.countDocuments({ bucket: key }).exec();
    if (taken >= limit) return undefined;
    const order = [...range(taken + 1, limit), ...range(1, taken)];
    for (const n of order) {
      const _id = `${key}|${n}`;
      try {
        await this.slots.create({ _id, bucket: key, day, at: new Date().toISOString() });
        return _id;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return undefined;
  }

  /** Gives a slot back (the submission it was taken for was not written). */
  async release(slot: string): Promise<void> {
    await this.slots.deleteOne({ _id: slot }).exec();
  }

  /** Removes a day's slots once the day is over. */
  async prune(day: string): Promise<number> {
    return (await this.slots.deleteMany({ day }).exec()).deletedCount;
  }
}
