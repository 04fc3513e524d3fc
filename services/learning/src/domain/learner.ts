/**
 * A learner: the learning service's copy of a member (organisation and development stage, kept
 * from the member service's events) plus what only learning records: posts that carry their own
 * requirement, the cadre level, and the account the member signs in with.
 */
import { validationFailed, type FieldViolation } from '@repo/errors';
import { cadreLevels, isOneOf, learnerPosts, type CadreLevel, type LearnerPost } from './vocabulary';

export interface Learner {
  memberId: string;
  organizationId: string;
  orgPath: string;
  stage: string;
  posts: LearnerPost[];
  /** '' when not a cadre. */
  cadreLevel: CadreLevel | '';
  /** The account the member signs in with; '' until linked. */
  userId: string;
  updatedAt: string;
  revision: number;
}

export interface LearnerChange {
  posts?: LearnerPost[];
  cadreLevel?: CadreLevel | '';
  userId?: string;
}

export const learnerFields = ['posts', 'cadreLevel', 'userId'] as const;

export function validateLearnerChange(change: LearnerChange): LearnerChange {
  const violations: FieldViolation[] = [];
  change.posts?.forEach((post, i) => {
    if (!isOneOf(learnerPosts, post)) violations.push({ field: `posts[${i}]`, problem: `must be one of ${learnerPosts.join(', ')}` });
  });
  if (change.cadreLevel !== undefined && change.cadreLevel !== '' && !isOneOf(cadreLevels, change.cadreLevel)) {
    violations.push({ field: 'cadreLevel', problem: `must be one of ${cadreLevels.join(', ')}, or empty for none` });
  }
  if (change.userId !== undefined && !/^[A-Za-z0-9._:-]{0,100}$/.test(change.userId))
    violations.push({ field: 'userId', problem: 'must be a user id (letters, digits, . _ : -)' });
  if (violations.length) throw validationFailed(violations);
  return { ...change, ...(change.posts ? { posts: [...new Set(change.posts)] } : {}) };
}

/** What requirements and audiences look at. */
export interface LearnerFacts {
  stage: string;
  posts: readonly LearnerPost[];
  cadreLevel: CadreLevel | '';
}

export function isCadre(learner: Pick<Learner, 'cadreLevel'>): boolean {
  return learner.cadreLevel !== '';
}
