/**
 * This service's copy of the organisation tree, kept from the member service's events (a
 * service never reads another's database). Small: every node of the province, names and paths.
 */
import { Schema, type Connection, type Model } from '@repo/db';
import type { Organization, OrganizationLevel } from '../domain/organizations';

interface OrganizationRecord extends Omit<Organization, 'id'> {
  _id: string;
  updatedAt: string;
}

const organizationSchema = new Schema<OrganizationRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    level: { type: String, required: true },
    parentId: { type: String, default: '' },
    path: { type: String, required: true },
    deleted: { type: Boolean, default: false },
    updatedAt: { type: String, required: true },
  },
  { collection: 'organizations', versionKey: false },
);
organizationSchema.index({ parentId: 1 });

const toOrganization = ({ _id, updatedAt: _updatedAt, ...rest }: OrganizationRecord): Organization => ({ id: _id, ...rest });

export class OrganizationDirectory {
  readonly model: Model<OrganizationRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<OrganizationRecord>('Organization', organizationSchema);
  }

  /** Sets what is known of a node; fields left out keep their values. */
  async put(id: string, fields: Partial<Omit<Organization, 'id'>>): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { ...fields, updatedAt: new Date().toISOString() } }, { upsert: true }).exec();
  }

  /** A node that exists (deleted ones answer undefined). */
  async find(id: string): Promise<Organization | undefined> {
    if (!id) return undefined;
    const record = await this.model.findById(id).lean<OrganizationRecord>().exec();
    return record && !record.deleted ? toOrganization(record) : undefined;
  }

  async byIds(ids: string[]): Promise<Map<string, Organization>> {
    const unique = [...new Set(ids.filter(Boolean))];
    const found = await Promise.all(unique.map((id) => this.model.findById(id).lean<OrganizationRecord>().exec()));
    return new Map(found.filter((r): r is OrganizationRecord => Boolean(r)).map((r) => [r._id, toOrganization(r)]));
  }

  async children(parentId: string): Promise<Organization[]> {
    const records = await this.model.find({ parentId, deleted: false }).sort({ name: 1 }).limit(500).lean<OrganizationRecord[]>().exec();
    return records.map(toOrganization);
  }

  /** Which of these nodes have children (one query per node: equality, pushed down). */
  async withChildren(ids: string[]): Promise<Set<string>> {
    const answers = await Promise.all(
      ids.map(async (id) => [id, (await this.model.countDocuments({ parentId: id, deleted: false }).exec()) > 0] as const),
    );
    return new Set(answers.filter(([, has]) => has).map(([id]) => id));
  }

  /** Levels of a node's kind as the member service names them. */
  static levelOf(kind: unknown): OrganizationLevel | undefined {
    return typeof kind === 'string' && ['committee', 'generalBranch', 'branch', 'group'].includes(kind)
      ? (kind as OrganizationLevel)
      : undefined;
  }
}
