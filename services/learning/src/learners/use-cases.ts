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
import type { LearnerRepository, MemberFacts } from '../store/learners';

export const learnerEvents = { updated: 'learning.learner.updated' } as const;

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

  /** The member service linked an account to a member, or took it away (`linked` false). */
  async userLinked(memberId: string, userId: string, linked: boolean, at: string): Promise<void> {
    if (linked) await this.learners.linkUser(memberId, userId, at);
    else await this.learners.unlinkUser(memberId, userId, at);
  }

  /** A member event's facts: the learner is kept in step and their ledgers assessed again. */
  async memberFacts(memberId: string, facts: MemberFacts, occurredAt: string): Promise<Learner | undefined> {
    const applied = await this.learners.applyMemberFacts(memberId, facts, occurredAt);
    if (!applied) return undefined;
    const { before, after } = applied;
    if (!before || before.orgPath !== after.orgPath || before.stage !== after.stage) await this.ledger.learnerChanged(before, after);
    return after;
  }
}
