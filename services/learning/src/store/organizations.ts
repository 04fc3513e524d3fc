/**
 * The organisation tree as far as learning needs it (id, path, name), kept from the member
 * service's events: reports and statistics take an organisation id, the portrait shows names.
 */
import { Schema, type Connection, type Model } from '@repo/db';
import { rebasePath, under } from '@repo/kit';

interface OrganizationRecord {
  _id: string;
  path: string;
  name: string;
  deleted: boolean;
}

export interface OrganizationCopy {
  id: string;
  path: string;
  name: string;
}

const schema = new Schema<OrganizationRecord>(
  {
    _id: { type: String, required: true },
    path: { type: String, required: true },
    name: { type: String, default: '' },
    deleted: { type: Boolean, default: false },
  },
  { collection: 'organizations', versionKey: false, strict: 'throw' },
);
schema.index({ path: 1 });

export class OrganizationCopies {
  private readonly model: Model<OrganizationRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<OrganizationRecord>('Organization', schema);
  }

  async find(id: string): Promise<OrganizationCopy | null> {
    const record = await this.model.findOne({ _id: id, deleted: false }).lean<OrganizationRecord>().exec();
    return record ? { id: record._id, path: record.path, name: record.name } : null;
  }

  async names(ids: readonly string[]): Promise<Map<string, string>> {
    const records = await Promise.all([...new Set(ids)].map((id) => this.model.findById(id).lean<OrganizationRecord>().exec()));
    return new Map(records.flatMap((r) => (r ? [[r._id, r.name] as const] : [])));
  }

  async upsert(id: string, fields: Partial<Omit<OrganizationRecord, '_id'>>): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: fields }, { upsert: true }).exec();
  }

  /** A subtree moved: every copied path under `from` now lies under `to`. */
  async move(from: string, to: string): Promise<void> {
    const records = await this.model
      .find({ path: under(from) })
      .lean<OrganizationRecord[]>()
      .exec();
    for (const record of records)
      await this.model.updateOne({ _id: record._id, path: record.path }, { $set: { path: rebasePath(record.path, from, to) } }).exec();
  }
}
