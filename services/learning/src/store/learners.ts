/**
 * Learners: this service's copy of each member (organisation and development stage, from the
 * member service's events) plus posts, cadre level and the user account, which learning records.
 */
import {
  outboxSchemaFields,
  withoutOutbox,
  withoutOutboxFields,
  type NewEvent,
  type OutboxRecord,
  type OutboxStore,
  type Outboxes,
} from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';
import { placedAt, placementSchemaFields, type PathHolder } from '@repo/kit';
import type { Learner, LearnerChange } from '../domain/learner';
import { idOf, placedHolder, revisionConflict } from './records';

interface LearnerRecord extends Omit<Learner, 'memberId'>, OutboxRecord {
  _id: string;
  orgScopes: string[];
  /** occurredAt of the newest member event applied: an older one arriving late changes nothing. */
  memberEventAt: string;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, default: '' },
    ...placementSchemaFields,
    stage: { type: String, default: '' },
    posts: { type: [String], default: [] },
    cadreLevel: { type: String, default: '' },
    userId: { type: String, default: '' },
    updatedAt: { type: String, required: true },
    memberEventAt: { type: String, default: '' },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'learners', versionKey: false, strict: 'throw' },
);
schema.index({ userId: 1 });
schema.index({ orgScopes: 1 });

/**
 * The account the member service linked to each member (member.user.*), kept apart so that a
 * link announced before its member arrives is applied when the member does.
 */
interface UserLinkRecord {
  _id: string;
  userId: string;
  at: string;
}

const userLinkSchema = new Schema<UserLinkRecord>(
  { _id: { type: String, required: true }, userId: { type: String, default: '' }, at: { type: String, required: true } },
  { collection: 'userLinks', versionKey: false, strict: 'throw' },
);

function toLearner(record: LearnerRecord): Learner {
  const { id, orgScopes: _scopes, memberEventAt: _at, ...rest } = idOf(withoutOutbox(record));
  return { memberId: id, ...rest };
}

/** What a member event says about the member. */
export interface MemberFacts {
  orgPath: string;
  organizationId?: string;
  stage?: string;
}

export class LearnerRepository {
  readonly store: OutboxStore<LearnerRecord>;
  private readonly links: Model<UserLinkRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<LearnerRecord>('Learner', schema), { conflict: revisionConflict('learner') });
    this.links = connection.model<UserLinkRecord>('UserLink', userLinkSchema);
  }

  get organizationPaths(): PathHolder {
    return placedHolder('learners', this.store as never);
  }

  async get(memberId: string): Promise<Learner | null> {
    const record = await this.store.model.findById(memberId, withoutOutboxFields).lean<LearnerRecord>().exec();
    return record ? toLearner(record) : null;
  }

  async byUser(userId: string): Promise<Learner | null> {
    if (!userId) return null;
    const record = await this.store.model.findOne({ userId }, withoutOutboxFields).lean<LearnerRecord>().exec();
    return record ? toLearner(record) : null;
  }

  /**
   * Applies a member event's facts, unless a newer event was applied already (events of one
   * member may arrive out of order after a retry). Answers the learner before and after.
   */
  async applyMemberFacts(
    memberId: string,
    facts: MemberFacts,
    occurredAt: string,
  ): Promise<{ before: Learner | null; after: Learner } | undefined> {
    for (;;) {
      const current = await this.store.model.findById(memberId, withoutOutboxFields).lean<LearnerRecord>().exec();
      const set = {
        ...placedAt(facts.orgPath),
        ...(facts.organizationId !== undefined ? { organizationId: facts.organizationId } : {}),
        ...(facts.stage !== undefined ? { stage: facts.stage } : {}),
        memberEventAt: occurredAt,
        updatedAt: new Date().toISOString(),
      };
      if (!current) {
        try {
          const link = await this.links.findById(memberId).lean<UserLinkRecord>().exec();
          const record = {
            _id: memberId,
            organizationId: '',
            stage: '',
            posts: [],
            cadreLevel: '' as const,
            userId: link?.userId ?? '',
            revision: 1,
            ...set,
          };
          await this.store.insert(record, []);
          return { before: null, after: toLearner(record) };
        } catch (err) {
          if (isDuplicateKey(err)) continue;
          throw err;
        }
      }
      if (current.memberEventAt > occurredAt) return undefined;
      const updated = await this.store.tryUpdate(
        { _id: memberId, revision: current.revision },
        { $set: { ...set, revision: current.revision + 1 } },
        [],
        memberId,
      );
      if (updated) return { before: toLearner(current), after: toLearner(updated) };
    }
  }

  /**
   * The member service linked `userId` to `memberId`: kept, applied to the
   * learner if it is here, and taken from any other learner that had the account (one account,
   * one member).
   */
  async linkUser(memberId: string, userId: string, at: string): Promise<void> {
    await this.links.updateOne({ _id: memberId }, { $set: { userId, at } }, { upsert: true }).exec();
    if (userId) {
      const holder = await this.byUser(userId);
      if (holder && holder.memberId !== memberId) await this.setUser(holder.memberId, '');
    }
    await this.setUser(memberId, userId);
  }

  /** The member service took `userId` away from `memberId`: cleared if the member still has it. */
  async unlinkUser(memberId: string, userId: string, at: string): Promise<void> {
    await this.links.updateOne({ _id: memberId, userId }, { $set: { userId: '', at } }).exec();
    const current = await this.get(memberId);
    if (current?.userId === userId) await this.setUser(memberId, '');
  }

  private async setUser(memberId: string, userId: string): Promise<void> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const current = await this.store.model.findById(memberId, { userId: 1, revision: 1 }).lean<LearnerRecord>().exec();
      if (!current || current.userId === userId) return;
      const updated = await this.store.tryUpdate(
        { _id: memberId, revision: current.revision },
        { $set: { userId, updatedAt: new Date().toISOString(), revision: current.revision + 1 } },
        [],
        memberId,
      );
      if (updated) return;
    }
  }

  async update(current: Learner, change: LearnerChange, actor: string, event: NewEvent): Promise<Learner> {
    const record = await this.store.saveIf(
      current.memberId,
      current.revision,
      {},
      { $set: { ...change, updatedAt: new Date().toISOString() } },
      [{ ...event, actor }],
    );
    return toLearner(record);
  }

  /** Every learner, in batches (the year's ledgers are opened for each). */
  async *all(batchSize = 1_000): AsyncGenerator<Learner[]> {
    const cursor = this.store.model.find({}, withoutOutboxFields).lean<LearnerRecord[]>().cursor({ batchSize });
    let batch: Learner[] = [];
    for await (const record of cursor) {
      batch.push(toLearner(record as unknown as LearnerRecord));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
}
