/**
 * The learning service's words, as the domain and REST spell them. The contract's enums carry
 * the same lists (proto/learning/v1/vocabulary.proto); a unit test keeps the two equal.
 */

export const unitKinds = ['article', 'video', 'document', 'offlineSession'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** 理论学习, 党性教育, 业务知识, 廉洁教育, 政策法规, 其他. */
export const courseCategories = ['theory', 'partySpirit', 'professional', 'integrity', 'policy', 'other'] as const;
export type CourseCategory = (typeof courseCategories)[number];

/** 必修 / 选修. */
export const courseRequirements = ['required', 'elective'] as const;
export type CourseRequirement = (typeof courseRequirements)[number];

export const audienceKinds = ['allMembers', 'secretariesAndCommittee', 'cadres'] as const;
export type AudienceKind = (typeof audienceKinds)[number];

export const courseStatuses = ['draft', 'published', 'withdrawn'] as const;
export type CourseStatus = (typeof courseStatuses)[number];

export const courseActions = ['publish', 'withdraw'] as const;
export type CourseAction = (typeof courseActions)[number];

/** 省部级, 厅局级, 县处级, 乡科级及以下. */
export const cadreLevels = ['provincialMinisterial', 'departmentBureau', 'countyDivision', 'townshipSection'] as const;
export type CadreLevel = (typeof cadreLevels)[number];

/** 支部书记, 支委委员. */
export const learnerPosts = ['branchSecretary', 'branchCommitteeMember'] as const;
export type LearnerPost = (typeof learnerPosts)[number];

export const dayParts = ['fullDay', 'halfDay'] as const;
export type DayPart = (typeof dayParts)[number];

export const hoursKinds = ['online', 'offline'] as const;
export type HoursKind = (typeof hoursKinds)[number];

export const enrolmentStatuses = ['enrolled', 'completed', 'cancelled'] as const;
export type EnrolmentStatus = (typeof enrolmentStatuses)[number];

/** 组织部, 党校, 部门, 其他. */
export const organiserKinds = ['organizationDepartment', 'partySchool', 'department', 'other'] as const;
export type OrganiserKind = (typeof organiserKinds)[number];

export const trainingModes = ['online', 'offline'] as const;
export type TrainingMode = (typeof trainingModes)[number];

export const trainingStatuses = ['enrolled', 'completed', 'cancelled'] as const;
export type TrainingStatus = (typeof trainingStatuses)[number];

export const duplicateRules = ['sameCourseCompleted', 'sameTopicWithinPeriod', 'fullTimeOverlap'] as const;
export type DuplicateRule = (typeof duplicateRules)[number];

/** 单选, 多选, 判断, 填空, 简答. */
export const questionTypes = ['singleChoice', 'multipleChoice', 'trueFalse', 'fillIn', 'shortAnswer'] as const;
export type QuestionType = (typeof questionTypes)[number];

export const examStatuses = ['draft', 'published', 'closed'] as const;
export type ExamStatus = (typeof examStatuses)[number];

export const examActions = ['publish', 'close'] as const;
export type ExamAction = (typeof examActions)[number];

export const paperStatuses = ['open', 'submitted', 'graded'] as const;
export type PaperStatus = (typeof paperStatuses)[number];

export const anomalyKinds = ['tooFast', 'paperUnderOneMinute', 'lateAnswer'] as const;
export type AnomalyKind = (typeof anomalyKinds)[number];

export const pointsActions = ['unitCompleted', 'examPassed'] as const;
export type PointsAction = (typeof pointsActions)[number];

/** Development stages of the member service whose holders are Party members (党员). */
export const memberStages = ['probationary', 'full'] as const;

/** True when `value` is one of `list`'s words. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
