/**
 * Recomputes the statistics of every stale key (handling organisation and day) from its messages,
 * and the months those days fall in. Runs on one replica per tick, like every job; what it
 * computed is correct however often it runs, and with two runs at once (a lease that lapsed
 * during a long catch-up), since each tally is rebuilt from the messages.
 *
 * Stale keys are taken a batch at a time and coalesced by organisation and month: one read of
 * that month's marks, then one of its messages (both equalities), give every stale day of it and
 * the month; the tallies go back in one bulk write a month. Then the tallies' generation is
 * renewed (reports made before are not used again) and the batch's marks are cleared in one
 * bulk write. The marks are read before the messages, so a mark set by a write the read missed
 * is never cleared (a save marks again after it is stored).
 */
import { eachConcurrently, type Job } from '@repo/kit';
import { handlingOrganization, type FeedbackMessage } from '../domain/message';
import type { Organization } from '../domain/organizations';
import { sumTallies, tallyOf, type Tally } from '../domain/statistics';
import type { MessageRepository } from '../store/messages';
import type { OrganizationDirectory } from '../store/organizations';
import { monthKeyOf, type PostTally, type RollupPlace, type RollupWrite, type StaleKey, type StatisticsStore } from '../store/statistics';

export interface RecomputeSummary extends Record<string, unknown> {
  keys: number;
  months: number;
  complete: boolean;
}

/** Organisation months recomputed at once, and stale keys listed at once. */
const parallel = 4;
const batchSize = 500;

/** The tally of some messages and their leader posts' shares. */
function combined(messages: FeedbackMessage[]): { tally: Tally; posts: PostTally[] } {
  const byPost = new Map<string, Tally[]>();
  const tallies = messages.map((m) => {
    const tally = tallyOf(m);
    const post = m.recipient.leaderPostId;
    if (post) byPost.set(post, [...(byPost.get(post) ?? []), tally]);
    return tally;
  });
  return {
    tally: sumTallies(tallies),
    posts: [...byPost]
      .map(([leaderPostId, postTallies]) => ({ leaderPostId, tally: sumTallies(postTallies) }))
      .sort((a, b) => a.leaderPostId.localeCompare(b.leaderPostId)),
  };
}

export class StatisticsJob {
  constructor(
    private readonly messages: MessageRepository,
    private readonly organizations: OrganizationDirectory,
    private readonly statistics: StatisticsStore,
    private readonly budgetMs: number,
  ) {}

  job(): Job {
    return { name: 'feedback-statistics', run: () => this.recompute() };
  }

  async recompute(): Promise<RecomputeSummary> {
    const started = new Date();
    // The tree's copy names the level; within one run each organisation is looked up once.
    const known = new Map<string, Promise<Organization | undefined>>();
    const organization = (id: string) => known.get(id) ?? known.set(id, this.organizations.find(id)).get(id)!;
    let keys = 0;
    let months = 0;
    let complete = true;
    for (let batch = await this.statistics.staleKeys(batchSize); batch.length > 0; batch = await this.statistics.staleKeys(batchSize)) {
      const byMonth = new Map<string, StaleKey[]>();
      for (const mark of batch) byMonth.set(monthKeyOf(mark._id), [...(byMonth.get(monthKeyOf(mark._id)) ?? []), mark]);
      const recomputed: StaleKey[] = [];
      await eachConcurrently([...byMonth], parallel, async ([monthKey, listed]) => {
        recomputed.push(...(await this.recomputeMonth(monthKey, listed, organization)));
        months++;
      });
      // Reports made of the tallies before are out of date; then the marks go (a crash between
      // leaves the marks, and the next run renews the generation again).
      await this.statistics.newGeneration();
      await this.statistics.clear(recomputed);
      keys += recomputed.length;
      if (Date.now() - started.getTime() > this.budgetMs) {
        complete = false;
        break;
      }
    }
    // Everything marked before this run started is in the statistics now, unless marks remain.
    if (complete && (await this.statistics.countStale()) === 0) await this.statistics.setComputedThrough(started.toISOString());
    return { keys, months, complete };
  }

  /** One organisation's month: its stale days and the month, from one read of its messages; answers the marks to clear. */
  private async recomputeMonth(
    monthKey: string,
    listed: StaleKey[],
    organization: (id: string) => Promise<Organization | undefined>,
  ): Promise<StaleKey[]> {
    const organizationId = monthKey.slice(0, monthKey.lastIndexOf('|'));
    const month = monthKey.slice(-7);
    // The month's marks as they are now, with any listed that carry no month (marked before marks did).
    const marks = new Map(listed.map((m) => [m._id, m]));
    for (const mark of await this.statistics.staleInMonth(monthKey)) marks.set(mark._id, mark);
    const [messages, found] = await Promise.all([this.messages.forStatisticsMonth(monthKey), organization(organizationId)]);
    // A node the copy does not know yet is placed where its messages say.
    const handler = messages[0] ? handlingOrganization(messages[0]) : undefined;
    const place: RollupPlace = {
      orgPath: found?.path ?? handler?.path ?? '/',
      level: found?.level ?? '',
      organizationName: found?.name ?? handler?.name ?? '',
    };
    const byDay = new Map<string, FeedbackMessage[]>();
    for (const m of messages) byDay.set(m.submittedOn, [...(byDay.get(m.submittedOn) ?? []), m]);
    const writes: RollupWrite[] = [...marks.keys()].map((key) => {
      const day = key.slice(-10);
      return { grain: 'day', period: day, organizationId, place, ...combined(byDay.get(day) ?? []) };
    });
    writes.push({ grain: 'month', period: month, organizationId, place, ...combined(messages) });
    await this.statistics.replaceAll(writes);
    return [...marks.values()];
  }
}
