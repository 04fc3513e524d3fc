import { join } from 'node:path';
import { defaultWorkingDaysFile, WorkingDays } from '@repo/calendar';
import { ConfigError, env, loadConfig as load, serviceShape, z } from '@repo/config';
import { createTextAnalyzer, type TextAnalyzer } from '@repo/text';
import { checkPolicy, defaultDeadlinePolicy, parseHandlingDays, type DeadlinePolicy } from './domain/deadlines';

/** The board's common domains (领域); FEEDBACK_DOMAINS replaces the list. */
export const defaultDomains = [
  '城建',
  '交通',
  '三农',
  '环保',
  '教育',
  '就业',
  '医疗',
  '社保',
  '住房',
  '治安',
  '文旅',
  '营商环境',
  '党建',
  '其他',
];

const share = z.coerce.number().gt(0).lte(1);

export const feedbackConfigShape = {
  ...serviceShape,
  FEEDBACK_GRPC_ADDR: env.address('127.0.0.1:50054'),
  ELASTICSEARCH_URL: env.url('http://127.0.0.1:9200'),
  SEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'lower case letters, digits and dashes')
    .default(''),
  SEARCH_INDEX_REPLICAS: env.int(0, 0, 5),
  /** The same dictionary and synonyms as policy search (defaults: @repo/text's dict/). */
  SEARCH_TERMS_FILE: z.string().optional(),
  SEARCH_SYNONYMS_FILE: z.string().optional(),
  /** Comma separated domains a message must name one of. */
  FEEDBACK_DOMAINS: z
    .string()
    .default(defaultDomains.join(','))
    .transform((text) => [
      ...new Set(
        text
          .split(/[,，]/)
          .map((d) => d.trim())
          .filter(Boolean),
      ),
    ])
    .refine(
      (domains) => domains.length > 0 && domains.every((d) => [...d].length <= 20),
      'one or more domains of at most 20 characters, comma separated',
    ),
  FEEDBACK_ACCEPTANCE_DAYS: env.int(defaultDeadlinePolicy.acceptanceDays, 1, 15),
  /** Overrides of the handling days per type, e.g. `consultation=5,complaint=7`. */
  FEEDBACK_HANDLING_DAYS: z.string().default(''),
  FEEDBACK_MAX_HANDLING_DAYS: env.int(defaultDeadlinePolicy.maxHandlingDays, 1, 60),
  FEEDBACK_WARN_SHARE: share.default(defaultDeadlinePolicy.warnShare),
  FEEDBACK_RATING_WINDOW_DAYS: env.int(defaultDeadlinePolicy.ratingWindowDays, 1, 60),
  FEEDBACK_RECTIFICATION_DAYS: env.int(defaultDeadlinePolicy.rectificationDays, 1, 60),
  FEEDBACK_DISPUTE_HOURS: env.int(defaultDeadlinePolicy.disputeHours, 1, 240),
  /** Submissions per contact and per client address per day (province time). */
  FEEDBACK_CONTACT_DAILY_LIMIT: env.int(3, 1, 1_000),
  FEEDBACK_ADDRESS_DAILY_LIMIT: env.int(20, 1, 100_000),
  /** Earlier messages of the same contact within this many days are compared for duplicates. */
  FEEDBACK_DUPLICATE_DAYS: env.int(30, 1, 365),
  FEEDBACK_DUPLICATE_SIMILARITY: share.default(0.5),
  /** The sensitive-word list (default: dict/sensitive-words.txt), re-read within 5 s of an edit. */
  FEEDBACK_SENSITIVE_WORDS_FILE: z.string().optional(),
  /** The working-day calendar (default: @repo/calendar's dict/working-days.txt). */
  FEEDBACK_CALENDAR_FILE: z.string().optional(),
  /** Work one tick of the deadline ticker does at most; the rest waits for the next tick. */
  FEEDBACK_TICK_BUDGET_MS: env.int(8_000, 100, 25_000),
};

export type FeedbackConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = load(feedbackConfigShape, source);
  // Checked at start: a bad override or calendar stops the process naming its variable.
  deadlinePolicyFrom(config);
  workingDaysFrom(config);
  return config;
}

export function deadlinePolicyFrom(config: FeedbackConfig): DeadlinePolicy {
  let handlingDays: DeadlinePolicy['handlingDays'];
  try {
    handlingDays = parseHandlingDays(config.FEEDBACK_HANDLING_DAYS, defaultDeadlinePolicy.handlingDays);
  } catch (err) {
    throw new ConfigError([`FEEDBACK_HANDLING_DAYS: ${(err as Error).message}`]);
  }
  try {
    return checkPolicy({
      acceptanceDays: config.FEEDBACK_ACCEPTANCE_DAYS,
      handlingDays,
      maxHandlingDays: config.FEEDBACK_MAX_HANDLING_DAYS,
      warnShare: config.FEEDBACK_WARN_SHARE,
      ratingWindowDays: config.FEEDBACK_RATING_WINDOW_DAYS,
      rectificationDays: config.FEEDBACK_RECTIFICATION_DAYS,
      disputeHours: config.FEEDBACK_DISPUTE_HOURS,
    });
  } catch (err) {
    throw new ConfigError([`FEEDBACK_HANDLING_DAYS / FEEDBACK_MAX_HANDLING_DAYS: ${(err as Error).message}`]);
  }
}

export function workingDaysFrom(config: Pick<FeedbackConfig, 'FEEDBACK_CALENDAR_FILE'>): WorkingDays {
  try {
    return WorkingDays.load(config.FEEDBACK_CALENDAR_FILE ?? defaultWorkingDaysFile());
  } catch (err) {
    throw new ConfigError([`FEEDBACK_CALENDAR_FILE: ${(err as Error).message}`]);
  }
}

export function sensitiveWordsFile(config: Pick<FeedbackConfig, 'FEEDBACK_SENSITIVE_WORDS_FILE'>): string {
  return config.FEEDBACK_SENSITIVE_WORDS_FILE ?? join(__dirname, '..', 'dict', 'sensitive-words.txt');
}

/** The same analysis as policy search: @repo/text with the configured dictionary and synonyms. */
export function textAnalyzerFrom(config: Pick<FeedbackConfig, 'SEARCH_TERMS_FILE' | 'SEARCH_SYNONYMS_FILE'>): TextAnalyzer {
  return createTextAnalyzer({ termsPath: config.SEARCH_TERMS_FILE, synonymsPath: config.SEARCH_SYNONYMS_FILE });
}
