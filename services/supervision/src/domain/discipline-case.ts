/**
 * A discipline case (一起问题): a violation of the eight-point rules found in an organisation,
 * the people it concerns with their level and post, and, once decided, what each of them got and
 * the influence periods that follow. A decided case is final: the monthly table counts it in the
 * month of its decision.
 */
import { isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import {
  governmentSanctions,
  idsOf,
  influencePeriods,
  officialLevels,
  partySanctions,
  treatments,
  violationCategories,
  type InfluencePeriod,
  type OfficialLevel,
  type PersonDecision,
  type ViolationCategory,
} from './sanctions';

export const caseStatuses = ['open', 'decided'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export interface CasePerson {
  name: string;
  /** The member record, when the person is a party member of the platform. */
  memberId: string;
  /** 职务, e.g. 某县交通运输局局长. */
  post: string;
  level: OfficialLevel;
  decision?: PersonDecision;
  influence: InfluencePeriod[];
}

export interface DisciplineCase {
  id: string;
  /** 案件编号, unique. */
  number: string;
  organizationId: string;
  orgPath: string;
  category: ViolationCategory;
  /** What happened, as a notice would say it (问题摘要). */
  summary: string;
  foundAt: string;
  decidedAt: string;
  status: CaseStatus;
  persons: CasePerson[];
  createdBy: string;
  createdAt: string;
  revision: number;
}

export interface NewCase {
  number: string;
  organizationId: string;
  category: string;
  summary: string;
  foundAt: string;
  persons: { name: string; memberId: string; post: string; level: string }[];
}

export const caseLimits = { number: 60, summary: 2_000, name: 40, post: 100, persons: 50 } as const;

const oneOfIds = (field: string, value: string, allowed: readonly string[], violations: FieldViolation[]) => {
  if (!allowed.includes(value)) violations.push({ field, problem: `must be one of ${allowed.join(', ')}` });
};

export interface ValidCase extends Omit<NewCase, 'category' | 'persons'> {
  category: ViolationCategory;
  persons: { name: string; memberId: string; post: string; level: OfficialLevel }[];
}

export function validateNewCase(input: NewCase, today: string): ValidCase {
  const violations: FieldViolation[] = [];
  if (!input.number.trim() || input.number.length > caseLimits.number)
    violations.push({ field: 'number', problem: `is required, at most ${caseLimits.number} characters` });
  if (!input.organizationId) violations.push({ field: 'organizationId', problem: 'is required' });
  oneOfIds('category', input.category, idsOf(violationCategories), violations);
  if (!input.summary.trim() || input.summary.length > caseLimits.summary)
    violations.push({ field: 'summary', problem: `is required, at most ${caseLimits.summary} characters` });
  if (!isCalendarDate(input.foundAt)) violations.push({ field: 'foundAt', problem: 'must be a date YYYY-MM-DD' });
  else if (input.foundAt > today) violations.push({ field: 'foundAt', problem: 'cannot be in the future' });
  if (input.persons.length === 0 || input.persons.length > caseLimits.persons)
    violations.push({ field: 'persons', problem: `must name 1 to ${caseLimits.persons} people` });
  input.persons.forEach((person, i) => {
    if (!person.name.trim() || person.name.length > caseLimits.name)
      violations.push({ field: `persons[${i}].name`, problem: `is required, at most ${caseLimits.name} characters` });
    if (person.post.length > caseLimits.post)
      violations.push({ field: `persons[${i}].post`, problem: `at most ${caseLimits.post} characters` });
    oneOfIds(`persons[${i}].level`, person.level, idsOf(officialLevels), violations);
  });
  if (violations.length) throw validationFailed(violations);
  return input as ValidCase;
}

export interface DecisionInput {
  decidedAt: string;
  /** One per person, in the case's order. */
  decisions: { treatment: string; partySanction: string; probationYears: number; governmentSanction: string }[];
}

/** The decision of a case: every person gets one, and each carries its influence periods. */
export function decide(
  current: DisciplineCase,
  input: DecisionInput,
  today: string,
): Pick<DisciplineCase, 'decidedAt' | 'persons' | 'status'> {
  if (current.status === 'decided') {
    throw failedPrecondition('CASE_ALREADY_DECIDED', `case ${current.number} was decided on ${current.decidedAt}; a decision is final`, {
      id: current.id,
      status: current.status,
    });
  }
  const violations: FieldViolation[] = [];
  if (!isCalendarDate(input.decidedAt)) violations.push({ field: 'decidedAt', problem: 'must be a date YYYY-MM-DD' });
  else if (input.decidedAt > today) violations.push({ field: 'decidedAt', problem: 'cannot be in the future' });
  else if (input.decidedAt < current.foundAt)
    violations.push({ field: 'decidedAt', problem: `cannot be before the case was found (${current.foundAt})` });
  if (input.decisions.length !== current.persons.length)
    violations.push({ field: 'decisions', problem: `must hold one decision for each of the ${current.persons.length} people, in order` });
  const decisions: PersonDecision[] = input.decisions.map((d, i) => {
    const field = `decisions[${i}]`;
    if (d.treatment) oneOfIds(`${field}.treatment`, d.treatment, idsOf(treatments), violations);
    if (d.partySanction) oneOfIds(`${field}.partySanction`, d.partySanction, idsOf(partySanctions), violations);
    if (d.governmentSanction) oneOfIds(`${field}.governmentSanction`, d.governmentSanction, idsOf(governmentSanctions), violations);
    if (!d.treatment && !d.partySanction && !d.governmentSanction)
      violations.push({ field, problem: 'names no treatment and no sanction' });
    if (d.partySanction === 'probation' && d.probationYears !== 1 && d.probationYears !== 2)
      violations.push({ field: `${field}.probationYears`, problem: '留党察看 is for 1 or 2 years' });
    if (d.partySanction !== 'probation' && d.probationYears)
      violations.push({ field: `${field}.probationYears`, problem: 'only with partySanction probation' });
    return {
      ...(d.treatment ? { treatment: d.treatment as PersonDecision['treatment'] } : {}),
      ...(d.partySanction ? { partySanction: d.partySanction as PersonDecision['partySanction'] } : {}),
      ...(d.partySanction === 'probation' ? { probationYears: d.probationYears as 1 | 2 } : {}),
      ...(d.governmentSanction ? { governmentSanction: d.governmentSanction as PersonDecision['governmentSanction'] } : {}),
    };
  });
  if (violations.length) throw validationFailed(violations);
  return {
    status: 'decided',
    decidedAt: input.decidedAt,
    persons: current.persons.map((person, i) => ({
      ...person,
      decision: decisions[i]!,
      influence: influencePeriods(decisions[i]!, input.decidedAt),
    })),
  };
}
