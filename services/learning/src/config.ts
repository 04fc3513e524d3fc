import { env, loadConfig as load, serviceShape } from '@repo/config';

export const learningConfigShape = {
  ...serviceShape,
  LEARNING_GRPC_ADDR: env.address('127.0.0.1:50053'),
  /** A training of the same topic completed within this many months is duplicate training. */
  TRAINING_TOPIC_REPEAT_MONTHS: env.int(12, 1, 120),
  /** How often the class-hour summaries of nodes whose ledgers changed are recounted. */
  LEARNING_SUMMARY_REFRESH_MS: env.int(1_000, 50, 600_000),
};

export type LearningConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return load(learningConfigShape, source);
}
