/**
 * Class-hour requirements as data with effective dates, and a learner's standing against them.
 * A set assesses whole calendar years: the set in force on 1 January of a year assesses that
 * year, so nobody's target moves in the middle of the year they are working towards it.
 */
import { isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { isQuarterHours } from './hours';
import type { LearnerFacts } from './learner';
import { versionPattern } from './conversion';
import {
  cadreLevels,
  hoursKinds,
  isOneOf,
  learnerPosts,
  memberStages,
  type CadreLevel,
  type HoursKind,
  type LearnerPost,
} from './vocabulary';

export interface RequirementAudience {
  /** Development stages; empty for any. */
  stages: string[];
  /** Any of these posts; empty for no post condition. */
  posts: LearnerPost[];
  /** Any of these levels; empty for no cadre condition. */
  cadreLevels: CadreLevel[];
}

export interface RequirementRule {
  code: string;
  title: string;
  basis: string;
  audience: RequirementAudience;
  /** 1: the calendar year; n: the n years ending with it. */
  windowYears: number;
  minimumQuarterHours: number;
  counts: HoursKind[];
  minimumOfflineSessions: number;
}

export interface RequirementSet {
  version: string;
  /** YYYY-01-01. */
  effectiveFrom: string;
  rules: RequirementRule[];
  createdBy: string;
}

const allLevels = [...cadreLevels];

/**
 * The requirements of the regulations: 党员 at least 32 学时 a year and 支部书记、支委委员 56
 * including at least one 集中培训 (中国共产党党员教育管理工作条例, 2019); every cadre 50 学时 of
 * online self-study a year (全国干部教育培训规划 2023—2027年); cadres of county/division level and
 * above 550 学时 over five years, of township/section level and below 90 a year (干部教育培训工作
 * 条例, 2023年修订). "110 a year" is only 550 ÷ 5, not a rule, so the five-year rule counts five years.
 */
export const defaultRequirementSet: RequirementSet = {
  version: 'default',
  effectiveFrom: '2000-01-01',
  createdBy: 'system',
  rules: [
    {
      code: 'memberAnnual',
      title: '党员每年学习培训不少于32学时',
      basis: '中国共产党党员教育管理工作条例（2019）',
      audience: { stages: [...memberStages], posts: [], cadreLevels: [] },
      windowYears: 1,
      minimumQuarterHours: 128,
      counts: ['online', 'offline'],
      minimumOfflineSessions: 0,
    },
    {
      code: 'branchCadreAnnual',
      title: '支部书记、支委委员每年不少于56学时，至少参加1次集中培训',
      basis: '中国共产党党员教育管理工作条例（2019）',
      audience: { stages: [], posts: ['branchSecretary', 'branchCommitteeMember'], cadreLevels: [] },
      windowYears: 1,
      minimumQuarterHours: 224,
      counts: ['online', 'offline'],
      minimumOfflineSessions: 1,
    },
    {
      code: 'cadreOnlineAnnual',
      title: '干部每年网络自学不少于50学时',
      basis: '全国干部教育培训规划（2023—2027年）',
      audience: { stages: [], posts: [], cadreLevels: allLevels },
      windowYears: 1,
      minimumQuarterHours: 200,
      counts: ['online'],
      minimumOfflineSessions: 0,
    },
    {
      code: 'cadreCountyFiveYear',
      title: '县处级以上干部每5年不少于550学时',
      basis: '干部教育培训工作条例（2023年修订）',
      audience: { stages: [], posts: [], cadreLevels: ['provincialMinisterial', 'departmentBureau', 'countyDivision'] },
      windowYears: 5,
      minimumQuarterHours: 2200,
      counts: ['online', 'offline'],
      minimumOfflineSessions: 0,
    },
    {
      code: 'cadreTownshipAnnual',
      title: '乡科级及以下干部每年不少于90学时',
      basis: '干部教育培训工作条例（2023年修订）',
      audience: { stages: [], posts: [], cadreLevels: ['townshipSection'] },
      windowYears: 1,
      minimumQuarterHours: 360,
      counts: ['online', 'offline'],
      minimumOfflineSessions: 0,
    },
  ],
};

const codePattern = /^[a-z][A-Za-z0-9]{0,39}$/;

export function validateRequirementSet(set: RequirementSet, existing: readonly RequirementSet[], today: string): RequirementSet {
  const violations: FieldViolation[] = [];
  if (!versionPattern.test(set.version))
    violations.push({ field: 'version', problem: 'must be 1-40 letters, digits, dots, dashes or underscores' });
  if (!isCalendarDate(set.effectiveFrom) || !set.effectiveFrom.endsWith('-01-01'))
    violations.push({ field: 'effectiveFrom', problem: 'must be 1 January of a year (YYYY-01-01): a set assesses whole years' });
  if (set.rules.length === 0) violations.push({ field: 'rules', problem: 'needs at least one rule' });
  const codes = new Set<string>();
  set.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!codePattern.test(rule.code))
      violations.push({ field: `${at}.code`, problem: 'must be a camelCase word of up to 40 letters and digits' });
    else if (codes.has(rule.code)) violations.push({ field: `${at}.code`, problem: `${rule.code} appears twice` });
    codes.add(rule.code);
    if (rule.title.trim() === '' || [...rule.title].length > 100)
      violations.push({ field: `${at}.title`, problem: 'is required, at most 100 characters' });
    if (rule.basis.trim() === '' || [...rule.basis].length > 200)
      violations.push({ field: `${at}.basis`, problem: 'is required (the regulation it comes from), at most 200 characters' });
    if (!Number.isInteger(rule.windowYears) || rule.windowYears < 1 || rule.windowYears > 10)
      violations.push({ field: `${at}.windowYears`, problem: 'must be 1 to 10 years' });
    if (!isQuarterHours(rule.minimumQuarterHours) || rule.minimumQuarterHours === 0)
      violations.push({ field: `${at}.minimumQuarterHours`, problem: 'must be whole quarter-hours, more than 0' });
    if (rule.counts.length === 0)
      violations.push({ field: `${at}.counts`, problem: `must name the hours that count: ${hoursKinds.join(', ')}` });
    rule.counts.forEach((kind, k) => {
      if (!isOneOf(hoursKinds, kind)) violations.push({ field: `${at}.counts[${k}]`, problem: `must be one of ${hoursKinds.join(', ')}` });
    });
    if (!Number.isInteger(rule.minimumOfflineSessions) || rule.minimumOfflineSessions < 0)
      violations.push({ field: `${at}.minimumOfflineSessions`, problem: 'must be a whole number, at least 0' });
    rule.audience.posts.forEach((post, k) => {
      if (!isOneOf(learnerPosts, post))
        violations.push({ field: `${at}.audience.posts[${k}]`, problem: `must be one of ${learnerPosts.join(', ')}` });
    });
    rule.audience.cadreLevels.forEach((level, k) => {
      if (!isOneOf(cadreLevels, level))
        violations.push({ field: `${at}.audience.cadreLevels[${k}]`, problem: `must be one of ${cadreLevels.join(', ')}` });
    });
    rule.audience.stages.forEach((stage, k) => {
      if (!/^[a-z][A-Za-z]{0,29}$/.test(stage))
        violations.push({
          field: `${at}.audience.stages[${k}]`,
          problem: 'must be a stage of the member service, e.g. probationary, full',
        });
    });
  });
  if (violations.length) throw validationFailed(violations);
  if (existing.some((s) => s.version === set.version))
    throw failedPrecondition('LEARNING_RULES_VERSION_TAKEN', `a requirement set ${set.version} exists already`, { version: set.version });
  if (existing.some((s) => s.effectiveFrom === set.effectiveFrom))
    throw failedPrecondition('LEARNING_RULES_DATE_TAKEN', `a requirement set assesses ${set.effectiveFrom.slice(0, 4)} already`, {
      effectiveFrom: set.effectiveFrom,
    });
  if (set.effectiveFrom <= today) {
    throw failedPrecondition(
      'LEARNING_RULES_RETROACTIVE',
      `a requirement set takes effect from a coming year, not ${set.effectiveFrom.slice(0, 4)}: nobody's target changes in the year they are working towards it`,
      {
        effectiveFrom: set.effectiveFrom,
        today,
      },
    );
  }
  return set;
}

/** The set assessing `year`: in force on its 1 January. */
export function setForYear(sets: readonly RequirementSet[], year: number): RequirementSet {
  const first = `${String(year).padStart(4, '0')}-01-01`;
  let found: RequirementSet | undefined;
  for (const set of sets) {
    if (set.effectiveFrom <= first && (!found || set.effectiveFrom > found.effectiveFrom)) found = set;
  }
  return found ?? defaultRequirementSet;
}

export function applies(rule: RequirementRule, learner: LearnerFacts): boolean {
  const { stages, posts, cadreLevels: levels } = rule.audience;
  if (stages.length && !stages.includes(learner.stage)) return false;
  if (posts.length && !learner.posts.some((p) => posts.includes(p))) return false;
  if (levels.length && (learner.cadreLevel === '' || !levels.includes(learner.cadreLevel))) return false;
  return true;
}

/** A year's class hours by kind, and the 集中培训 sessions attended. */
export interface YearTotals {
  online: number;
  offline: number;
  /** Distinct offline sessions (units or trainings) attended. */
  offlineSessions: number;
}

export interface RuleStanding {
  code: string;
  title: string;
  windowYears: number;
  requiredQuarterHours: number;
  earnedQuarterHours: number;
  expectedQuarterHours: number;
  offlineSessions: number;
  requiredOfflineSessions: number;
  met: boolean;
  onTrack: boolean;
}

/**
 * The learner's standing in `year` with `endedQuarters` of it over (0-4): each applicable rule's
 * hours in its window against its minimum, and against what is due pro rata by the quarters
 * ended, spreading a rolling window's last year evenly (5 years: 4/5 of it due before the year,
 * then 1/20 a quarter). Sessions are due by the end of the window.
 */
export function assess(
  learner: LearnerFacts,
  set: RequirementSet,
  year: number,
  endedQuarters: number,
  totalsOf: (year: number) => YearTotals,
): RuleStanding[] {
  return set.rules
    .filter((rule) => applies(rule, learner))
    .map((rule) => {
      let earned = 0;
      let sessions = 0;
      for (let y = year - rule.windowYears + 1; y <= year; y++) {
        const totals = totalsOf(y);
        for (const kind of rule.counts) earned += totals[kind];
        sessions += totals.offlineSessions;
      }
      const quarters = rule.windowYears * 4;
      const expected = Math.ceil((rule.minimumQuarterHours * ((rule.windowYears - 1) * 4 + endedQuarters)) / quarters);
      const met = earned >= rule.minimumQuarterHours && sessions >= rule.minimumOfflineSessions;
      const sessionsDue = endedQuarters === 4 ? rule.minimumOfflineSessions : 0;
      return {
        code: rule.code,
        title: rule.title,
        windowYears: rule.windowYears,
        requiredQuarterHours: rule.minimumQuarterHours,
        earnedQuarterHours: earned,
        expectedQuarterHours: expected,
        offlineSessions: sessions,
        requiredOfflineSessions: rule.minimumOfflineSessions,
        met,
        onTrack: met || (earned >= expected && sessions >= sessionsDue),
      };
    });
}

/** Quarters of `year` ended on `today`: 4 for a past year, 0 for a coming one. */
export function endedQuarters(year: number, today: string): number {
  const thisYear = Number(today.slice(0, 4));
  if (year < thisYear) return 4;
  if (year > thisYear) return 0;
  return Math.floor((Number(today.slice(5, 7)) - 1) / 3);
}
