/**
 * Recomputes the statistics of every stale key (handling organisation and day) from its messages,
 * then the months those days fall in. Runs on one replica per tick, like every job; what it
 * computed is correct however often it runs, since each tally is rebuilt from the messages.
 * Keys are recomputed a few at a time: each is a handful of small queries, and the store serves
 * several at once better than one after another.
 */
import type { Job } from '@repo/kit';
import { handlingOrganization } from '../domain/message';
import type { Organization } from '../domain/organizations';
import { sumTallies, tallyOf, type Tally } from '../domain/statistics';
import type { MessageRepository } from '../store/messages';
import type { OrganizationDirectory } from '../store/organizations';
import type { PostTally, Rollup, RollupPlace, StatisticsStore } from '../store/statistics';

export interface RecomputeSummary extends Record<string, unknown> {
  keys: number;
  months: number;
  complete: boolean;
}

/** Keys recomputed at once. */
const parallel = 8;
const batchSize = 200;

/** The organisation's tally and its leader posts' shares, from what each part counts for. */
function combined(parts: { leaderPostId: string; tally: Tally }[]): { tally: Tally; posts: PostTally[] } {
  const byPost = new Map<string, Tally[]>();
  for (const { leaderPostId, tally } of parts) byPost.set(leaderPostId, [...(byPost.get(leaderPostId) ?? []), tally]);
  return {
    tally: sumTallies(parts.map((p) => p.tally)),
    posts: [...byPost]
      .filter(([id]) => id !== '')
      .map(([leaderPostId, tallies]) => ({ leaderPostId, tally: sumTallies(tallies) }))
      .sort((a, b) => a.leaderPostId.localeCompare(b.leaderPostId)),
  };
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
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
    const months = new Map<string, { organizationId: string; month: string; place: RollupPlace }>();
    // The tree's copy names the level; within one run each organisation is looked up once.
    const known = new Map<string, Promise<Organization | undefined>>();
    const organization = (id: string) => known.get(id) ?? known.set(id, this.organizations.find(id)).get(id)!;
    let keys = 0;
    let complete = true;
    for (let batch = await this.statistics.staleKeys(batchSize); batch.length > 0; batch = await this.statistics.staleKeys(batchSize)) {
      await inParallel(batch, async (key) => {
        const [organizationId = '', day = ''] = key._id.split('|');
        const [messages, found] = await Promise.all([this.messages.forStatistics(key._id), organization(organizationId)]);
        // A node the copy does not know yet is placed where its messages say.
        const handler = messages[0] ? handlingOrganization(messages[0]) : undefined;
        const place: RollupPlace = {
          orgPath: found?.path ?? handler?.path ?? '/',
          level: found?.level ?? '',
          organizationName: found?.name ?? handler?.name ?? '',
        };
        const { tally, posts } = combined(messages.map((m) => ({ leaderPostId: m.recipient.leaderPostId, tally: tallyOf(m) })));
        await this.statistics.replace('day', day, organizationId, place, tally, posts);
        months.set(`${organizationId}|${day.slice(0, 7)}`, { organizationId, month: day.slice(0, 7), place });
        await this.statistics.clear(key);
        keys++;
      });
      if (Date.now() - started.getTime() > this.budgetMs) {
        complete = false;
        break;
      }
    }
    await inParallel([...months.values()], async ({ organizationId, month, place }) => {
      const days: Rollup[] = await this.statistics.days(organizationId, month);
      const { posts } = combined(days.flatMap((d) => d.posts));
      await this.statistics.replace('month', month, organizationId, place, sumTallies(days.map((d) => d.tally)), posts);
    });
    // Everything marked before this run started is in the statistics now, unless marks remain.
    if (complete && (await this.statistics.countStale()) === 0) await this.statistics.setComputedThrough(started.toISOString());
    return { keys, months: months.size, complete };
  }
}
