/**
 * Statistics for an organisation's subtree over any period: in total, by level, by organisation
 * and by leader post. Whole months are read from month tallies and the rest from day tallies, so
 * a month of a city is a few thousand small records whatever the number of messages; the report
 * made of them is kept until the tallies change (their generation, renewed by every change), so
 * a report asked again is two reads by `_id`.
 */
import { authorize, inCallerScope, scopeOf, type Caller } from '@repo/access';
import { addDays, firstDayOfMonth, isCalendarDate, lastDayOfMonth, monthOf, shiftMonth } from '@repo/calendar';
import { notFound, validationFailed, type FieldViolation } from '@repo/errors';
import { idOfPath, organizationLevels, type OrganizationLevel } from '../domain/organizations';
import { figuresOf, sumTallies, type Figures, type Tally } from '../domain/statistics';
import type { LeaderPostRepository } from '../store/leader-posts';
import type { OrganizationDirectory } from '../store/organizations';
import type { Rollup, StatisticsStore } from '../store/statistics';

export const statisticsLimits = { defaultRows: 50, maxRows: 500, maxDays: 366 } as const;

export interface StatisticsQuery {
  organizationId: string;
  from: string;
  to: string;
  organizationRows: number;
}

export interface StatisticsReport {
  organizationId: string;
  organizationName: string;
  from: string;
  to: string;
  total: Figures;
  levels: { level: OrganizationLevel; figures: Figures }[];
  organizations: { organizationId: string; organizationName: string; level: string; figures: Figures }[];
  organizationsTotal: number;
  leaderPosts: { leaderPostId: string; title: string; organizationName: string; figures: Figures }[];
  computedThrough: string;
}

/** What a report holds besides what the request names and how far the tallies are computed. */
export type MadeReport = Omit<StatisticsReport, 'organizationId' | 'organizationName' | 'from' | 'to' | 'computedThrough'>;

const missing = (id: string) => notFound('FEEDBACK_ORGANIZATION_NOT_FOUND', `organization ${id} not found`, { id });

/** Tallies summed by a key. */
function grouped<T>(items: T[], key: (item: T) => string, tally: (item: T) => Tally): Map<string, Tally> {
  const groups = new Map<string, Tally[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), tally(item)]);
  return new Map([...groups].map(([k, tallies]) => [k, sumTallies(tallies)]));
}

/** The busiest first; ties by name, then by id. */
const busiestFirst = <T extends { tally: Tally; name: string; id: string }>(a: T, b: T) =>
  b.tally.received - a.tally.received || a.name.localeCompare(b.name, 'zh') || a.id.localeCompare(b.id);

export class StatisticsUseCases {
  /** Reports being made in this replica, by key and generation. */
  private readonly making = new Map<string, Promise<MadeReport>>();

  constructor(
    private readonly statistics: StatisticsStore,
    private readonly organizations: OrganizationDirectory,
    private readonly posts: LeaderPostRepository,
  ) {}

  private check(query: StatisticsQuery): void {
    const violations: FieldViolation[] = [];
    for (const field of ['from', 'to'] as const)
      if (!isCalendarDate(query[field])) violations.push({ field, problem: 'must be a calendar date YYYY-MM-DD' });
    if (violations.length === 0) {
      if (query.to < query.from) violations.push({ field: 'to', problem: 'must not be before from' });
      else if (addDays(query.from, statisticsLimits.maxDays - 1) < query.to)
        violations.push({ field: 'to', problem: `the period is at most ${statisticsLimits.maxDays} days` });
    }
    if (query.organizationRows < 1 || query.organizationRows > statisticsLimits.maxRows) {
      violations.push({ field: 'organizationRows', problem: `must be between 1 and ${statisticsLimits.maxRows}` });
    }
    if (violations.length) throw validationFailed(violations);
  }

  /** The subtree asked for: a node in the caller's scope, or the caller's own node. */
  private async subtree(caller: Caller, organizationId: string): Promise<{ id: string; name: string; path: string }> {
    if (organizationId) {
      const organization = await this.organizations.find(organizationId);
      if (!organization || !inCallerScope(caller, organization.path)) throw missing(organizationId);
      return organization;
    }
    const scope = scopeOf(caller);
    if (scope === '/') return { id: '', name: '', path: '/' };
    const own = await this.organizations.find(idOfPath(scope));
    return { id: idOfPath(scope), name: own?.name ?? '', path: scope };
  }

  /** Tallies of the period: month tallies for whole months, day tallies for the parts of others. */
  private async rows(scope: string, from: string, to: string): Promise<Rollup[]> {
    const rows: Rollup[] = [];
    for (let month = monthOf(from); month <= monthOf(to); month = shiftMonth(month, 1)) {
      const first = firstDayOfMonth(month);
      const last = lastDayOfMonth(month);
      if (from <= first && last <= to) rows.push(...(await this.statistics.within(scope, 'month', month)));
      else rows.push(...(await this.statistics.within(scope, 'day', month)).filter((r) => r.period >= from && r.period <= to));
    }
    return rows;
  }

  /**
   * The report: made once per generation of the tallies and kept (two reads by `_id` while the
   * tallies stay as they are), so it is exactly what the tallies give, never older than they are.
   */
  async get(caller: Caller, query: StatisticsQuery): Promise<StatisticsReport> {
    authorize(caller, 'feedback.statistics');
    this.check(query);
    const subtree = await this.subtree(caller, query.organizationId);
    const key = `${subtree.path}|${query.from}|${query.to}|${query.organizationRows}`;
    // The generation is read before the tallies, so what is kept under it was made of them or of later ones.
    const [{ computedThrough, generation }, stored] = await Promise.all([this.statistics.current(), this.statistics.storedReport(key)]);
    let made: MadeReport;
    if (stored?.generation === generation) made = JSON.parse(stored.report) as MadeReport;
    else {
      // Reads of one key at once in this replica make it once.
      const pending = `${key}|${generation}`;
      let making = this.making.get(pending);
      if (!making) {
        making = this.make(subtree.path, query).then(async (report) => {
          await this.statistics.keepReport(key, generation, JSON.stringify(report));
          return report;
        });
        this.making.set(pending, making);
        void making.finally(() => this.making.delete(pending)).catch(() => undefined);
      }
      made = await making;
    }
    return { organizationId: subtree.id, organizationName: subtree.name, from: query.from, to: query.to, ...made, computedThrough };
  }

  /** The report of a subtree and period from the tallies, as today's reads see them. */
  async make(scope: string, query: StatisticsQuery): Promise<MadeReport> {
    const rows = await this.rows(scope, query.from, query.to);
    const organizations = [
      ...grouped(
        rows,
        (r) => r.organizationId,
        (r) => r.tally,
      ),
    ]
      .map(([id, tally]) => {
        const row = rows.find((r) => r.organizationId === id)!;
        return { id, name: row.organizationName, level: row.level, tally };
      })
      .sort(busiestFirst);
    const postShares = rows.flatMap((r) => r.posts);
    const posts = await this.posts.byIds([...new Set(postShares.map((p) => p.leaderPostId))]);
    const byPost = [
      ...grouped(
        postShares,
        (p) => p.leaderPostId,
        (p) => p.tally,
      ),
    ]
      .map(([id, tally]) => ({ id, name: posts.get(id)?.title ?? '', post: posts.get(id), tally }))
      .sort(busiestFirst);
    const levels = grouped(
      rows,
      (r) => r.level,
      (r) => r.tally,
    );
    return {
      total: figuresOf(sumTallies(rows.map((r) => r.tally))),
      levels: organizationLevels.filter((level) => levels.has(level)).map((level) => ({ level, figures: figuresOf(levels.get(level)!) })),
      organizations: organizations.slice(0, query.organizationRows).map((o) => ({
        organizationId: o.id,
        organizationName: o.name,
        level: o.level,
        figures: figuresOf(o.tally),
      })),
      organizationsTotal: organizations.length,
      leaderPosts: byPost.map((p) => ({
        leaderPostId: p.id,
        title: p.post?.title ?? '',
        organizationName: p.post?.organizationName ?? '',
        figures: figuresOf(p.tally),
      })),
    };
  }
}
