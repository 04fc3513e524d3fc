/**
 * Courses made of units, their class hours by the conversion table, and their editorial states:
 * draft -> published -> withdrawn. Only drafts change; a published course's units are what
 * learners are enrolled in, so they stay as published. Pure rules: no I/O.
 */
import { isCalendarDate } from '@repo/calendar';
import { validationFailed, type FieldViolation } from '@repo/errors';
import { offlineDayHours, onlineUnitHours, type ConversionTable } from './conversion';
import { checkAudience, normalizeAudience, type Audience } from './audience';
import {
  courseCategories,
  courseRequirements,
  dayParts,
  isOneOf,
  organiserKinds,
  unitKinds,
  type CourseAction,
  type CourseCategory,
  type CourseRequirement,
  type CourseStatus,
  type DayPart,
  type OrganiserKind,
  type UnitKind,
} from './vocabulary';
import { assertDraftStatus, stepOf, type Workflow } from './workflow';

export interface SessionDay {
  date: string;
  part: DayPart;
}

export interface Unit {
  id: string;
  title: string;
  kind: UnitKind;
  /** Articles and documents: the study length set by the author. */
  minutes: number;
  /** Videos. */
  videoSeconds: number;
  /** A unit test: an exam; the unit completes once it is passed too. */
  testExamId: string;
  /** Offline sessions. */
  days: SessionDay[];
  place: string;
}

export interface CourseFields {
  title: string;
  /** 课程编号: courses sharing it are the same course. */
  code: string;
  summary: string;
  category: CourseCategory;
  requirement: CourseRequirement;
  audience: Audience;
  /** 培训主题. */
  topic: string;
  organiserKind: OrganiserKind;
  organiserName: string;
  /** 脱产. */
  fullTime: boolean;
  /** 0: no limit. */
  capacity: number;
  units: Unit[];
}

export const editableFields = [
  'title',
  'code',
  'summary',
  'category',
  'requirement',
  'audience',
  'topic',
  'organiserKind',
  'organiserName',
  'fullTime',
  'capacity',
  'units',
] as const satisfies readonly (keyof CourseFields)[];
export type EditableField = (typeof editableFields)[number];

export interface CourseStep {
  action: CourseAction;
  from: CourseStatus;
  to: CourseStatus;
  actor: string;
  at: string;
  note: string;
}

export interface Course extends CourseFields {
  id: string;
  status: CourseStatus;
  orgPath: string;
  seatsTaken: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  history: CourseStep[];
  revision: number;
}

export const courseLimits = {
  titleChars: 200,
  codeChars: 40,
  summaryChars: 5_000,
  topicChars: 100,
  organiserChars: 100,
  placeChars: 200,
  units: 200,
  days: 60,
  minutes: 24 * 60,
  videoSeconds: 24 * 3_600,
  capacity: 100_000,
} as const;

function checkText(violations: FieldViolation[], field: string, value: string, max: number, required: boolean): void {
  if (required && value.trim() === '') violations.push({ field, problem: 'is required' });
  else if ([...value].length > max) violations.push({ field, problem: `must be at most ${max} characters` });
}

/** Topics compare without spacing or width differences (全角/半角). */
export function normalizeTopic(topic: string): string {
  return topic.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * Validates a complete set of course fields; throws VALIDATION_FAILED naming every bad field.
 * `newId` gives units saved for the first time their id.
 */
export function validateCourse(fields: CourseFields, newId: () => string): CourseFields {
  const violations: FieldViolation[] = [];
  checkText(violations, 'title', fields.title, courseLimits.titleChars, true);
  checkText(violations, 'summary', fields.summary, courseLimits.summaryChars, false);
  checkText(violations, 'topic', fields.topic, courseLimits.topicChars, true);
  checkText(violations, 'organiserName', fields.organiserName, courseLimits.organiserChars, true);
  if (fields.code !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(fields.code))
    violations.push({ field: 'code', problem: 'must be 1-40 letters, digits, dots, dashes or underscores' });
  if (!isOneOf(courseCategories, fields.category))
    violations.push({ field: 'category', problem: `must be one of ${courseCategories.join(', ')}` });
  if (!isOneOf(courseRequirements, fields.requirement))
    violations.push({ field: 'requirement', problem: `must be one of ${courseRequirements.join(', ')}` });
  if (!isOneOf(organiserKinds, fields.organiserKind))
    violations.push({ field: 'organiserKind', problem: `must be one of ${organiserKinds.join(', ')}` });
  checkAudience(violations, fields.audience);
  if (!Number.isInteger(fields.capacity) || fields.capacity < 0 || fields.capacity > courseLimits.capacity)
    violations.push({ field: 'capacity', problem: `must be 0 (no limit) to ${courseLimits.capacity}` });
  if (fields.units.length === 0) violations.push({ field: 'units', problem: 'a course needs at least one unit' });
  if (fields.units.length > courseLimits.units) violations.push({ field: 'units', problem: `at most ${courseLimits.units} units` });
  const ids = new Set<string>();
  const units = fields.units.map((unit, i) => {
    const at = `units[${i}]`;
    const id = unit.id || newId();
    if (ids.has(id)) violations.push({ field: `${at}.id`, problem: 'appears twice' });
    ids.add(id);
    checkText(violations, `${at}.title`, unit.title, courseLimits.titleChars, true);
    if (!isOneOf(unitKinds, unit.kind)) {
      violations.push({ field: `${at}.kind`, problem: `must be one of ${unitKinds.join(', ')}` });
      return { ...unit, id };
    }
    const online = unit.kind !== 'offlineSession';
    if (
      (unit.kind === 'article' || unit.kind === 'document') &&
      (!Number.isInteger(unit.minutes) || unit.minutes < 1 || unit.minutes > courseLimits.minutes)
    ) {
      violations.push({ field: `${at}.minutes`, problem: `the study length must be 1 to ${courseLimits.minutes} minutes` });
    }
    if (
      unit.kind === 'video' &&
      (!Number.isInteger(unit.videoSeconds) || unit.videoSeconds < 1 || unit.videoSeconds > courseLimits.videoSeconds)
    ) {
      violations.push({ field: `${at}.videoSeconds`, problem: `a video's length must be 1 to ${courseLimits.videoSeconds} seconds` });
    }
    if (unit.kind !== 'video' && unit.videoSeconds)
      violations.push({ field: `${at}.videoSeconds`, problem: 'only videos have a length in seconds' });
    if (online && unit.days.length) violations.push({ field: `${at}.days`, problem: 'only offline sessions have days' });
    if (!online) {
      if (unit.minutes) violations.push({ field: `${at}.minutes`, problem: 'an offline session earns by its days, not minutes' });
      if (unit.testExamId)
        violations.push({ field: `${at}.testExamId`, problem: 'an offline session completes by attendance, not a unit test' });
      if (unit.days.length === 0 || unit.days.length > courseLimits.days)
        violations.push({ field: `${at}.days`, problem: `an offline session has 1 to ${courseLimits.days} days` });
      checkText(violations, `${at}.place`, unit.place, courseLimits.placeChars, true);
      const seen = new Set<string>();
      unit.days.forEach((day, d) => {
        if (!isCalendarDate(day.date)) violations.push({ field: `${at}.days[${d}].date`, problem: 'must be a calendar date YYYY-MM-DD' });
        else if (seen.has(day.date)) violations.push({ field: `${at}.days[${d}].date`, problem: 'appears twice' });
        seen.add(day.date);
        if (!isOneOf(dayParts, day.part))
          violations.push({ field: `${at}.days[${d}].part`, problem: `must be one of ${dayParts.join(', ')}` });
      });
    } else if (unit.place) violations.push({ field: `${at}.place`, problem: 'only offline sessions have a place' });
    return { ...unit, id, title: unit.title.trim(), days: [...unit.days].sort((a, b) => a.date.localeCompare(b.date)) };
  });
  if (fields.fullTime && !units.some((u) => u.kind === 'offlineSession'))
    violations.push({ field: 'fullTime', problem: 'only a course with offline sessions can be full-time (脱产)' });
  if (fields.capacity && !units.some((u) => u.kind === 'offlineSession'))
    violations.push({ field: 'capacity', problem: 'only a course with offline sessions has seats' });
  if (violations.length) throw validationFailed(violations);
  return {
    ...fields,
    title: fields.title.trim(),
    summary: fields.summary.trim(),
    topic: fields.topic.trim(),
    organiserName: fields.organiserName.trim(),
    audience: normalizeAudience(fields.audience),
    units,
  };
}

/** Minutes an online unit takes, which its band of the conversion table is chosen by. */
export function unitMinutes(unit: Pick<Unit, 'kind' | 'minutes' | 'videoSeconds'>): number {
  return unit.kind === 'video' ? Math.floor(unit.videoSeconds / 60) : unit.minutes;
}

/**
 * What a unit earns under `tableOn(date)`: an online unit by its length (with the test bonus
 * when it has a test, since it completes only once the test is passed); an offline session by
 * each of its days under the table in force that day.
 */
export function unitHours(unit: Unit, tableOn: (date: string) => ConversionTable, today: string): number {
  if (unit.kind === 'offlineSession') return unit.days.reduce((sum, day) => sum + offlineDayHours(tableOn(day.date), day.part), 0);
  return onlineUnitHours(tableOn(today), unitMinutes(unit), unit.testExamId !== '');
}

/** First and last day of a course's offline sessions; undefined for an online course. */
export function courseDates(course: Pick<CourseFields, 'units'>): { startDate: string; endDate: string } | undefined {
  const days = course.units.flatMap((u) => u.days.map((d) => d.date)).sort();
  return days.length ? { startDate: days[0]!, endDate: days[days.length - 1]! } : undefined;
}

export function isOffline(course: Pick<CourseFields, 'units'>): boolean {
  return course.units.some((u) => u.kind === 'offlineSession');
}

const workflow: Workflow<CourseStatus, CourseAction> = {
  publish: { from: 'draft', to: 'published' },
  withdraw: { from: 'published', to: 'withdrawn' },
};

export function applyCourseStep(course: Pick<Course, 'status'>, action: CourseAction, actor: string, at: string, note: string): CourseStep {
  const step = stepOf(workflow, 'a course', 'COURSE_WORKFLOW_STEP', course.status, action);
  if (action === 'withdraw' && note.trim() === '')
    throw validationFailed([{ field: 'note', problem: 'withdrawing a course needs a reason' }]);
  return { action, from: step.from, to: step.to, actor, at, note: note.trim() };
}

export function assertDraft(course: Pick<Course, 'status'>): void {
  assertDraftStatus('course', 'COURSE_NOT_DRAFT', course.status);
}
