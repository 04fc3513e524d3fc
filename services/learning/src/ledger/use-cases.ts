/**
 * The class-hour ledger: crediting what learners did, their standing against the requirement
 * set of the year, reports per organisation subtree, the quarterly check that announces who is
 * behind, and the rule data (conversion tables, requirement sets) with their effective dates.
 */
import { authorize, scopeOf, type Caller } from '@repo/access';
import type { NewEvent } from '@repo/bus';
import { notFound } from '@repo/errors';
import type { Logger } from '@repo/logging';
import { subjectLearner } from '../access';
import { todayOf, type Clock } from '../clock';
import { tableInForce, validateConversionTable, type ConversionTable } from '../domain/conversion';
import type { Learner, LearnerFacts } from '../domain/learner';
import {
  emptyTotals,
  totalsOf,
  yearOf,
  type BehindLearner,
  type Ledger,
  type LedgerEntry,
  type NodeSummary,
  type RuleCount,
  type Standing,
} from '../domain/ledger';
import {
  applies,
  assess,
  endedQuarters,
  setForYear,
  validateRequirementSet,
  type RequirementSet,
  type YearTotals,
} from '../domain/requirements';
import type { LearnerRepository } from '../store/learners';
import { ledgerEvents, type LedgerRepository } from '../store/ledgers';
import type { OrganizationCopies } from '../store/organizations';
import type { RuleRepository } from '../store/rules';
import type { SummaryRepository } from '../store/summaries';

export const reportPaging = { defaultSize: 50, maxSize: 500 } as const;

export const rulesEvents = {
  conversionTable: 'learning.rules.conversionTableAdded',
  requirementSet: 'learning.rules.requirementSetAdded',
  pointsRules: 'learning.rules.pointsRulesAdded',
} as const;

export interface HoursReport {
  year: number;
  orgPath: string;
  learners: number;
  onTrack: number;
  met: number;
  rules: RuleCount[];
  behind: BehindLearner[];
  total: number;
}

const maxConflictRetries = 10;

/** Retries `work` while it fails on a revision conflict (someone wrote the record meanwhile). */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if ((err as { code?: string }).code !== 'LEARNING_REVISION_CONFLICT' || attempt >= maxConflictRetries) throw err;
    }
  }
}

/** The longest window of the set's rules that apply to the learner (1 when none is longer). */
function windowOf(set: RequirementSet, learner: LearnerFacts): number {
  return Math.max(1, ...set.rules.filter((r) => applies(r, learner)).map((r) => r.windowYears));
}

function sameStanding(a: Standing, b: Standing): boolean {
  return (
    a.onTrack === b.onTrack &&
    a.met === b.met &&
    a.assessedQuarters === b.assessedQuarters &&
    a.requirementSet === b.requirementSet &&
    JSON.stringify(a.rules) === JSON.stringify(b.rules)
  );
}

/** How far each summary round looks back past the latest change it counted (clocks of replicas differ). */
const summaryClockSkewMs = 2_000;

export class LedgerUseCases {
  /** The latest ledger change (ms) the summaries have counted, on this replica. */
  private summariesCountedTo = 0;

  constructor(
    private readonly ledgers: LedgerRepository,
    private readonly summaries: SummaryRepository,
    private readonly learners: LearnerRepository,
    private readonly rules: RuleRepository,
    private readonly organizations: OrganizationCopies,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The conversion table in force on each day, for crediting. */
  async tableOn(): Promise<(date: string) => ConversionTable> {
    const tables = await this.rules.list('conversionTable');
    return (date) => tableInForce(tables, date);
  }

  /** A learner's standing in `year` from its totals (reading earlier years for rolling windows). */
  private async standing(
    learner: LearnerFacts & { memberId: string },
    year: number,
    totals: YearTotals,
    today = todayOf(this.clock),
  ): Promise<Standing> {
    const set = setForYear(await this.rules.list('requirementSet'), year);
    // Earlier years are read only for a rolling window that applies to this learner.
    const window = windowOf(set, learner);
    const earlier =
      window > 1
        ? await this.ledgers.years(
            learner.memberId,
            Array.from({ length: window - 1 }, (_, i) => year - 1 - i),
          )
        : [];
    const byYear = new Map(earlier.map((l) => [l.year, l.totals]));
    byYear.set(year, totals);
    const quarters = endedQuarters(year, today);
    const rules = assess(learner, set, year, quarters, (y) => byYear.get(y) ?? emptyTotals);
    return {
      rules,
      onTrack: rules.every((r) => r.onTrack),
      met: rules.every((r) => r.met),
      assessedQuarters: quarters,
      requirementSet: set.version,
    };
  }

  private async openOrRead(learner: Learner, year: number): Promise<Ledger> {
    const found = await this.ledgers.find(learner.memberId, year);
    if (found) return found;
    const fresh = {
      memberId: learner.memberId,
      year,
      orgPath: learner.orgPath,
      totals: emptyTotals,
      ...(await this.standing(learner, year, emptyTotals)),
    };
    if (await this.ledgers.open([fresh])) return { ...fresh, entries: [], behindQuarters: [], revision: 1 };
    // Opened by someone else meanwhile.
    const opened = await this.ledgers.find(learner.memberId, year);
    if (!opened) throw new Error(`ledger ${learner.memberId}:${year} did not open`);
    return opened;
  }

  /**
   * Credits entries to the learner's ledgers of their years; an entry whose key the ledger holds
   * already adds nothing. Answers the entries credited now.
   */
  async credit(learner: Learner, entries: readonly LedgerEntry[]): Promise<LedgerEntry[]> {
    const credited: LedgerEntry[] = [];
    const years = [...new Set(entries.map((e) => yearOf(e.date)))].sort();
    for (const year of years) {
      const ofYear = entries.filter((e) => yearOf(e.date) === year);
      await retryOnConflict(async () => {
        const current = await this.openOrRead(learner, year);
        const held = new Set(current.entries.map((e) => e.key));
        const fresh = ofYear.filter((e) => !held.has(e.key));
        if (fresh.length === 0) return;
        const totals = totalsOf([...current.entries, ...fresh]);
        await this.ledgers.credit(current, fresh, totals, await this.standing(learner, year, totals), []);
        credited.push(...fresh);
      });
      // A rolling window's later years count this year too.
      await this.reassessLater(learner, year);
    }
    return credited;
  }

  private async reassessLater(learner: Learner, year: number): Promise<void> {
    const set = setForYear(await this.rules.list('requirementSet'), year);
    const window = windowOf(set, learner);
    if (window === 1) return;
    const later = await this.ledgers.years(
      learner.memberId,
      Array.from({ length: window - 1 }, (_, i) => year + 1 + i),
    );
    for (const ledger of later) await this.reassess(learner, ledger.year);
  }

  /** Assesses a ledger again (rules, quarters or the learner changed), with `events` and a quarter announced. */
  async reassess(
    learner: Learner,
    year: number,
    events: (standing: Standing, ledger: Ledger) => { events: NewEvent[]; behindQuarter?: string } = () => ({ events: [] }),
    today = todayOf(this.clock),
  ): Promise<Ledger> {
    return retryOnConflict(async () => {
      const current = await this.openOrRead(learner, year);
      const standing = await this.standing(learner, year, current.totals, today);
      const { events: news, behindQuarter } = events(standing, current);
      // Nothing changed and nothing to announce: no write (most ledgers, most quarters).
      if (news.length === 0 && !behindQuarter && sameStanding(current, standing)) return current;
      return this.ledgers.reassess(current, standing, news, behindQuarter);
    });
  }

  /**
   * A learner's facts changed (a new member, another stage, organisation or post): this year's
   * ledger and later ones are placed at their node and assessed again.
   */
  async learnerChanged(before: Learner | null, after: Learner): Promise<void> {
    const year = yearOf(todayOf(this.clock));
    const years = [year, ...(await this.ledgers.ofMember(after.memberId)).filter((l) => l.year > year).map((l) => l.year)];
    if (before && before.orgPath !== after.orgPath) {
      await this.ledgers.place(after.memberId, years, after.orgPath);
      // The node left behind no longer counts them.
      for (const y of years) await this.refreshNode(before.orgPath, y);
    }
    for (const y of years) await this.reassess(after, y);
  }

  /**
   * Learners new to this service (a batch of member events): this year's ledger is opened for
   * each in one insert. A ledger there already (the batch delivered again) is assessed again.
   */
  async learnersArrived(learners: readonly Learner[]): Promise<void> {
    if (learners.length === 0) return;
    const year = yearOf(todayOf(this.clock));
    const fresh = await Promise.all(
      learners.map(async (l) => ({
        memberId: l.memberId,
        year,
        orgPath: l.orgPath,
        totals: emptyTotals,
        ...(await this.standing(l, year, emptyTotals)),
      })),
    );
    const there = new Set((await this.ledgers.openMany(fresh)).map((l) => l.memberId));
    for (const learner of learners) if (there.has(learner.memberId)) await this.learnerChanged(null, learner);
  }

  /** The ledger of a person and year (0: this year) as it stands today. */
  async ledger(caller: Caller, memberId: string, yearAsked: number): Promise<Ledger> {
    const { learner } = await subjectLearner(this.learners, caller, memberId, 'learning.read');
    const year = yearAsked || yearOf(todayOf(this.clock));
    const stored = await this.ledgers.find(learner.memberId, year);
    const totals = stored?.totals ?? emptyTotals;
    const standing = await this.standing(learner, year, totals);
    return {
      memberId: learner.memberId,
      year,
      orgPath: stored?.orgPath ?? learner.orgPath,
      entries: stored?.entries ?? [],
      totals,
      behindQuarters: stored?.behindQuarters ?? [],
      revision: stored?.revision ?? 0,
      ...standing,
    };
  }

  /** Who is behind and the share on track, for a subtree and year (from the nodes' summaries). */
  async report(caller: Caller, organizationId: string, yearAsked: number, page: number, size: number): Promise<HoursReport> {
    authorize(caller, 'learning.read');
    const year = yearAsked || yearOf(todayOf(this.clock));
    const scope = scopeOf(caller);
    let orgPath = scope;
    if (organizationId) {
      const organization = await this.organizations.find(organizationId);
      if (!organization || !organization.path.startsWith(scope))
        throw notFound('ORGANIZATION_NOT_FOUND', `organisation ${organizationId} not found`, { id: organizationId });
      orgPath = organization.path;
    }
    // Who is behind is listed by node path, then member: a page spans the few nodes it covers.
    const nodes = (await this.summaries.within(orgPath, year)).sort((a, b) => a.orgPath.localeCompare(b.orgPath));
    const rules = new Map<string, RuleCount>();
    let learners = 0;
    let onTrack = 0;
    let met = 0;
    let total = 0;
    const start = (page - 1) * size;
    const spanned: { orgPath: string; year: number; from: number }[] = [];
    for (const node of nodes) {
      learners += node.learners;
      onTrack += node.onTrack;
      met += node.met;
      if (node.behindCount > 0 && total + node.behindCount > start && total < start + size)
        spanned.push({ orgPath: node.orgPath, year: node.year, from: total });
      total += node.behindCount;
      for (const rule of node.rules) {
        const sum = rules.get(rule.code) ?? { ...rule, applicable: 0, onTrack: 0, met: 0 };
        rules.set(rule.code, {
          ...sum,
          applicable: sum.applicable + rule.applicable,
          onTrack: sum.onTrack + rule.onTrack,
          met: sum.met + rule.met,
        });
      }
    }
    const lists = await this.summaries.behindAt(spanned);
    const behind: BehindLearner[] = spanned.flatMap((node, i) =>
      [...lists[i]!].sort((a, b) => a.memberId.localeCompare(b.memberId)).slice(Math.max(0, start - node.from), start + size - node.from),
    );
    return {
      year,
      orgPath,
      learners,
      onTrack,
      met,
      rules: [...rules.values()],
      behind: behind.slice(0, size),
      total,
    };
  }

  /** Recounts the summary of one node's year from the ledgers placed there. */
  async refreshNode(orgPath: string, year: number): Promise<void> {
    await this.refreshNodes([orgPath], year);
  }

  /**
   * Recounts the summaries of several nodes of one year: four store round trips however many
   * nodes (their marks cleared, their ledgers read, the counts and the lists written).
   */
  async refreshNodes(orgPaths: readonly string[], year: number): Promise<void> {
    if (orgPaths.length === 0) return;
    const summaries = new Map<string, NodeSummary>(
      orgPaths.map((orgPath) => [orgPath, { orgPath, year, learners: 0, onTrack: 0, met: 0, rules: [], behind: [] }]),
    );
    const rulesOf = new Map<string, Map<string, RuleCount>>(orgPaths.map((p) => [p, new Map()]));
    for (const ledger of await this.ledgers.atNodes(orgPaths, year)) {
      const summary = summaries.get(ledger.orgPath);
      const rules = rulesOf.get(ledger.orgPath);
      if (!summary || !rules || ledger.rules.length === 0) continue;
      summary.learners += 1;
      if (ledger.onTrack) summary.onTrack += 1;
      if (ledger.met) summary.met += 1;
      for (const rule of ledger.rules) {
        const count = rules.get(rule.code) ?? { code: rule.code, title: rule.title, applicable: 0, onTrack: 0, met: 0 };
        count.applicable += 1;
        if (rule.onTrack) count.onTrack += 1;
        if (rule.met) count.met += 1;
        rules.set(rule.code, count);
      }
      if (!ledger.onTrack) {
        const total = ledger.totals.online + ledger.totals.offline;
        summary.behind.push({
          memberId: ledger.memberId,
          orgPath: ledger.orgPath,
          totalQuarterHours: total,
          behindRules: ledger.rules.filter((r) => !r.onTrack).map((r) => r.code),
        });
      }
    }
    for (const [orgPath, summary] of summaries) summary.rules = [...rulesOf.get(orgPath)!.values()];
    await this.summaries.saveMany([...summaries.values()]);
  }

  /**
   * Recounts the summaries of nodes whose ledgers changed since the last round (all of them at
   * a replica's first round), a year's nodes 50 at a time; answers how many nodes. Each round
   * looks back `summaryClockSkewMs` more, for writes stamped by another replica's slower clock.
   */
  async refreshSummaries(): Promise<number> {
    const since = this.summariesCountedTo === 0 ? 0 : this.summariesCountedTo - summaryClockSkewMs;
    const { nodes, latest } = await this.ledgers.changedSince(since);
    // Nothing newer than what was counted: the look-back alone recounts nothing.
    if (this.summariesCountedTo > 0 && latest <= this.summariesCountedTo) return 0;
    const byYear = new Map<number, string[]>();
    for (const { orgPath, year } of nodes) byYear.set(year, [...(byYear.get(year) ?? []), orgPath]);
    for (const [year, paths] of byYear) for (let i = 0; i < paths.length; i += 50) await this.refreshNodes(paths.slice(i, i + 50), year);
    this.summariesCountedTo = Math.max(this.summariesCountedTo, latest);
    return nodes.length;
  }

  /**
   * When a year begins, opens its ledger for every learner, so that nobody who has not studied
   * yet is missing from the reports (learners added later get theirs when they arrive).
   */
  async openYear(now: Date): Promise<number | undefined> {
    const today = todayOf({ now: () => now });
    const year = yearOf(today);
    const milestone = `open:${year}`;
    if (await this.ledgers.reached(milestone)) return undefined;
    let opened = 0;
    for await (const batch of this.learners.all()) {
      const ledgers = await Promise.all(
        batch.map(async (l) => ({
          memberId: l.memberId,
          year,
          orgPath: l.orgPath,
          totals: emptyTotals,
          ...(await this.standing(l, year, emptyTotals, today)),
        })),
      );
      opened += await this.ledgers.open(ledgers);
    }
    await this.ledgers.markReached(milestone, today);
    return opened;
  }

  /**
   * Once a quarter has ended: every ledger of its year is assessed again as of it, and each
   * person behind is announced once for that quarter (learning.hours.behind).
   */
  async assessEndedQuarter(now: Date): Promise<{ quarter: string; assessed: number; behind: number } | undefined> {
    const today = todayOf({ now: () => now });
    const thisYear = yearOf(today);
    const ended = endedQuarters(thisYear, today);
    const year = ended === 0 ? thisYear - 1 : thisYear;
    const quarter = `${year}-Q${ended === 0 ? 4 : ended}`;
    if (await this.ledgers.reached(quarter)) return undefined;
    let assessed = 0;
    let behind = 0;
    for await (const batch of this.ledgers.ofYear(year)) {
      for (const ledger of batch) {
        const learner = await this.learners.get(ledger.memberId);
        if (!learner) continue;
        await this.reassess(
          learner,
          year,
          (standing, current) => {
            if (standing.onTrack || current.behindQuarters.includes(quarter)) return { events: [] };
            behind += 1;
            return {
              behindQuarter: quarter,
              events: [
                {
                  type: ledgerEvents.behind,
                  actor: 'system',
                  orgPath: current.orgPath,
                  subjectId: current.memberId,
                  data: {
                    memberId: current.memberId,
                    year,
                    quarter,
                    rules: standing.rules
                      .filter((r) => !r.onTrack)
                      .map((r) => ({
                        code: r.code,
                        earnedQuarterHours: r.earnedQuarterHours,
                        expectedQuarterHours: r.expectedQuarterHours,
                        requiredQuarterHours: r.requiredQuarterHours,
                      })),
                  },
                },
              ],
            };
          },
          today,
        );
        assessed += 1;
      }
    }
    await this.ledgers.markReached(quarter, today);
    this.logger.info({ quarter, assessed, behind }, 'quarter assessed');
    return { quarter, assessed, behind };
  }

  async listTables(caller: Caller): Promise<ConversionTable[]> {
    authorize(caller, 'learning.read');
    return this.rules.list('conversionTable');
  }

  async addTable(caller: Caller, table: ConversionTable): Promise<ConversionTable> {
    authorize(caller, 'learning.rules');
    const valid = validateConversionTable(
      { ...table, createdBy: caller.userId },
      await this.rules.list('conversionTable', { fresh: true }),
      todayOf(this.clock),
    );
    return this.rules.add('conversionTable', valid, {
      type: rulesEvents.conversionTable,
      actor: caller.userId,
      orgPath: '/',
      subjectId: valid.version,
      data: { version: valid.version, effectiveFrom: valid.effectiveFrom },
    });
  }

  async listSets(caller: Caller): Promise<RequirementSet[]> {
    authorize(caller, 'learning.read');
    return this.rules.list('requirementSet');
  }

  async addSet(caller: Caller, set: RequirementSet): Promise<RequirementSet> {
    authorize(caller, 'learning.rules');
    const valid = validateRequirementSet(
      { ...set, createdBy: caller.userId },
      await this.rules.list('requirementSet', { fresh: true }),
      todayOf(this.clock),
    );
    return this.rules.add('requirementSet', valid, {
      type: rulesEvents.requirementSet,
      actor: caller.userId,
      orgPath: '/',
      subjectId: valid.version,
      data: { version: valid.version, effectiveFrom: valid.effectiveFrom },
    });
  }
}
