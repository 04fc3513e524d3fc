/**
 * Early-warning rules: data, read from a configuration file (rules/warnings.json, or the one
 * WARNING_RULES_FILE names), each naming the regulation it rests on. Five kinds:
 * - `event`: one event is the warning (a message overdue, a training override, hours behind);
 * - `duesArrears`: dues unpaid for N months in a row (billed and paid events);
 * - `meetingFrequency`: a branch held fewer meetings of a type than required in a month or quarter;
 * - `burst`: one actor did something N times within M minutes (revealing national IDs);
 * - `influencePeriod`: a stage change or promotion of a member inside a sanction's influence period.
 * Each warning is raised once per rule, subject and period; what those are is decided here.
 */
import { addDays, firstDayOfMonth, monthOf, monthsOfQuarter, provinceDate, quarterOf, shiftMonth } from '@repo/calendar';
import type { EventEnvelope } from '@repo/bus';
import { z } from '@repo/config';

export const severities = ['notice', 'warning', 'serious'] as const;
export type Severity = (typeof severities)[number];

const ruleBase = {
  id: z.string().regex(/^[a-z][a-z0-9-]{2,60}$/, 'lower case letters, digits and dashes, e.g. dues-arrears-3'),
  /** What the warning says, e.g. 连续3个月未交纳党费. */
  title: z.string().min(1).max(100),
  /** The regulation and article it rests on. */
  basis: z.string().min(1).max(500),
  severity: z.enum(severities),
};

const eventType = z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2}$/, 'an event type <service>.<aggregate>.<fact>');
/** An envelope field, or one of the event's data fields (`data.memberId`). */
const eventField = z.string().regex(/^(subjectId|actor|data\.[a-zA-Z0-9]+)$/, 'subjectId, actor or data.<field>');

const eventRule = z.object({
  ...ruleBase,
  kind: z.literal('event'),
  eventType,
  /** Who or what the warning is about. */
  subject: eventField.default('subjectId'),
  /**
   * Its period: `once` (one warning per subject ever), `event` (one per event), the province's
   * `day`, `month` or `quarter` of the event, or a data field that holds it (`data.quarter`).
   */
  period: z.union([z.enum(['once', 'event', 'day', 'month', 'quarter']), z.string().regex(/^data\.[a-zA-Z0-9]+$/)]).default('event'),
  /** Only events whose fields have these values, e.g. { "data.withinLimit": false }. */
  when: z.record(eventField, z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

const duesArrearsRule = z.object({
  ...ruleBase,
  kind: z.literal('duesArrears'),
  /** Months in a row unpaid that raise it. */
  months: z.number().int().min(1).max(24),
});

export const meetingTypes = ['generalMeeting', 'committeeMeeting', 'groupMeeting', 'partyLecture'] as const;
export const organizationKinds = ['committee', 'generalBranch', 'branch', 'group'] as const;

const meetingFrequencyRule = z.object({
  ...ruleBase,
  kind: z.literal('meetingFrequency'),
  meetingType: z.enum(meetingTypes),
  per: z.enum(['month', 'quarter']),
  atLeast: z.number().int().min(1).max(31),
  /** The organisations that must hold them. */
  organizationKinds: z.array(z.enum(organizationKinds)).min(1).default(['branch']),
  /** Days after the period ends before it is judged: minutes are often recorded a few days late. */
  graceDays: z.number().int().min(0).max(31).default(5),
});

const burstRule = z.object({
  ...ruleBase,
  kind: z.literal('burst'),
  eventType,
  /** Whose repetitions are counted. */
  by: eventField.default('actor'),
  count: z.number().int().min(2).max(10_000),
  withinMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});

const influencePeriodRule = z.object({
  ...ruleBase,
  kind: z.literal('influencePeriod'),
  /** Events that change the member's standing: stage changes, promotions. */
  eventTypes: z.array(eventType).min(1),
  /** The member the event is about. */
  member: eventField.default('subjectId'),
  /** The event's date field (YYYY-MM-DD); the province date it occurred on when absent. */
  dateField: z
    .string()
    .regex(/^data\.[a-zA-Z0-9]+$/)
    .optional(),
});

export const warningRuleSchema = z.discriminatedUnion('kind', [
  eventRule,
  duesArrearsRule,
  meetingFrequencyRule,
  burstRule,
  influencePeriodRule,
]);
export type WarningRule = z.infer<typeof warningRuleSchema>;
export type RuleOf<K extends WarningRule['kind']> = Extract<WarningRule, { kind: K }>;

export const warningRulesSchema = z
  .object({ rules: z.array(warningRuleSchema).min(1) })
  .strict()
  .superRefine(({ rules }, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `rule ${rule.id} is defined twice` });
      seen.add(rule.id);
    });
  });

/** The rules of a parsed file; problems name the rule and the field. */
export function parseWarningRules(value: unknown): WarningRule[] {
  const parsed = warningRulesSchema.safeParse(value);
  if (parsed.success) return parsed.data.rules;
  const rules = (value as { rules?: { id?: unknown }[] } | undefined)?.rules;
  throw new Error(
    parsed.error.issues
      .map((issue) => {
        const [, index, ...field] = issue.path;
        const id =
          typeof index === 'number' && typeof rules?.[index]?.id === 'string'
            ? `rule ${rules[index]!.id}`
            : `rules[${String(index ?? '')}]`;
        return `${index === undefined ? 'the file' : id}${field.length ? ` ${field.join('.')}` : ''}: ${issue.message}`;
      })
      .join('; '),
  );
}

/** The event types a rule listens to. */
export function eventTypesOf(rule: WarningRule): string[] {
  switch (rule.kind) {
    case 'event':
    case 'burst':
      return [rule.eventType];
    case 'duesArrears':
      return ['member.dues.billed', 'member.dues.paid'];
    case 'meetingFrequency':
      // Judged by a job once a period has ended, from the meetings and organisations kept as they come.
      return [];
    case 'influencePeriod':
      return rule.eventTypes;
  }
}

/** An envelope field or a data field of the event, as text; '' when absent. */
export function fieldOf(event: EventEnvelope, field: string): string {
  if (field === 'subjectId' || field === 'actor') return event[field] ?? '';
  const value = (event.data as Record<string, unknown> | null | undefined)?.[field.slice('data.'.length)];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Whether the event is one the rule looks at: every `when` field has its value. */
export function matchesWhen(rule: RuleOf<'event'>, event: EventEnvelope): boolean {
  return Object.entries(rule.when ?? {}).every(([field, expected]) => {
    const value =
      field === 'subjectId' || field === 'actor'
        ? event[field]
        : (event.data as Record<string, unknown> | null | undefined)?.[field.slice('data.'.length)];
    return value === expected;
  });
}

/** The period of an event rule's warning; '' when the event does not carry it. */
export function eventPeriod(rule: RuleOf<'event'>, event: EventEnvelope): string {
  const date = provinceDate(new Date(event.occurredAt));
  switch (rule.period) {
    case 'once':
      return 'once';
    case 'event':
      return event.id;
    case 'day':
      return date;
    case 'month':
      return monthOf(date);
    case 'quarter':
      return quarterOf(date);
    default:
      return fieldOf(event, rule.period);
  }
}

/** A month's dues bill, as the arrears rule sees it. */
export interface BillState {
  month: string;
  settled: boolean;
}

/**
 * The run of unpaid months that ends with the latest bill: its first month and its length. Bills
 * are monthly, so a gap in the months (a month never billed, e.g. an exempt member) ends a run.
 */
export function arrearsRun(bills: readonly BillState[]): { from: string; months: number } | undefined {
  const sorted = [...bills].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  let months = 0;
  let from = '';
  for (let i = sorted.length - 1; i >= 0; i--) {
    const bill = sorted[i]!;
    if (bill.settled) break;
    if (months > 0 && shiftMonth(bill.month, 1) !== from) break;
    from = bill.month;
    months++;
  }
  return months > 0 ? { from, months } : undefined;
}

/** The last month or quarter that has ended by `today` (the one a frequency rule judges). */
export function lastClosedPeriod(per: 'month' | 'quarter', today: string): string {
  const previousMonth = shiftMonth(monthOf(today), -1);
  if (per === 'month') return previousMonth;
  const current = quarterOf(today);
  return quarterOf(`${shiftMonth(monthsOfQuarter(current)[0], -1)}-01`);
}

/** The first and last day of a month ('2026-09') or quarter ('2026-Q3'). */
export function periodDays(period: string): { first: string; last: string } {
  const months = period.includes('-Q') ? monthsOfQuarter(period) : [period];
  const first = firstDayOfMonth(months[0]!);
  return { first, last: addDays(firstDayOfMonth(shiftMonth(months[months.length - 1]!, 1)), -1) };
}

/** Whether `times` (ISO instants, any order) hold at least `count` in the `withinMinutes` up to `at`. */
export function isBurst(times: readonly string[], at: string, count: number, withinMinutes: number): boolean {
  const end = Date.parse(at);
  const start = end - withinMinutes * 60_000;
  return times.filter((t) => Date.parse(t) > start && Date.parse(t) <= end).length >= count;
}
