/** The learning service's modules, handed to the service kit. Listening is main.ts's job. */
import { bootService, type ServiceApp, type ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { systemClock, type Clock } from './clock';
import type { LearningConfig } from './config';
import { CourseUseCases } from './courses/use-cases';
import { defaultConversionTable } from './domain/conversion';
import { defaultPointsRules } from './domain/points';
import { defaultRequirementSet } from './domain/requirements';
import { feedbackConsumer } from './events/feedback';
import { memberConsumers } from './events/members';
import { supervisionConsumer } from './events/supervision';
import { ExamUseCases } from './exams/use-cases';
import { courseService } from './grpc/courses';
import { examService } from './grpc/exams';
import { learnerService } from './grpc/learners';
import { ledgerService } from './grpc/ledger';
import { pointsService } from './grpc/points';
import { portraitService } from './grpc/portrait';
import { studyService } from './grpc/study';
import { trainingService } from './grpc/trainings';
import { LearnerUseCases } from './learners/use-cases';
import { LedgerUseCases } from './ledger/use-cases';
import { PointsUseCases } from './points/use-cases';
import { PortraitUseCases } from './portrait/use-cases';
import { CourseRepository } from './store/courses';
import { EnrolmentRepository } from './store/enrolments';
import { ExamRepository } from './store/exams';
import { LearnerRepository } from './store/learners';
import { LedgerRepository } from './store/ledgers';
import { OrganizationCopies } from './store/organizations';
import { PlayerRepository } from './store/players';
import { PointsRepository } from './store/points';
import { PortraitRepository } from './store/portraits';
import { RuleRepository } from './store/rules';
import { SummaryRepository } from './store/summaries';
import { TrainingRepository } from './store/trainings';
import { StudyUseCases } from './study/use-cases';
import { TrainingUseCases } from './trainings/use-cases';

export interface LearningApp extends ServiceApp {
  ledger: LedgerUseCases;
  exams: ExamUseCases;
}

export async function buildApp(config: LearningConfig, logger: Logger, clock: Clock = systemClock): Promise<LearningApp> {
  let ledger: LedgerUseCases | undefined;
  let exams: ExamUseCases | undefined;
  const app = await bootService({
    name: 'learning',
    config,
    logger,
    address: config.LEARNING_GRPC_ADDR,
    // Learners, organisations and meetings come from member.*, messages handled from feedback.*,
    // discipline decisions from supervision.*.
    reads: ['member', 'feedback', 'supervision'],
    modules: ({ connection, outboxes }) => {
      const learnerStore = new LearnerRepository(connection, outboxes);
      const organizations = new OrganizationCopies(connection);
      const rules = new RuleRepository(connection, outboxes);
      const courseStore = new CourseRepository(connection, outboxes);
      const enrolments = new EnrolmentRepository(connection, outboxes);
      const players = new PlayerRepository(connection);
      const ledgers = new LedgerRepository(connection, outboxes);
      const summaries = new SummaryRepository(connection, outboxes);
      const trainingStore = new TrainingRepository(connection, outboxes);
      const examStore = new ExamRepository(connection, outboxes);
      const pointsStore = new PointsRepository(connection, outboxes);
      const portraitStore = new PortraitRepository(connection, outboxes);

      const settings = { topicRepeatMonths: config.TRAINING_TOPIC_REPEAT_MONTHS };
      ledger = new LedgerUseCases(ledgers, summaries, learnerStore, rules, organizations, clock, logger);
      const points = new PointsUseCases(pointsStore, rules, learnerStore, organizations, clock, logger);
      exams = new ExamUseCases(examStore, learnerStore, points, clock, logger);
      const learners = new LearnerUseCases(learnerStore, ledger);
      const courses = new CourseUseCases(courseStore, examStore, learnerStore, ledger, clock);
      const study = new StudyUseCases(courseStore, enrolments, players, learnerStore, trainingStore, ledger, points, settings, clock);
      exams.onPass(study);
      const trainings = new TrainingUseCases(trainingStore, enrolments, learnerStore, ledger, settings, clock);
      const portraits = new PortraitUseCases(portraitStore, learnerStore, ledgers, trainings, examStore, organizations, clock);

      const ledgerCases = ledger;
      const examCases = exams;
      let refresher: NodeJS.Timeout | undefined;
      let refreshing: Promise<unknown> | undefined;
      const module: ServiceModule = {
        grpc: [
          courseService(courses),
          studyService(study),
          ledgerService(ledgerCases),
          learnerService(learners),
          examService(examCases),
          trainingService(trainings),
          pointsService(points),
          portraitService(portraits),
        ],
        consumers: [
          ...memberConsumers(learners, organizations, portraitStore, logger),
          feedbackConsumer(portraitStore),
          supervisionConsumer(portraitStore, logger),
        ],
        jobs: [
          // The timer: papers past their deadline are handed in (reads also do it as they meet one).
          { name: 'learning-paper-timer', run: async (now) => ({ submitted: await examCases.submitOverdue(now) }) },
          { name: 'learning-open-year', run: async (now) => ({ opened: await ledgerCases.openYear(now) }) },
          { name: 'learning-quarter', run: async (now) => ({ ...(await ledgerCases.assessEndedQuarter(now)) }) },
          // The safety net of the refresher below (a replica that stopped between two rounds).
          { name: 'learning-summaries', run: async () => ({ nodes: await ledgerCases.refreshSummaries() }) },
        ],
        organizationPaths: [
          learnerStore.organizationPaths,
          courseStore.organizationPaths,
          enrolments.organizationPaths,
          ledgers.organizationPaths,
          summaries.organizationPaths,
          trainingStore.organizationPaths,
          ...examStore.organizationPaths,
          pointsStore.organizationPaths,
          pointsStore.settingPaths,
          portraitStore.organizationPaths,
        ],
        async start() {
          await rules.seed('conversionTable', defaultConversionTable);
          await rules.seed('requirementSet', defaultRequirementSet);
          await rules.seed('pointsRules', defaultPointsRules);
          // Reports read the nodes' summaries; ledgers changed since the last round are recounted.
          refresher = setInterval(() => {
            refreshing ??= ledgerCases
              .refreshSummaries()
              .catch((err: Error) => logger.warn({ err: err.message }, 'summaries not refreshed; next round retries'))
              .finally(() => (refreshing = undefined));
          }, config.LEARNING_SUMMARY_REFRESH_MS);
          refresher.unref();
        },
        async stop() {
          clearInterval(refresher);
          await refreshing;
        },
      };
      return [module];
    },
  });
  return { ...app, ledger: ledger!, exams: exams! };
}
