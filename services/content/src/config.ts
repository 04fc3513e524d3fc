import { readFileSync } from 'node:fs';
import { commonShape, ConfigError, env, loadConfig, z } from '@repo/config';
import { DomainError } from '@repo/errors';
import { defaultRanking, rankingFrom, type Ranking } from './domain/ranking';

export const contentConfigShape = {
  ...commonShape,
  CONTENT_GRPC_ADDR: env.address('127.0.0.1:50051'),
  ELASTICSEARCH_URL: env.url('http://127.0.0.1:9200'),
  /** Prefix of the search alias and indices; tests set one each. */
  SEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'lower case letters, digits and dashes').default(''),
  SEARCH_INDEX_REPLICAS: env.int(0, 0, 5),
  OUTBOX_SWEEP_MS: env.int(10_000, 50, 600_000),
  /** The party-building dictionary (jieba user dictionary); defaults to dict/party-terms.txt. */
  SEARCH_TERMS_FILE: z.string().optional(),
  /** Synonyms, reloaded when the file changes; defaults to dict/synonyms.txt. */
  SEARCH_SYNONYMS_FILE: z.string().optional(),
  /** JSON file overriding any of the ranking settings (see domain/ranking.ts). */
  SEARCH_RANKING_FILE: z.string().optional(),
};

export type ContentConfig = ReturnType<typeof loadContentConfig>;

export function loadContentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(contentConfigShape, source);
}

/** The ranking, with overrides from SEARCH_RANKING_FILE; a bad file stops the process naming the setting. */
export function loadRanking(file: string | undefined): Ranking {
  if (!file) return defaultRanking;
  let overrides: unknown;
  try {
    overrides = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SEARCH_RANKING_FILE: cannot read ${file} as JSON: ${(err as Error).message}`]);
  }
  try {
    return rankingFrom(overrides);
  } catch (err) {
    if (err instanceof DomainError) throw new ConfigError([`SEARCH_RANKING_FILE: ${err.message}`]);
    throw err;
  }
}
