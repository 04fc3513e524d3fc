/**
 * Learners: reading them, recording what only learning knows (posts, cadre level, sign-in
 * account), and following the member service's facts about them.
 */
import type { Caller } from '@repo/access';
import { failedPrecondition } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { learnerInScope, subjectLearner } from '../access';
import { validateLearnerChange, type Learner, type LearnerChange } from '../domain/learner';
import type { LedgerUseCases } from '../ledger/use-cases';
import { appliedAlready, type LearnerRepository, type MemberFacts, type MemberFactsChange, type UserLinkChange } from '../store/learners';

export const learnerEvents = { updated: 'learning.learner.updated' } as const;

/** One member event's facts, with its place in the stream and its id. */
export interface MemberEventFacts {
  seq: number;
  eventId: string;
  occurredAt: string;
  facts: MemberFacts;
}

export class LearnerUseCases {
  constructor(
    private readonly learners: LearnerRepository,
    private readonly ledger: LedgerUseCases,
  ) {}

  async get(caller: Caller, memberId: string): Promise<Learner> {
    return (await subjectLearner(this.learners, caller, memberId, 'learning.read')).learner;
  }

  async update(
    caller: Caller,
    memberId: string,
    fields: (keyof LearnerChange)[],
    values: LearnerChange,
    expectedRevision: number,
  ): Promise<Learner> {
    const current = await learnerInScope(this.learners, caller, 'learning.manageLearners', memberId);
    assertRevision(expectedRevision, { id: memberId, revision: current.revision }, 'learner');
    const change = validateLearnerChange(Object.fromEntries(fields.map((f) => [f, values[f]])) as LearnerChange);
    if (change.userId) {
      const holder = await this.learners.byUser(change.userId);
      if (holder && holder.memberId !== memberId)
        throw failedPrecondition('LEARNER_USER_TAKEN', `user ${change.userId} is linked to another member already`, {
          userId: change.userId,
        });
    }
    const updated = await this.learners.update(current, change, caller.userId, {
      type: learnerEvents.updated,
      actor: caller.userId,
      orgPath: current.orgPath,
      subjectId: memberId,
      data: { changed: fields, ...change },
    });
    await this.ledger.learnerChanged(current, updated);
    return updated;
  }

  /**
   * A batch of member events' facts, each member's in stream order: the learners are kept in
   * step and their ledgers opened or assessed again. Events a learner applied already, or earlier
   * in the stream than one it applied (the batch delivered again, or after later ones; an event
   * published again), change nothing (see appliedAlready). The ledgers go first and the learners
   * last, so a batch that fails between them is done again in full when it comes again.
   */
  async membersChanged(changes: ReadonlyMap<string, readonly MemberEventFacts[]>): Promise<void> {
    const stored = await this.learners.many([...changes.keys()]);
    const writes: MemberFactsChange[] = [];
    const arrived: Learner[] = [];
    const changed: { before: Learner; after: Learner }[] = [];
    const now = new Date().toISOString();
    for (const [memberId, events] of changes) {
      const held = stored.get(memberId) ?? null;
      // Within the batch too: an event published again beside its first copy is left out.
      let applied = held?.applied ?? null;
      const newer = events.filter((e) => {
        if (appliedAlready(applied, e.seq, e.eventId)) return false;
        applied = { seq: e.seq, eventIds: [...(applied?.eventIds ?? []), e.eventId] };
        return true;
      });
      const last = newer[newer.length - 1];
      if (!last) continue;
      const before = held?.learner ?? null;
      let after: Learner = before ?? {
        memberId,
        organizationId: '',
        orgPath: '',
        stage: '',
        posts: [],
        cadreLevel: '',
        userId: '',
        updatedAt: now,
        revision: 1,
      };
      let facts: MemberFacts = { orgPath: after.orgPath };
      for (const e of newer) {
        facts = { ...facts, ...e.facts };
        after = { ...after, ...e.facts };
      }
      writes.push({ memberId, facts, seq: last.seq, occurredAt: last.occurredAt, eventIds: newer.map((e) => e.eventId) });
      if (!before) arrived.push(after);
      else if (before.orgPath !== after.orgPath || before.stage !== after.stage) changed.push({ before, after });
    }
    await this.ledger.learnersArrived(arrived);
    for (const { before, after } of changed) await this.ledger.learnerChanged(before, after);
    await this.learners.applyMemberFactsMany(writes, new Set(stored.keys()));
  }

  /** A batch of member.user.* events, in stream order (see LearnerRepository.applyUserLinks). */
  async usersLinked(changes: readonly UserLinkChange[]): Promise<void> {
    await this.learners.applyUserLinks(changes);
  }
}
