/** The feedback service's modules, handed to the service kit. Listening is main.ts's job. */
import { Client } from '@elastic/elasticsearch';
import { addDays, provinceDate } from '@repo/calendar';
import { bootService, type ServiceApp } from '@repo/kit';
import type { Logger } from '@repo/logging';
import * as pb from '@repo/proto/feedback/v1';
import { deadlinePolicyFrom, sensitiveWordsFile, textAnalyzerFrom, workingDaysFrom, type FeedbackConfig } from './config';
import { messageTypes } from './domain/message';
import { DeadlineTicker } from './escalation/ticker';
import { feedbackService } from './grpc/handlers';
import { ScreenFile } from './messages/screen-file';
import { MessageUseCases } from './messages/use-cases';
import { organizationFollower } from './organizations/follower';
import { RecipientUseCases } from './organizations/use-cases';
import { searchModule } from './search/module';
import { SearchUseCases } from './search/use-cases';
import { StatisticsJob } from './statistics/job';
import { StatisticsUseCases } from './statistics/use-cases';
import { LeaderPostRepository } from './store/leader-posts';
import { MessageRepository } from './store/messages';
import { OrganizationDirectory } from './store/organizations';
import { SubmissionQuotas } from './store/quotas';
import { MessageSearchIndex } from './store/search';
import { CheckHours } from './store/check-hours';
import { StatisticsStore } from './store/statistics';

export interface FeedbackApp extends ServiceApp {
  messages: MessageRepository;
  organizations: OrganizationDirectory;
  search: MessageSearchIndex;
  ticker: DeadlineTicker;
  statistics: StatisticsJob;
  /** The tallies and their stale marks (tests, the bench). */
  statisticsStore: StatisticsStore;
}

export interface FeedbackOptions {
  /** The time every rule reads (tests fix it; the service uses the wall clock). */
  clock?: () => Date;
}

export async function buildApp(
  config: FeedbackConfig,
  logger: Logger,
  { clock = () => new Date() }: FeedbackOptions = {},
): Promise<FeedbackApp> {
  const policy = deadlinePolicyFrom(config);
  const calendar = workingDaysFrom(config);
  const screen = new ScreenFile(sensitiveWordsFile(config));
  const search = new MessageSearchIndex(
    new Client({ node: config.ELASTICSEARCH_URL, requestTimeout: 10_000, maxRetries: 2 }),
    textAnalyzerFrom(config),
    config.SEARCH_INDEX_PREFIX,
    config.SEARCH_INDEX_REPLICAS,
  );
  let parts: Pick<FeedbackApp, 'messages' | 'organizations' | 'ticker' | 'statistics' | 'statisticsStore'> | undefined;
  const app = await bootService({
    name: 'feedback',
    config,
    logger,
    address: config.FEEDBACK_GRPC_ADDR,
    // The organisation tree comes from the member service's events.
    reads: ['member'],
    modules: async ({ connection, outboxes }) => {
      const statistics = new StatisticsStore(connection);
      const checkHours = new CheckHours(connection);
      const messages = new MessageRepository(connection, outboxes, statistics, checkHours);
      const organizations = new OrganizationDirectory(connection);
      const posts = new LeaderPostRepository(connection, outboxes);
      const quotas = new SubmissionQuotas(connection);
      // An index of an older mapping is rebuilt from the store before the service answers.
      await search.ensure(() => messages.scanPublic());
      await messages.backfillStatsMonth();
      const ticker = new DeadlineTicker(messages, checkHours, calendar, policy, config.FEEDBACK_TICK_BUDGET_MS, clock, logger);
      const statisticsJob = new StatisticsJob(messages, organizations, statistics, config.FEEDBACK_TICK_BUDGET_MS);
      parts = { messages, organizations, ticker, statistics: statisticsJob, statisticsStore: statistics };
      const catalogue = pb.GetCatalogueResponse.create({
        domains: config.FEEDBACK_DOMAINS,
        handlingDays: messageTypes.map((type) =>
          pb.TypeDeadline.create({ type: pb.messageTypeCodec.toProto(type), workingDays: policy.handlingDays[type] }),
        ),
        acceptanceDays: policy.acceptanceDays,
        maxHandlingDays: policy.maxHandlingDays,
        ratingWindowDays: policy.ratingWindowDays,
        rectificationDays: policy.rectificationDays,
        yearsCovered: calendar.coveredYears.map(String),
      });
      const useCases = {
        messages: new MessageUseCases({
          messages,
          organizations,
          posts,
          quotas,
          screen,
          search,
          calendar,
          policy,
          domains: config.FEEDBACK_DOMAINS,
          limits: {
            contactPerDay: config.FEEDBACK_CONTACT_DAILY_LIMIT,
            addressPerDay: config.FEEDBACK_ADDRESS_DAILY_LIMIT,
            duplicateDays: config.FEEDBACK_DUPLICATE_DAYS,
            duplicateSimilarity: config.FEEDBACK_DUPLICATE_SIMILARITY,
          },
          clock,
        }),
        search: new SearchUseCases(search),
        statistics: new StatisticsUseCases(statistics, organizations, posts),
        recipients: new RecipientUseCases(organizations, posts),
        catalogue,
      };
      return [
        {
          grpc: [feedbackService(useCases)],
          consumers: [organizationFollower({ organizations, messages, posts, statistics, clock, logger })],
          jobs: [
            ticker.job(),
            statisticsJob.job(),
            {
              name: 'feedback-submission-slots',
              everyMs: 6 * 3_600_000,
              // Yesterday's slots may still count for a writer just past midnight; older ones never do.
              run: async () => {
                let pruned = 0;
                for (let back = 2; back <= 9; back++) pruned += await quotas.prune(addDays(provinceDate(clock()), -back));
                return { pruned };
              },
            },
          ],
          start: () => screen.watch(logger),
          stop: () => screen.unwatch(),
        },
        searchModule(messages, search, logger),
      ];
    },
  });
  return { ...app, ...parts!, search };
}
