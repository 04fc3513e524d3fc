/**
 * Recomputes the statistics of every stale key (handling organisation and day) from its messages,
 * then the months those days fall in. Runs on one replica per tick, like every job; what it
 * computed is correct however often it runs, since each tally is rebuilt from the messages.
 */
import type { Job } from '@repo/kit';
import { handlingOrganization } from '../domain/message';
import { sumTallies, tallyOf, type Tally } from '../domain/statistics';
import type { MessageRepository } from '../store/messages';
import type { OrganizationDirectory } from '../store/organizations';
import type { StatisticsStore } from '../store/statistics';

export interface RecomputeSummary extends Record<string, unknown> {
  keys: number;
  months: number;
  complete: boolean;
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
    const months = new Map<string, { organizationId: string; month: string; place: { orgPath: string; level: string } }>();
    let keys = 0;
    let complete = true;
    for (let batch = await this.statistics.staleKeys(200); batch.length > 0; batch = await this.statistics.staleKeys(200)) {
      for (const key of batch) {
        const [organizationId = '', day = ''] = key._id.split('|');
        const messages = await this.messages.forStatistics(key._id);
        const organization = await this.organizations.find(organizationId);
        // The tree's copy names the level; a node it does not know yet is placed where its messages say.
        const place = {
          orgPath: organization?.path ?? (messages[0] ? handlingOrganization(messages[0]).path : '/'),
          level: organization?.level ?? '',
        };
        const byPost = new Map<string, Tally[]>();
        for (const message of messages)
          byPost.set(message.recipient.leaderPostId, [...(byPost.get(message.recipient.leaderPostId) ?? []), tallyOf(message)]);
        await this.statistics.replace(
          'day',
          day,
          organizationId,
          place,
          [...byPost].map(([leaderPostId, tallies]) => ({ leaderPostId, tally: sumTallies(tallies) })),
        );
        months.set(`${organizationId}|${day.slice(0, 7)}`, { organizationId, month: day.slice(0, 7), place });
        await this.statistics.clear(key);
        keys++;
      }
      if (Date.now() - started.getTime() > this.budgetMs) {
        complete = false;
        break;
      }
    }
    for (const { organizationId, month, place } of months.values()) await this.statistics.recomputeMonth(organizationId, month, place);
    // Everything marked before this run started is in the statistics now, unless marks remain.
    if (complete && (await this.statistics.countStale()) === 0) await this.statistics.setComputedThrough(started.toISOString());
    return { keys, months: months.size, complete };
  }
}
