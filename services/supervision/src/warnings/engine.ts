/**
 * The rule engine over the event stream: one durable consumer per event type the rules and the
 * read models need, and a job for the rules judged once a period has ended. An event first
 * updates what is remembered of it (organisations, bills, meetings), then every rule listening to
 * its type looks at it. Raising is idempotent, so redeliveries and replicas raise nothing twice.
 */
import { isValidOrgPath } from '@repo/access';
import type { EventEnvelope } from '@repo/bus';
import { addDays, isCalendarDate, monthOf, provinceDate, quarterOf } from '@repo/calendar';
import type { ConsumerSpec, Job } from '@repo/kit';
import type { Logger } from '@repo/logging';
import {
  arrearsRun,
  eventPeriod,
  eventTypesOf,
  fieldOf,
  isBurst,
  lastClosedPeriod,
  matchesWhen,
  periodDays,
  type RuleOf,
  type WarningRule,
} from '../domain/warning-rules';
import type { MemberInfluence } from '../discipline/use-cases';
import { organizationEventTypes, type OrganizationDirectory } from '../store/organizations';
import type { Projections } from '../store/projections';
import type { NewWarning, WarningRepository } from '../store/warnings';

export interface EngineDeps {
  warnings: WarningRepository;
  projections: Projections;
  organizations: OrganizationDirectory;
  /** The member's influence periods covering a date (the discipline cases). */
  influence: (memberId: string, on: string) => Promise<MemberInfluence[]>;
  logger: Logger;
}

const duesTypes = { billed: 'member.dues.billed', paid: 'member.dues.paid' } as const;
const meetingRecorded = 'member.meeting.recorded';
const projectionTypes: readonly string[] = [...organizationEventTypes, duesTypes.billed, duesTypes.paid, meetingRecorded];

/**
 * Aggregates whose events are taken one at a time in the order they happened: a move after a
 * creation, a payment after its bill. Every other type is consumed on its own, in parallel.
 */
const inOrder = ['member.organization', 'member.dues'] as const;

export const warningDurable = (filter: string) => `supervision-warnings-${filter.replace(/\.>$/, '').replaceAll('.', '-')}`;

const dataOf = (event: EventEnvelope) => (event.data ?? {}) as Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');
/** A warning belongs where its event does; an event without an organisation, to the whole tree. */
const placeOf = (event: EventEnvelope) => (isValidOrgPath(event.orgPath) ? event.orgPath : '/');

export class WarningEngine {
  private readonly byType = new Map<string, WarningRule[]>();

  constructor(
    readonly rules: readonly WarningRule[],
    private readonly deps: EngineDeps,
  ) {
    for (const rule of rules) for (const type of eventTypesOf(rule)) this.byType.set(type, [...(this.byType.get(type) ?? []), rule]);
  }

  /** The consumers to run, over the domains the platform has; a rule of a service not (yet) listed waits. */
  consumers(domains: readonly string[]): ConsumerSpec[] {
    const types = [...new Set([...projectionTypes, ...this.byType.keys()])];
    const waiting = types.filter((type) => !domains.includes(type.split('.')[0]!));
    if (waiting.length) this.deps.logger.warn({ types: waiting }, 'warning rules wait for events of services the platform does not list');
    const handler = (event: EventEnvelope) => this.handle(event);
    const ordered = inOrder.filter((prefix) => types.some((type) => type.startsWith(`${prefix}.`)));
    const single = types.filter((type) => !waiting.includes(type) && !ordered.some((prefix) => type.startsWith(`${prefix}.`)));
    return [
      ...ordered.map((prefix) => ({
        domain: prefix.split('.')[0]!,
        durable: warningDurable(`${prefix}.>`),
        filterType: `${prefix}.>`,
        handler,
        maxAckPending: 1,
      })),
      ...single.map((type) => ({ domain: type.split('.')[0]!, durable: warningDurable(type), filterType: type, handler })),
    ];
  }

  jobs(): Job[] {
    const frequency = this.rules.filter((r): r is RuleOf<'meetingFrequency'> => r.kind === 'meetingFrequency');
    if (frequency.length === 0) return [];
    // Periods are months and quarters: hourly is soon enough, and each period is judged once.
    return [
      { name: 'warning-meeting-frequency', everyMs: 3_600_000, run: async (now) => ({ raised: await this.judgeMeetings(frequency, now) }) },
    ];
  }

  async handle(event: EventEnvelope): Promise<void> {
    await this.remember(event);
    for (const rule of this.byType.get(event.type) ?? []) {
      switch (rule.kind) {
        case 'event':
          await this.onEvent(rule, event);
          break;
        case 'burst':
          await this.onBurst(rule, event);
          break;
        case 'duesArrears':
          await this.onDues(rule, event);
          break;
        case 'influencePeriod':
          await this.onStanding(rule, event);
          break;
        case 'meetingFrequency':
          break;
      }
    }
  }

  private async remember(event: EventEnvelope): Promise<void> {
    const data = dataOf(event);
    if ((organizationEventTypes as readonly string[]).includes(event.type)) await this.deps.organizations.apply(event);
    else if (event.type === duesTypes.billed || event.type === duesTypes.paid) {
      const payment = event.type === duesTypes.paid;
      await this.deps.projections.bill({
        billId: text(data.billId),
        memberId: event.subjectId,
        orgPath: placeOf(event),
        month: text(data.month),
        // A bill of nothing (an exempt member) is settled from the start.
        settled: payment ? data.settled === true : data.amountFen === 0,
        at: event.occurredAt,
        payment,
      });
    } else if (event.type === meetingRecorded && isCalendarDate(data.date)) {
      await this.deps.projections.meeting({
        _id: event.subjectId,
        organizationId: text(data.organizationId),
        type: text(data.type),
        date: data.date,
        month: monthOf(data.date),
        quarter: quarterOf(data.date),
      });
    }
  }

  private raise(
    rule: WarningRule,
    warning: Pick<NewWarning, 'subjectId' | 'period' | 'orgPath' | 'facts' | 'eventId'>,
    at = new Date(),
  ): Promise<boolean> {
    return this.deps.warnings.raise({ ruleId: rule.id, title: rule.title, basis: rule.basis, severity: rule.severity, ...warning }, at);
  }

  private async onEvent(rule: RuleOf<'event'>, event: EventEnvelope): Promise<void> {
    if (!matchesWhen(rule, event)) return;
    const subjectId = fieldOf(event, rule.subject);
    const period = eventPeriod(rule, event);
    if (!subjectId || !period) {
      this.deps.logger.warn({ rule: rule.id, eventId: event.id }, 'warning rule: the event carries no subject or period; nothing raised');
      return;
    }
    await this.raise(rule, {
      subjectId,
      period,
      orgPath: placeOf(event),
      facts: { eventType: event.type, data: event.data ?? null },
      eventId: event.id,
    });
  }

  private async onBurst(rule: RuleOf<'burst'>, event: EventEnvelope): Promise<void> {
    const who = fieldOf(event, rule.by);
    if (!who) return;
    const day = provinceDate(new Date(event.occurredAt));
    await this.deps.projections.reveal(event.id, who, day, event.occurredAt);
    // The window may begin the day before.
    const times = await this.deps.projections.revealTimes(who, [addDays(day, -1), day]);
    if (!isBurst(times, event.occurredAt, rule.count, rule.withinMinutes)) return;
    const inWindow = times.filter(
      (t) => Date.parse(t) > Date.parse(event.occurredAt) - rule.withinMinutes * 60_000 && t <= event.occurredAt,
    ).length;
    await this.raise(rule, {
      subjectId: who,
      period: day,
      orgPath: placeOf(event),
      facts: { eventType: event.type, count: inWindow, withinMinutes: rule.withinMinutes },
      eventId: event.id,
    });
  }

  /**
   * Arrears are warned once per rule and episode: an episode begins with the first unpaid month of
   * a run and lasts until the member is paid up again, however the oldest months are paid meanwhile.
   */
  private async onDues(rule: RuleOf<'duesArrears'>, event: EventEnvelope): Promise<void> {
    const bills = await this.deps.projections.billsOf(event.subjectId);
    const run = arrearsRun(bills);
    const episode = await this.deps.projections.arrearsEpisode(event.subjectId, run?.from);
    if (!run || !episode || run.months < rule.months) return;
    const latest = bills.reduce((a, b) => (b.month > a.month ? b : a));
    const facts = { unpaidMonths: run.months, fromMonth: run.from, toMonth: latest.month, episodeFrom: episode };
    await this.raise(rule, { subjectId: event.subjectId, period: episode, orgPath: latest.orgPath, facts, eventId: event.id });
  }

  private async onStanding(rule: RuleOf<'influencePeriod'>, event: EventEnvelope): Promise<void> {
    const memberId = fieldOf(event, rule.member);
    if (!memberId) return;
    const given = rule.dateField ? fieldOf(event, rule.dateField) : '';
    const on = isCalendarDate(given) ? given : provinceDate(new Date(event.occurredAt));
    for (const { caseId, caseNumber, period } of await this.deps.influence(memberId, on)) {
      await this.raise(rule, {
        subjectId: memberId,
        period: `${caseId}:${period.sanction}`,
        orgPath: placeOf(event),
        facts: {
          eventType: event.type,
          on,
          caseNumber,
          sanction: period.name,
          from: period.from,
          until: period.until,
          data: event.data ?? null,
        },
        eventId: event.id,
      });
    }
  }

  /** Judges every frequency rule's last closed period once; answers how many warnings it raised. */
  async judgeMeetings(rules: readonly RuleOf<'meetingFrequency'>[], now: Date): Promise<number> {
    let raised = 0;
    for (const rule of rules) {
      const period = lastClosedPeriod(rule.per, addDays(provinceDate(now), -rule.graceDays));
      if (await this.deps.projections.swept(rule.id, period)) continue;
      const { first } = periodDays(period);
      const held = new Map<string, number>();
      for (const meeting of await this.deps.projections.meetingsIn(period)) {
        if (meeting.type === rule.meetingType) held.set(meeting.organizationId, (held.get(meeting.organizationId) ?? 0) + 1);
      }
      for (const organization of await this.deps.organizations.ofKinds(rule.organizationKinds)) {
        // One created during the period is judged from the next.
        if (provinceDate(new Date(organization.createdAt)) > first) continue;
        const count = held.get(organization.id) ?? 0;
        if (count >= rule.atLeast) continue;
        const facts = {
          organizationName: organization.name,
          meetingType: rule.meetingType,
          held: count,
          required: rule.atLeast,
          per: rule.per,
        };
        if (await this.raise(rule, { subjectId: organization.id, period, orgPath: organization.path, facts, eventId: '' }, now)) raised++;
      }
      await this.deps.projections.markSwept(rule.id, period, now);
    }
    return raised;
  }
}
