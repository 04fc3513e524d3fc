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
  /**
   * occurredAt of the newest member event applied, as its publisher wrote it: kept for the
   * record, never an order (a publisher may backdate it to the day the change took effect).
   */
  memberEventAt: string;
  /**
   * Stream sequence of the newest member event applied: the order the member service published
   * in. An earlier one delivered again (a batch retried after later ones went through) changes
   * nothing. Absent on records written before sequences were kept.
   */
  memberEventSeq?: number;
  /**
   * Ids of the member events applied: one published again, which the stream numbers anew (an
   * outbox relay whose ack was lost, after the stream's duplicate window), changes nothing.
   */
  memberEventIds?: string[];
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
    memberEventIds: { type: [String], default: undefined },
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
  /** Ids of the member.user.* events applied (one published again changes nothing). */
  eventIds?: string[];
}

const userLinkSchema = new Schema<UserLinkRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: String, default: '' },
    at: { type: String, required: true },
    seq: { type: Number },
    eventIds: { type: [String], default: undefined },
  },
  { collection: 'userLinks', versionKey: false, strict: 'throw' },
);

function toLearner(record: LearnerRecord): Learner {
  const { id, orgScopes: _scopes, memberEventAt: _at, memberEventSeq: _seq, memberEventIds: _ids, ...rest } = idOf(withoutOutbox(record));
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
  /** Ids of the events the facts come from. */
  eventIds: string[];
}

/** What a learner (or an account link) remembers of the member events it applied. */
export interface AppliedEvents {
  seq?: number;
  eventIds?: readonly string[];
}

/**
 * Whether a member event was applied already, or a later one: the stream sequence is the order
 * the member service published in, so an event at or below the newest applied one (a batch
 * delivered again after later ones) changes nothing, and neither does an event whose id was
 * applied (published again under a new sequence). occurredAt plays no part: the publisher
 * writes it and may backdate it. Records from before sequences were kept take every event.
 */
export function appliedAlready(applied: AppliedEvents | null, seq: number, eventId: string): boolean {
  if (!applied) return false;
  return (applied.seq ?? 0) >= seq || (applied.eventIds ?? []).includes(eventId);
}

/** Filter of a record that has applied none of `eventIds` nor any event from `seq` on (see appliedAlready). */
const notApplied = (id: string, seqField: string, idsField: string, seq: number, eventIds: readonly string[]) => ({
  _id: id,
  [idsField]: { $nin: [...eventIds] },
  $or: [{ [seqField]: { $lt: seq } }, { [seqField]: { $exists: false } }],
});

/** A user link event of a batch: `memberId` linked to `userId` (or, `linked` false, the link taken away). */
export interface UserLinkChange {
  memberId: string;
  userId: string;
  linked: boolean;
  at: string;
  seq: number;
  eventId: string;
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

  /** The learners of `memberIds` as stored, with the member events each applied. */
  async many(memberIds: readonly string[]): Promise<Map<string, { learner: Learner; applied: AppliedEvents }>> {
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
          applied: {
            ...(r.memberEventSeq !== undefined ? { seq: r.memberEventSeq } : {}),
            ...(r.memberEventIds ? { eventIds: r.memberEventIds } : {}),
          },
        },
      ]),
    );
  }

  /**
   * Applies many members' facts in two store round trips (an insert of the new learners, an
   * update of the others), each guarded by the events' stream sequence and ids so that an
   * earlier event never overwrites a later one and an event applied once is not applied again.
   * `known` says which learners exist (read by `many`); one made meanwhile by another replica is
   * updated under the same guard. New learners take the account linked to them already; a link
   * that arrives while they are written is applied after.
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
      updateOne: {
        filter: notApplied(c.memberId, 'memberEventSeq', 'memberEventIds', c.seq, c.eventIds),
        update: { $set: setOf(c), $push: { memberEventIds: { $each: c.eventIds } }, $inc: { revision: 1 } },
      },
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
        memberEventIds: c.eventIds,
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
   * order, an event applied already or earlier than one applied (see appliedAlready) changing
   * nothing; then the learners follow their links. Four or five store round trips a
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
    // Each member's link after this batch, and the ids of the batch's events that made it.
    const next = new Map<string, { link: UserLinkRecord; applying: string[] }>();
    for (const c of changes) {
      const ahead = next.get(c.memberId);
      const held = ahead?.link ?? stored.get(c.memberId);
      if (held && appliedAlready(held, c.seq, c.eventId)) continue;
      if (!c.linked && held?.userId !== c.userId) continue;
      const applying = [...(ahead?.applying ?? []), c.eventId];
      const link = {
        _id: c.memberId,
        userId: c.linked ? c.userId : '',
        at: c.at,
        seq: c.seq,
        eventIds: [...(stored.get(c.memberId)?.eventIds ?? []), ...applying],
      };
      next.set(c.memberId, { link, applying });
    }
    const update = ({ link, applying }: { link: UserLinkRecord; applying: string[] }) => ({
      updateOne: {
        filter: notApplied(link._id, 'seq', 'eventIds', link.seq!, applying),
        update: { $set: { userId: link.userId, at: link.at, seq: link.seq }, $push: { eventIds: { $each: applying } } },
      },
    });
    const fresh = [...next.values()].filter((n) => !stored.has(n.link._id));
    const updates = [...next.values()].filter((n) => stored.has(n.link._id)).map(update);
    if (fresh.length) {
      try {
        await this.links.collection.insertMany(fresh.map((n) => n.link) as never[], { ordered: false });
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
