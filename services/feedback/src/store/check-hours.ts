/**
 * The hours that hold deadline checks: one small document per province hour (`YYYY-MM-DDTHH`)
 * in which some message's next check falls. A write marks its message's hour before it saves
 * (so a crash in between costs an empty look, never a missed check), and the ticker reads this
 * list instead of asking hour after hour: after a day's outage that is one query, not 24, and
 * the messages themselves are still asked for by equality on their hour.
 */
import { Schema, type Connection, type Model } from '@repo/db';

interface CheckHourRecord {
  _id: string;
  markedAt: string;
}

const schema = new Schema<CheckHourRecord>(
  { _id: { type: String, required: true }, markedAt: { type: String, required: true } },
  { collection: 'checkHours', versionKey: false },
);

export class CheckHours {
  private readonly model: Model<CheckHourRecord>;
  /**
   * Hours this process marked. An hour is removed only once the hour after it has passed too,
   * and checks are never placed in the past, so an hour marked here stays marked while writes
   * still place checks in it.
   */
  private readonly marked = new Set<string>();

  constructor(connection: Connection) {
    this.model = connection.model<CheckHourRecord>('CheckHour', schema);
  }

  async mark(hours: string[]): Promise<void> {
    for (const hour of hours) {
      if (!hour || this.marked.has(hour)) continue;
      await this.model.updateOne({ _id: hour }, { $setOnInsert: { markedAt: new Date().toISOString() } }, { upsert: true }).exec();
      this.marked.add(hour);
    }
    // Forget hours long gone, so the set stays small.
    if (this.marked.size > 2_000) for (const hour of [...this.marked].sort().slice(0, 1_000)) this.marked.delete(hour);
  }

  /** Marked hours up to and including `hour`, oldest first. */
  async through(hour: string): Promise<string[]> {
    const records = await this.model.find({}, { _id: 1 }).lean<{ _id: string }[]>().exec();
    return records
      .map((r) => r._id)
      .filter((h) => h <= hour)
      .sort();
  }

  /** An hour whose checks are all done. */
  async done(hour: string): Promise<void> {
    await this.model.deleteOne({ _id: hour }).exec();
    this.marked.delete(hour);
  }
}
