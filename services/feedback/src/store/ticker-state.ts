/** Where the deadline ticker got to: the last province hour whose checks are all done. */
import { Schema, type Connection, type Model } from '@repo/db';

interface TickerStateRecord {
  _id: string;
  through: string;
}

const schema = new Schema<TickerStateRecord>(
  { _id: { type: String, required: true }, through: { type: String, required: true } },
  { collection: 'tickerState', versionKey: false },
);

export class TickerState {
  private readonly model: Model<TickerStateRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<TickerStateRecord>('TickerState', schema);
  }

  async through(name: string): Promise<string | undefined> {
    return (await this.model.findById(name).lean<TickerStateRecord>().exec())?.through;
  }

  async setThrough(name: string, hour: string): Promise<void> {
    await this.model.updateOne({ _id: name }, { $set: { through: hour } }, { upsert: true }).exec();
  }
}
