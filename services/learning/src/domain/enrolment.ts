/** An enrolment: a learner in a course, each unit's progress, and the course as it was enrolled in. */
import type { Interval } from './playback';
import type { DuplicateOverride } from './training';
import type { EnrolmentStatus, OrganiserKind } from './vocabulary';

export interface UnitProgress {
  completedAt: string;
  coveragePermille: number;
  readToPermille: number;
  daysAttended: string[];
  testPassed: boolean;
  quarterHours: number;
  /** Videos: the union of accepted intervals. */
  watched: Interval[];
}

export const emptyProgress: UnitProgress = {
  completedAt: '',
  coveragePermille: 0,
  readToPermille: 0,
  daysAttended: [],
  testPassed: false,
  quarterHours: 0,
  watched: [],
};

/** What the enrolment keeps of its course, as a training record (干部培训档案) needs it. */
export interface CourseSnapshot {
  title: string;
  code: string;
  topic: string;
  organiserKind: OrganiserKind;
  organiserName: string;
  fullTime: boolean;
  offline: boolean;
  /** '' for an online course. */
  startDate: string;
  endDate: string;
}

export interface Enrolment {
  id: string;
  courseId: string;
  memberId: string;
  status: EnrolmentStatus;
  orgPath: string;
  enrolledAt: string;
  enrolledBy: string;
  completedAt: string;
  units: Record<string, UnitProgress>;
  override: DuplicateOverride | null;
  course: CourseSnapshot;
  /** Class hours credited through its units so far. */
  quarterHours: number;
  revision: number;
}
