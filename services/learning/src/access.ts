/**
 * How learning decides who sees what, on top of the platform's matrix and data scope
 * (@repo/access): staff act within their subtree; a learner sees what is offered at their own
 * node or above it (a province's course reaches every branch, a branch's course only its own).
 */
import { authorize, inScope, scopeFilterPrefix, type Action, type Caller } from '@repo/access';
import { notFound, permissionDenied } from '@repo/errors';
import type { Learner } from './domain/learner';
import type { LearnerRepository } from './store/learners';

export type { Caller };

/** Where what the caller creates belongs: their own node. */
export function ownNode(caller: Caller): string {
  const scope = scopeFilterPrefix(caller);
  if (scope === undefined)
    throw permissionDenied('LEARNING_NO_ORGANIZATION', 'your account belongs to no organisation, so it cannot own this', {});
  return scope;
}

/** True when a record placed at `placedAt` is offered to someone at `node`: at it or above it. */
export function offeredTo(placedAt: string, node: string): boolean {
  return inScope(placedAt, node);
}

export const learnerNotFound = (memberId: string) => notFound('LEARNER_NOT_FOUND', `learner ${memberId} not found`, { memberId });

/**
 * The caller's own learner record: the member whose account they sign in with. A caller whose
 * account is linked to no member cannot study.
 */
export async function selfLearner(learners: LearnerRepository, caller: Caller): Promise<Learner> {
  authorize(caller, 'learning.study');
  const learner = await learners.byUser(caller.userId);
  if (!learner)
    throw permissionDenied(
      'LEARNING_NOT_A_LEARNER',
      'your account is linked to no member, so it has no learning record; ask your organisation to link it',
      {},
    );
  return learner;
}

/** A learner in the caller's scope for `action`; out of scope answers as missing. */
export async function learnerInScope(learners: LearnerRepository, caller: Caller, action: Action, memberId: string): Promise<Learner> {
  authorize(caller, action);
  const learner = await learners.get(memberId);
  const scope = scopeFilterPrefix(caller);
  if (!learner || scope === undefined || !inScope(scope, learner.orgPath)) throw learnerNotFound(memberId);
  return learner;
}

/**
 * The learner a request is about: the caller's own when `memberId` is empty or their own, else
 * one in the caller's scope for `action`.
 */
export async function subjectLearner(
  learners: LearnerRepository,
  caller: Caller,
  memberId: string,
  action: Action,
): Promise<{ learner: Learner; self: boolean }> {
  if (memberId) {
    const own = await learners.byUser(caller.userId);
    if (own?.memberId === memberId) return { learner: await selfLearner(learners, caller), self: true };
    return { learner: await learnerInScope(learners, caller, action, memberId), self: false };
  }
  return { learner: await selfLearner(learners, caller), self: true };
}
