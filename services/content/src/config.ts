import { readFileSync } from 'node:fs';
import { ConfigError, env, loadConfig as load, serviceShape, z } from '@repo/config';
import { DomainError } from '@repo/errors';
import { defaultRanking, rankingFrom, type Ranking } from './domain/ranking';
import { createTextAnalyzer, type TextAnalyzer } from '@repo/text';

export const contentConfigShape = {
  ...serviceShape,
  CONTENT_GRPC_ADDR: env.address('127.0.0.1:50051'),
  ELASTICSEARCH_URL: env.url('http://127.0.0.1:9200'),
  /** Prefix of the search alias and indices; tests set one each. */
  SEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'lower case letters, digits and dashes')
    .default(''),
  SEARCH_INDEX_REPLICAS: env.int(0, 0, 5),
  /** The party-building dictionary (jieba user dictionary); defaults to dict/party-terms.txt. */
  SEARCH_TERMS_FILE: z.string().optional(),
  /** Synonyms, reloaded when the file changes; defaults to dict/synonyms.txt. */
  SEARCH_SYNONYMS_FILE: z.string().optional(),
  /** JSON file overriding any of the ranking settings (see domain/ranking.ts). */
  SEARCH_RANKING_FILE: z.string().optional(),
};

export type ContentConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return load(contentConfigShape, source);
}

/** `npm run reindex` serves no calls: it needs neither the callers' key nor an address. */
export function loadReindexConfig(source: NodeJS.ProcessEnv = process.env) {
  const { CALLER_VERIFY_KEYS: _keys, CONTENT_GRPC_ADDR: _address, ...shape } = contentConfigShape;
  return load(shape, source);
}

/**
 * The analyzer the configuration names (dictionary and synonyms): one factory for the service
 * and for `npm run reindex`, so both tokenize alike.
 */
export function textAnalyzerFrom(config: Pick<ContentConfig, 'SEARCH_TERMS_FILE' | 'SEARCH_SYNONYMS_FILE'>): TextAnalyzer {
  return createTextAnalyzer({
    ...(config.SEARCH_TERMS_FILE ? { termsPath: config.SEARCH_TERMS_FILE } : {}),
    ...(config.SEARCH_SYNONYMS_FILE ? { synonymsPath: config.SEARCH_SYNONYMS_FILE } : {}),
  });
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
