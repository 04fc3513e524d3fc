/** The duplicate-training check every enrolment and recorded training goes through. */
import { authorize, type Caller } from '@repo/access';
import type { NewEvent } from '@repo/bus';
import { trainingEvents } from '../store/trainings';
import {
  duplicateRefusal,
  findDuplicate,
  type DuplicateFinding,
  type DuplicateOverride,
  type Training,
  type TrainingCandidate,
} from '../domain/training';

/**
 * Refuses a duplicate (naming the rule and the earlier training) unless the caller may override
 * and gave a reason; answers the override to record, or null when nothing was a duplicate.
 */
export function checkDuplicate(
  caller: Caller,
  candidate: TrainingCandidate,
  history: readonly Training[],
  options: { topicMonths: number; today: string; at: string; reason: string },
): { override: DuplicateOverride; finding: DuplicateFinding } | null {
  const finding = findDuplicate(candidate, history, options.topicMonths, options.today);
  if (!finding) return null;
  if (!options.reason) throw duplicateRefusal(finding, options.topicMonths);
  authorize(caller, 'training.override');
  return {
    finding,
    override: { rule: finding.rule, trainingId: finding.training.id, reason: options.reason, by: caller.userId, at: options.at },
  };
}

/** The event of an override: supervision raises a warning on it. */
export function overriddenEvent(
  duplicate: { override: DuplicateOverride; finding: DuplicateFinding },
  where: { actor: string; orgPath: string; subjectId: string; memberId: string; courseId: string },
): NewEvent {
  const { override, finding } = duplicate;
  return {
    type: trainingEvents.duplicateOverridden,
    actor: where.actor,
    orgPath: where.orgPath,
    subjectId: where.subjectId,
    data: {
      memberId: where.memberId,
      courseId: where.courseId,
      rule: override.rule,
      earlierTrainingId: override.trainingId,
      earlierTitle: finding.training.title,
      reason: override.reason,
    },
  };
}
