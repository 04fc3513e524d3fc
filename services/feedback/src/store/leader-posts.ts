/** Leader posts 领导职务 messages can be addressed to, e.g. the 书记 of a city committee. */
import { randomUUID } from 'node:crypto';
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { Schema, type Connection } from '@repo/db';
import { aborted } from '@repo/errors';
import { rebasePath, under } from '@repo/kit';
import { leaderPostEvents } from '../events/types';

export interface LeaderPost {
  id: string;
  organizationId: string;
  organizationName: string;
  orgPath: string;
  title: string;
  holderName: string;
  active: boolean;
  createdAt: string;
  createdBy: string;
  revision: number;
}

interface LeaderPostRecord extends Omit<LeaderPost, 'id'>, OutboxRecord {
  _id: string;
}

const postSchema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    organizationName: { type: String, required: true },
    orgPath: { type: String, required: true },
    title: { type: String, required: true },
    holderName: { type: String, default: '' },
    active: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'leaderPosts', versionKey: false, strict: 'throw' },
);
postSchema.index({ organizationId: 1 });

const toPost = (record: LeaderPostRecord): LeaderPost => {
  const { _id, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
};

const eventOf = (post: LeaderPost, type: string, actor: string): NewEvent => ({
  type,
  actor,
  orgPath: post.orgPath,
  subjectId: post.id,
  data: { organizationId: post.organizationId, title: post.title },
});

const conflict = (id: string) =>
  aborted('FEEDBACK_REVISION_CONFLICT', `leader post ${id} was changed by someone else; reload and retry`, { id });

export class LeaderPostRepository {
  readonly store: OutboxStore<LeaderPostRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<LeaderPostRecord>('LeaderPost', postSchema), { conflict });
  }

  async create(
    fields: Pick<LeaderPost, 'organizationId' | 'organizationName' | 'orgPath' | 'title' | 'holderName'>,
    actor: string,
  ): Promise<LeaderPost> {
    const record: LeaderPostRecord = {
      _id: randomUUID(),
      ...fields,
      active: true,
      createdAt: new Date().toISOString(),
      createdBy: actor,
      revision: 1,
    };
    const post = toPost(record);
    await this.store.insert(record, [eventOf(post, leaderPostEvents.created, actor)]);
    return post;
  }

  async find(id: string): Promise<LeaderPost | undefined> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<LeaderPostRecord>().exec();
    return record ? toPost(record) : undefined;
  }

  async retire(post: LeaderPost, actor: string): Promise<LeaderPost> {
    const record = await this.store.saveIf(post.id, post.revision, { active: true }, { $set: { active: false } }, [
      eventOf(post, leaderPostEvents.retired, actor),
    ]);
    return toPost(record);
  }

  /** The active posts of each organisation. */
  async activeAt(organizationIds: string[]): Promise<LeaderPost[]> {
    const lists = await Promise.all(
      [...new Set(organizationIds)].map((organizationId) =>
        this.store.model.find({ organizationId, active: true }, withoutOutboxFields).sort({ title: 1 }).lean<LeaderPostRecord[]>().exec(),
      ),
    );
    return lists.flat().map(toPost);
  }

  async byIds(ids: string[]): Promise<Map<string, LeaderPost>> {
    const found = await Promise.all([...new Set(ids.filter(Boolean))].map((id) => this.find(id)));
    return new Map(found.filter((p): p is LeaderPost => Boolean(p)).map((p) => [p.id, p]));
  }

  /** Posts carry their organisation's name: a renaming reaches them. */
  async renameOrganization(organizationId: string, name: string): Promise<number> {
    const records = await this.store.model
      .find({ organizationId }, { _id: 1, organizationName: 1 })
      .lean<{ _id: string; organizationName: string }[]>()
      .exec();
    let changed = 0;
    for (const record of records.filter((r) => r.organizationName !== name)) {
      if (await this.store.tryUpdate({ _id: record._id }, { $set: { organizationName: name } }, [], record._id)) changed++;
    }
    return changed;
  }

  /** Posts follow their organisation when its subtree moves (a small collection: a range is fine). */
  async followMove(from: string, to: string): Promise<number> {
    const records = await this.store.model
      .find({ orgPath: under(from) }, { _id: 1, orgPath: 1 })
      .lean<{ _id: string; orgPath: string }[]>()
      .exec();
    for (const record of records) {
      await this.store.tryUpdate(
        { _id: record._id, orgPath: record.orgPath },
        { $set: { orgPath: rebasePath(record.orgPath, from, to) } },
        [],
        record._id,
      );
    }
    return records.length;
  }
}
