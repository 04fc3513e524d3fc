/**
 * Learners: this service's copy of each member (organisation and development stage, from the
 * member service's events) plus posts, cadre level and the user account, which learning records.
 */
import {
  outboxField,
  outboxPendingField,
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
  /** occurredAt of the newest member event applied (what records written before memberEventSeq are guarded by). */
  memberEventAt: string;
  /**
   * Stream sequence of the newest member event applied: an earlier one delivered again (a
   * batch retried after later ones went through) changes nothing. Absent on older records.
   */
  memberEventSeq?: number;
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
    memberEventSeq: { type: Number },
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
  /** Stream sequence of the newest member.user.* event applied (absent on older records). */
  seq?: number;
}

const userLinkSchema = new Schema<UserLinkRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: String, default: '' },
    at: { type: String, required: true },
    seq: { type: Number },
  },
  { collection: 'userLinks', versionKey: false, strict: 'throw' },
);

function toLearner(record: LearnerRecord): Learner {
  const { id, orgScopes: _scopes, memberEventAt: _at, memberEventSeq: _seq, ...rest } = idOf(withoutOutbox(record));
  return { memberId: id, ...rest };
}

/** What a member event says about the member. */
export interface MemberFacts {
  orgPath: string;
  organizationId?: string;
  stage?: string;
}

/** A member's facts from a batch of their events, to be applied if newer than what the learner holds. */
export interface MemberFactsChange {
  memberId: string;
  facts: MemberFacts;
  /** Stream sequence and occurredAt of the newest event the facts come from. */
  seq: number;
  occurredAt: string;
}

/**
 * Whether the learner applied this member event, or a later one, already: a later stream
 * sequence (a batch delivered again after later ones) or a later occurredAt (an event published
 * again, which the stream numbers anew). Records from before sequences have occurredAt only.
 */
export function appliedAlready(
  record: { memberEventSeq?: number; memberEventAt: string } | null,
  seq: number,
  occurredAt: string,
): boolean {
  if (!record) return false;
  return (record.memberEventSeq ?? 0) >= seq || record.memberEventAt > occurredAt;
}

/** Filter of a learner that has not applied the member event (see appliedAlready). */
const notApplied = (memberId: string, seq: number, occurredAt: string) => ({
  _id: memberId,
  memberEventAt: { $lte: occurredAt },
  $or: [{ memberEventSeq: { $lt: seq } }, { memberEventSeq: { $exists: false } }],
});

/** A user link event of a batch: `memberId` linked to `userId` (or, `linked` false, the link taken away). */
export interface UserLinkChange {
  memberId: string;
  userId: string;
  linked: boolean;
  at: string;
  seq: number;
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

  /** The learners of `memberIds` as stored (with the sequence of the member event each applied last). */
  async many(memberIds: readonly string[]): Promise<Map<string, { learner: Learner; memberEventSeq?: number; memberEventAt: string }>> {
    if (memberIds.length === 0) return new Map();
    const records = await this.store.model
      .find({ _id: { $in: [...memberIds] } }, withoutOutboxFields)
      .lean<LearnerRecord[]>()
      .exec();
    return new Map(
      records.map((r) => [
        r._id,
        {
          learner: toLearner(r),
          memberEventAt: r.memberEventAt,
          ...(r.memberEventSeq !== undefined ? { memberEventSeq: r.memberEventSeq } : {}),
        },
      ]),
    );
  }

  /**
   * Applies many members' facts in two store round trips (an insert of the new learners, an
   * update of the others), each guarded by the event's stream sequence so that an earlier event
   * never overwrites a later one. `known` says which learners exist (read by `many`); one made
   * meanwhile by another replica is updated under the same guard. New learners take the account
   * linked to them already; a link that arrives while they are written is applied after.
   */
  async applyMemberFactsMany(changes: readonly MemberFactsChange[], known: ReadonlySet<string>): Promise<void> {
    const now = new Date().toISOString();
    const setOf = (c: MemberFactsChange) => ({
      ...placedAt(c.facts.orgPath),
      ...(c.facts.organizationId !== undefined ? { organizationId: c.facts.organizationId } : {}),
      ...(c.facts.stage !== undefined ? { stage: c.facts.stage } : {}),
      memberEventAt: c.occurredAt,
      memberEventSeq: c.seq,
      updatedAt: now,
    });
    const fresh = changes.filter((c) => !known.has(c.memberId));
    const update = (c: MemberFactsChange) => ({
      updateOne: { filter: notApplied(c.memberId, c.seq, c.occurredAt), update: { $set: setOf(c), $inc: { revision: 1 } } },
    });
    const updates = changes.filter((c) => known.has(c.memberId)).map(update);
    if (fresh.length) {
      const links = await this.linksOf(fresh.map((c) => c.memberId));
      const records = fresh.map((c) => ({
        _id: c.memberId,
        organizationId: '',
        stage: '',
        posts: [],
        cadreLevel: '',
        userId: links.get(c.memberId) ?? '',
        revision: 1,
        [outboxField]: [],
        [outboxPendingField]: false,
        ...setOf(c),
      }));
      try {
        await this.store.collection.insertMany(records as never[], { ordered: false });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Made meanwhile (another replica, a batch delivered again): updated under the guard.
        const refused = new Set(((err as { writeErrors?: { index: number }[] }).writeErrors ?? []).map((e) => fresh[e.index]!.memberId));
        updates.push(...fresh.filter((c) => refused.has(c.memberId)).map(update));
      }
    }
    if (updates.length) await this.store.collection.bulkWrite(updates as never[], { ordered: false });
    if (fresh.length) await this.followLinks(fresh.map((c) => c.memberId));
  }

  private async linksOf(memberIds: readonly string[]): Promise<Map<string, string>> {
    const links = await this.links
      .find({ _id: { $in: [...memberIds] } })
      .lean<UserLinkRecord[]>()
      .exec();
    return new Map(links.map((l) => [l._id, l.userId]));
  }

  /**
   * Sets each learner's account to the one the member service linked to them (the link records,
   * guarded by sequence, are the truth), and takes each of those accounts from any other learner
   * that had it: an account linked to several members belongs to the latest link (one account,
   * one member). Learners without a link record keep theirs.
   */
  private async followLinks(memberIds: readonly string[]): Promise<void> {
    const links = await this.linksOf(memberIds);
    const userIds = [...new Set([...links.values()].filter(Boolean))];
    const owner = new Map<string, { memberId: string; seq: number; at: string }>();
    if (userIds.length) {
      const sharing = await this.links
        .find({ userId: { $in: userIds } })
        .lean<UserLinkRecord[]>()
        .exec();
      for (const link of sharing) {
        const held = owner.get(link.userId);
        const seq = link.seq ?? 0;
        if (!held || seq > held.seq || (seq === held.seq && link.at > held.at))
          owner.set(link.userId, { memberId: link._id, seq, at: link.at });
      }
    }
    const holders = await this.store.model
      .find({ $or: [{ _id: { $in: [...memberIds] } }, ...(userIds.length ? [{ userId: { $in: userIds } }] : [])] }, { userId: 1 })
      .lean<Pick<LearnerRecord, '_id' | 'userId'>[]>()
      .exec();
    const now = new Date().toISOString();
    const writes: unknown[] = [];
    for (const holder of holders) {
      let wanted = links.has(holder._id) ? links.get(holder._id)! : holder.userId;
      const ownedBy = wanted ? owner.get(wanted)?.memberId : undefined;
      if (ownedBy !== undefined && ownedBy !== holder._id) wanted = '';
      if (wanted === holder.userId) continue;
      writes.push({
        updateOne: {
          filter: { _id: holder._id, userId: holder.userId },
          update: { $set: { userId: wanted, updatedAt: now }, $inc: { revision: 1 } },
        },
      });
    }
    if (writes.length) await this.store.collection.bulkWrite(writes as never[], { ordered: false });
  }

  /**
   * Applies a batch of member.user.* events: each member's link record follows its events in
   * order, an event not later than what the record holds (by stream sequence and occurredAt)
   * changing nothing; then the learners follow their links. Four or five store round trips a
   * batch. (No upserts: FerretDB stops a bulk write at its first error, ordered or not.)
   */
  async applyUserLinks(changes: readonly UserLinkChange[]): Promise<void> {
    if (changes.length === 0) return;
    const memberIds = [...new Set(changes.map((c) => c.memberId))];
    const stored = new Map(
      (
        await this.links
          .find({ _id: { $in: memberIds } })
          .lean<UserLinkRecord[]>()
          .exec()
      ).map((l) => [l._id, l]),
    );
    const next = new Map<string, UserLinkRecord>();
    for (const c of changes) {
      const held = next.get(c.memberId) ?? stored.get(c.memberId);
      if (held && ((held.seq ?? 0) >= c.seq || held.at > c.at)) continue;
      if (!c.linked && held?.userId !== c.userId) continue;
      next.set(c.memberId, { _id: c.memberId, userId: c.linked ? c.userId : '', at: c.at, seq: c.seq });
    }
    const update = (l: UserLinkRecord) => ({
      updateOne: {
        filter: { _id: l._id, at: { $lte: l.at }, $or: [{ seq: { $lt: l.seq } }, { seq: { $exists: false } }] },
        update: { $set: { userId: l.userId, at: l.at, seq: l.seq } },
      },
    });
    const fresh = [...next.values()].filter((l) => !stored.has(l._id));
    const updates = [...next.values()].filter((l) => stored.has(l._id)).map(update);
    if (fresh.length) {
      try {
        await this.links.collection.insertMany(fresh as never[], { ordered: false });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Written meanwhile (another replica): updated under the guard.
        for (const e of (err as { writeErrors?: { index: number }[] }).writeErrors ?? []) updates.push(update(fresh[e.index]!));
      }
    }
    if (updates.length) await this.links.collection.bulkWrite(updates as never[]);
    await this.followLinks(memberIds);
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
