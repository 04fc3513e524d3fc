/**
 * Cadre training records (干部培训档案) and the rules that refuse duplicate training (防止重复培训,
 * 多头调训): the same course credited twice, one topic trained again within a period, and
 * overlapping full-time (脱产) classes. An administrator may override with a reason, which is
 * recorded and published. Pure rules: no I/O.
 */
import { addMonths, isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { normalizeTopic } from './course';
import { isQuarterHours } from './hours';
import {
  isOneOf,
  organiserKinds,
  trainingModes,
  type DuplicateRule,
  type OrganiserKind,
  type TrainingMode,
  type TrainingStatus,
} from './vocabulary';

export interface DuplicateOverride {
  rule: DuplicateRule;
  trainingId: string;
  reason: string;
  by: string;
  at: string;
}

export interface TrainingFields {
  title: string;
  topic: string;
  courseCode: string;
  organiserKind: OrganiserKind;
  organiserName: string;
  mode: TrainingMode;
  fullTime: boolean;
  /** '' for an online course without fixed dates. */
  startDate: string;
  endDate: string;
  quarterHours: number;
  certificateNumber: string;
}

export interface Training extends TrainingFields {
  id: string;
  memberId: string;
  /** '' for a training recorded by hand. */
  courseId: string;
  status: TrainingStatus;
  override: DuplicateOverride | null;
  orgPath: string;
  createdBy: string;
  createdAt: string;
}

/** What a new enrolment or record would add, as the rules see it. */
export type TrainingCandidate = Pick<Training, 'courseId' | 'courseCode' | 'topic' | 'fullTime' | 'startDate' | 'endDate'>;

export interface DuplicateFinding {
  rule: DuplicateRule;
  training: Training;
}

/**
 * The first rule `candidate` breaks against the person's `history`, or undefined. A topic is a
 * repeat when a training of it is under way (the same person sent to two classes of one topic,
 * 多头调训) or ended within `topicMonths` of the candidate's start (today for an undated online
 * course); cancelled trainings count for nothing.
 */
export function findDuplicate(
  candidate: TrainingCandidate,
  history: readonly Training[],
  topicMonths: number,
  today: string,
): DuplicateFinding | undefined {
  const live = history.filter((t) => t.status !== 'cancelled');
  const completed = live.filter((t) => t.status === 'completed');
  const sameCourse = completed.find(
    (t) =>
      (candidate.courseId !== '' && t.courseId === candidate.courseId) ||
      (candidate.courseCode !== '' && t.courseCode === candidate.courseCode),
  );
  if (sameCourse) return { rule: 'sameCourseCompleted', training: sameCourse };
  const topic = normalizeTopic(candidate.topic);
  const since = addMonths(candidate.startDate || today, -topicMonths);
  const sameTopic = live.find(
    (t) =>
      normalizeTopic(t.topic) === topic && (t.status === 'enrolled' || (t.endDate || t.startDate || t.createdAt.slice(0, 10)) >= since),
  );
  if (sameTopic) return { rule: 'sameTopicWithinPeriod', training: sameTopic };
  if (candidate.startDate && candidate.endDate) {
    const overlap = live.find(
      (t) =>
        (t.fullTime || candidate.fullTime) &&
        t.startDate !== '' &&
        t.endDate !== '' &&
        t.startDate <= candidate.endDate &&
        candidate.startDate <= t.endDate,
    );
    if (overlap) return { rule: 'fullTimeOverlap', training: overlap };
  }
  return undefined;
}

const ruleText = (finding: DuplicateFinding, topicMonths: number): string => {
  switch (finding.rule) {
    case 'sameCourseCompleted':
      return 'the same course was completed already';
    case 'sameTopicWithinPeriod':
      return finding.training.status === 'enrolled'
        ? 'a training of the same topic is under way'
        : `a training of the same topic was completed within the period (${topicMonths} months)`;
    case 'fullTimeOverlap':
      return 'the dates overlap a full-time (脱产) class';
  }
};

const ruleCode: Record<DuplicateRule, string> = {
  sameCourseCompleted: 'TRAINING_COURSE_COMPLETED',
  sameTopicWithinPeriod: 'TRAINING_TOPIC_REPEATED',
  fullTimeOverlap: 'TRAINING_DATES_OVERLAP',
};

/** The refusal of a duplicate: names the rule and the earlier training. */
export function duplicateRefusal(finding: DuplicateFinding, topicMonths: number) {
  const t = finding.training;
  const dates = t.startDate ? `${t.startDate}–${t.endDate}` : t.createdAt.slice(0, 10);
  return failedPrecondition(
    ruleCode[finding.rule],
    `refused as duplicate training: ${ruleText(finding, topicMonths)}: 《${t.title}》, ${t.organiserName}, ${dates}`,
    {
      rule: finding.rule,
      trainingId: t.id,
      title: t.title,
      organiser: t.organiserName,
      startDate: t.startDate,
      endDate: t.endDate,
      status: t.status,
    },
  );
}

export const trainingLimits = { titleChars: 200, topicChars: 100, organiserChars: 100, certificateChars: 60, reasonChars: 500 } as const;

/** A training recorded by hand (attended elsewhere). */
export function validateTraining(fields: TrainingFields, today: string): TrainingFields {
  const violations: FieldViolation[] = [];
  const text = (field: keyof TrainingFields, value: string, max: number, required: boolean) => {
    if (required && value.trim() === '') violations.push({ field, problem: 'is required' });
    else if ([...value].length > max) violations.push({ field, problem: `must be at most ${max} characters` });
  };
  text('title', fields.title, trainingLimits.titleChars, true);
  text('topic', fields.topic, trainingLimits.topicChars, true);
  text('organiserName', fields.organiserName, trainingLimits.organiserChars, true);
  text('certificateNumber', fields.certificateNumber, trainingLimits.certificateChars, false);
  if (fields.courseCode !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(fields.courseCode))
    violations.push({ field: 'courseCode', problem: 'must be 1-40 letters, digits, dots, dashes or underscores' });
  if (!isOneOf(organiserKinds, fields.organiserKind))
    violations.push({ field: 'organiserKind', problem: `must be one of ${organiserKinds.join(', ')}` });
  if (!isOneOf(trainingModes, fields.mode)) violations.push({ field: 'mode', problem: `must be one of ${trainingModes.join(', ')}` });
  if (!isCalendarDate(fields.startDate)) violations.push({ field: 'startDate', problem: 'must be a calendar date YYYY-MM-DD' });
  if (!isCalendarDate(fields.endDate)) violations.push({ field: 'endDate', problem: 'must be a calendar date YYYY-MM-DD' });
  else if (isCalendarDate(fields.startDate) && fields.endDate < fields.startDate)
    violations.push({ field: 'endDate', problem: 'must not be before startDate' });
  else if (fields.endDate > today) violations.push({ field: 'endDate', problem: 'a recorded training has ended: not after today' });
  if (!isQuarterHours(fields.quarterHours) || fields.quarterHours === 0)
    violations.push({ field: 'quarterHours', problem: 'must be whole quarter-hours (0.25 学时 each), more than 0' });
  if (violations.length) throw validationFailed(violations);
  return {
    ...fields,
    title: fields.title.trim(),
    topic: fields.topic.trim(),
    organiserName: fields.organiserName.trim(),
    certificateNumber: fields.certificateNumber.trim(),
  };
}

export function validateOverrideReason(reason: string): string {
  const trimmed = reason.trim();
  if ([...trimmed].length > trainingLimits.reasonChars)
    throw validationFailed([{ field: 'overrideReason', problem: `must be at most ${trainingLimits.reasonChars} characters` }]);
  return trimmed;
}
