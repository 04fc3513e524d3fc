/**
 * Study points (学习积分): an opt-in incentive. The rules are versioned data with an effective
 * date (the best-known app changed its points rules six times since 2019), awards are
 * idempotent by action id and capped per day. Points are an incentive only: no assessment reads
 * them, and the 2026 rules for government apps (国办函〔2026〕12号) forbid making them compulsory,
 * ranking people by them, or using them as an assessment basis.
 */
import { isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { versionPattern } from './conversion';
import { isOneOf, pointsActions, type PointsAction } from './vocabulary';

export interface PointsRule {
  action: PointsAction;
  points: number;
  /** 0: no cap of its own. */
  dailyCap: number;
}

export interface PointsRules {
  version: string;
  effectiveFrom: string;
  rules: PointsRule[];
  dailyMaximum: number;
  createdBy: string;
}

export const defaultPointsRules: PointsRules = {
  version: 'default',
  effectiveFrom: '2000-01-01',
  rules: [
    { action: 'unitCompleted', points: 1, dailyCap: 20 },
    { action: 'examPassed', points: 5, dailyCap: 10 },
  ],
  dailyMaximum: 25,
  createdBy: 'system',
};

export function validatePointsRules(rules: PointsRules, existing: readonly PointsRules[], today: string): PointsRules {
  const violations: FieldViolation[] = [];
  if (!versionPattern.test(rules.version))
    violations.push({ field: 'version', problem: 'must be 1-40 letters, digits, dots, dashes or underscores' });
  if (!isCalendarDate(rules.effectiveFrom)) violations.push({ field: 'effectiveFrom', problem: 'must be a calendar date YYYY-MM-DD' });
  const seen = new Set<string>();
  rules.rules.forEach((rule, i) => {
    if (!isOneOf(pointsActions, rule.action))
      violations.push({ field: `rules[${i}].action`, problem: `must be one of ${pointsActions.join(', ')}` });
    else if (seen.has(rule.action)) violations.push({ field: `rules[${i}].action`, problem: 'appears twice' });
    seen.add(rule.action);
    if (!Number.isInteger(rule.points) || rule.points < 1 || rule.points > 1_000)
      violations.push({ field: `rules[${i}].points`, problem: 'must be 1 to 1000' });
    if (!Number.isInteger(rule.dailyCap) || rule.dailyCap < 0)
      violations.push({ field: `rules[${i}].dailyCap`, problem: 'must be 0 (no cap of its own) or more' });
  });
  if (rules.rules.length === 0) violations.push({ field: 'rules', problem: 'needs at least one rule' });
  if (!Number.isInteger(rules.dailyMaximum) || rules.dailyMaximum < 1)
    violations.push({ field: 'dailyMaximum', problem: 'must be at least 1' });
  if (violations.length) throw validationFailed(violations);
  if (existing.some((r) => r.version === rules.version))
    throw failedPrecondition('LEARNING_RULES_VERSION_TAKEN', `points rules ${rules.version} exist already`, { version: rules.version });
  if (existing.some((r) => r.effectiveFrom === rules.effectiveFrom))
    throw failedPrecondition('LEARNING_RULES_DATE_TAKEN', `points rules take effect on ${rules.effectiveFrom} already`, {
      effectiveFrom: rules.effectiveFrom,
    });
  if (rules.effectiveFrom < today)
    throw failedPrecondition('LEARNING_RULES_RETROACTIVE', `points rules take effect today or later, not ${rules.effectiveFrom}`, {
      effectiveFrom: rules.effectiveFrom,
      today,
    });
  return rules;
}

export function pointsRulesOn(versions: readonly PointsRules[], date: string): PointsRules {
  let found: PointsRules | undefined;
  for (const v of versions) if (v.effectiveFrom <= date && (!found || v.effectiveFrom > found.effectiveFrom)) found = v;
  return found ?? defaultPointsRules;
}

/** A person's points of one day so far. */
export interface PointsDay {
  total: number;
  byAction: Partial<Record<PointsAction, number>>;
}

/** Points an action earns today, within the action's cap and the day's maximum. */
export function pointsFor(rules: PointsRules, action: PointsAction, day: PointsDay): number {
  const rule = rules.rules.find((r) => r.action === action);
  if (!rule) return 0;
  const byAction = day.byAction[action] ?? 0;
  const actionRoom = rule.dailyCap ? rule.dailyCap - byAction : rule.points;
  return Math.max(0, Math.min(rule.points, actionRoom, rules.dailyMaximum - day.total));
}

/**
 * The setting that decides for a node, given the paths covering it (root first, the node last):
 * its own, else the nearest above it; off when none was ever set.
 */
export function pointsEnabled(settings: ReadonlyMap<string, boolean>, covering: readonly string[]): boolean {
  for (const scope of [...covering].reverse()) {
    const setting = settings.get(scope);
    if (setting !== undefined) return setting;
  }
  return false;
}
