/**
 * Organisation life 三会一课: meeting records and whether a branch holds them as often as required.
 * Pure rules: no I/O; "today" is always passed in.
 */
import { validationFailed, type FieldViolation } from '@repo/errors';
import { addMonths, isCalendarDate, isQuarter, monthOf, monthsOfQuarter } from '@repo/calendar';

export const meetingTypes = ['generalMeeting', 'committeeMeeting', 'groupMeeting', 'partyLecture'] as const;
/** 支部党员大会, 支委会, 党小组会, 党课. */
export type MeetingType = (typeof meetingTypes)[number];

export interface MeetingRequirement {
  /** At least once per this period. */
  every: 'month' | 'quarter';
  /** Only branches that have party groups 党小组 hold group meetings. */
  onlyWithGroups: boolean;
}

/** The one table of required frequencies. */
export const meetingRequirements: Readonly<Record<MeetingType, MeetingRequirement>> = {
  generalMeeting: { every: 'quarter', onlyWithGroups: false },
  committeeMeeting: { every: 'month', onlyWithGroups: false },
  groupMeeting: { every: 'month', onlyWithGroups: true },
  partyLecture: { every: 'quarter', onlyWithGroups: false },
};

export const meetingLimits = {
  topicMaxChars: 200,
  minutesMaxChars: 50_000,
} as const;

export interface Attendance {
  present: string[];
  excused: string[];
  absent: string[];
}

export interface MeetingRecord {
  orgId: string;
  type: MeetingType;
  /** YYYY-MM-DD */
  date: string;
  topic: string;
  minutes: string;
  attendance: Attendance;
}

const attendanceLists = ['present', 'excused', 'absent'] as const;

function chars(value: string): number {
  // Count characters, not UTF-16 units, so a topic in Chinese or with rare characters is measured fairly.
  return [...value].length;
}

/**
 * Validates a meeting record and returns it normalised (topic trimmed, member ids trimmed).
 * Throws VALIDATION_FAILED naming every bad field.
 */
export function validateMeeting(record: MeetingRecord, today: string): MeetingRecord {
  const violations: FieldViolation[] = [];
  if (typeof record.orgId !== 'string' || record.orgId.trim() === '') {
    violations.push({ field: 'orgId', problem: 'is required' });
  }
  if (!meetingTypes.includes(record.type)) {
    violations.push({ field: 'type', problem: `must be one of ${meetingTypes.join(', ')}` });
  }
  if (!isCalendarDate(today)) violations.push({ field: 'today', problem: 'must be a calendar date YYYY-MM-DD' });
  if (!isCalendarDate(record.date)) {
    violations.push({ field: 'date', problem: 'must be a calendar date YYYY-MM-DD' });
  } else if (isCalendarDate(today) && record.date > today) {
    violations.push({ field: 'date', problem: `must not be in the future (today is ${today})` });
  }
  const topic = typeof record.topic === 'string' ? record.topic.trim() : '';
  if (topic === '') violations.push({ field: 'topic', problem: 'is required' });
  else if (chars(topic) > meetingLimits.topicMaxChars) {
    violations.push({ field: 'topic', problem: `must be at most ${meetingLimits.topicMaxChars} characters` });
  }
  if (typeof record.minutes !== 'string') violations.push({ field: 'minutes', problem: 'must be text' });
  else if (chars(record.minutes) > meetingLimits.minutesMaxChars) {
    violations.push({ field: 'minutes', problem: `must be at most ${meetingLimits.minutesMaxChars} characters` });
  }

  const attendance: Attendance = { present: [], excused: [], absent: [] };
  const seenIn = new Map<string, (typeof attendanceLists)[number]>();
  for (const list of attendanceLists) {
    const ids = record.attendance?.[list];
    if (!Array.isArray(ids)) {
      violations.push({ field: `attendance.${list}`, problem: 'must be a list of member ids' });
      continue;
    }
    ids.forEach((raw, i) => {
      const id = typeof raw === 'string' ? raw.trim() : '';
      if (id === '') {
        violations.push({ field: `attendance.${list}[${i}]`, problem: 'must be a member id' });
        return;
      }
      const earlier = seenIn.get(id);
      if (earlier !== undefined) {
        const where = earlier === list ? 'listed twice' : `also in ${earlier}`;
        violations.push({ field: `attendance.${list}[${i}]`, problem: `member ${id} is ${where}` });
        return;
      }
      seenIn.set(id, list);
      attendance[list].push(id);
    });
  }
  if (Array.isArray(record.attendance?.present) && attendance.present.length === 0) {
    violations.push({ field: 'attendance.present', problem: 'at least one member must be present' });
  }
  if (violations.length > 0) throw validationFailed(violations);
  return { ...record, orgId: record.orgId.trim(), topic, attendance };
}

export interface MeetingTypeCompliance {
  /** False for group meetings in a branch without party groups. */
  applicable: boolean;
  /** Meetings due by asOf: ended months for a monthly type, 1 for a quarterly type once the quarter ended. */
  required: number;
  /** Meetings of this type held in the quarter up to asOf. */
  held: number;
  compliant: boolean;
  /** Monthly types: ended months of the quarter without a meeting. */
  missingMonths?: string[];
}

export interface QuarterCompliance {
  quarter: string;
  asOf: string;
  byType: Record<MeetingType, MeetingTypeCompliance>;
  compliant: boolean;
}

export interface ComplianceQuery {
  /** The organisation's meetings; only those in the quarter and not after asOf count. */
  meetings: readonly Pick<MeetingRecord, 'type' | 'date'>[];
  quarter: string;
  asOf: string;
  hasGroups: boolean;
}

/**
 * Whether a branch met the required frequencies in a quarter.
 * A quarter still in progress counts only what is already due by asOf: a monthly requirement is
 * due once its month has ended, a quarterly one once the quarter has ended. So in mid-August
 * only July's committee meeting is required, and no general meeting yet; a branch is never
 * flagged for a period it still has time to meet.
 */
export function complianceForQuarter({ meetings, quarter, asOf, hasGroups }: ComplianceQuery): QuarterCompliance {
  const violations: FieldViolation[] = [];
  if (!isQuarter(quarter)) violations.push({ field: 'quarter', problem: 'must be a quarter YYYY-Qn, e.g. 2026-Q3' });
  if (!isCalendarDate(asOf)) violations.push({ field: 'asOf', problem: 'must be a calendar date YYYY-MM-DD' });
  if (violations.length > 0) throw validationFailed(violations);

  const months = monthsOfQuarter(quarter);
  // A month has ended once asOf reaches the first day of the next month.
  const ended = (month: string): boolean => asOf >= addMonths(`${month}-01`, 1);
  const endedMonths = months.filter(ended);
  const quarterEnded = endedMonths.length === months.length;
  const inQuarter = meetings.filter(
    (m) => isCalendarDate(m.date) && m.date <= asOf && (months as readonly string[]).includes(monthOf(m.date)),
  );

  const byType = {} as Record<MeetingType, MeetingTypeCompliance>;
  for (const type of meetingTypes) {
    const rule = meetingRequirements[type];
    const held = inQuarter.filter((m) => m.type === type);
    if (rule.onlyWithGroups && !hasGroups) {
      byType[type] = { applicable: false, required: 0, held: held.length, compliant: true };
    } else if (rule.every === 'month') {
      const heldMonths = new Set(held.map((m) => monthOf(m.date)));
      const missingMonths = endedMonths.filter((month) => !heldMonths.has(month));
      byType[type] = {
        applicable: true,
        required: endedMonths.length,
        held: held.length,
        compliant: missingMonths.length === 0,
        missingMonths,
      };
    } else {
      const required = quarterEnded ? 1 : 0;
      byType[type] = { applicable: true, required, held: held.length, compliant: held.length >= required };
    }
  }
  return {
    quarter,
    asOf,
    byType,
    compliant: meetingTypes.every((type) => byType[type].compliant),
  };
}
