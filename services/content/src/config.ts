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
  /** Short names of bodies and terms, reloaded like the synonyms; defaults to dict/abbreviations.txt. */
  SEARCH_ABBREVIATIONS_FILE: z.string().optional(),
  /** The deployment's own short names (a province's bodies, see dict/local/), reloaded like the synonyms; none by default. */
  SEARCH_LOCAL_NAMES_FILE: z.string().optional(),
  /** Published documents kept in memory for reads (0: none), and for how long at most (see store/published-cache.ts). */
  DOCUMENT_CACHE_ENTRIES: env.int(5_000, 0, 1_000_000),
  DOCUMENT_CACHE_TTL_MS: env.int(60_000, 1_000, 3_600_000),
  /** How often the words of indexed titles (for pinyin and typos) are read again from the index. */
  SEARCH_VOCABULARY_REFRESH_MS: env.int(300_000, 1_000, 86_400_000),
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
export function textAnalyzerFrom(
  config: Pick<ContentConfig, 'SEARCH_TERMS_FILE' | 'SEARCH_SYNONYMS_FILE' | 'SEARCH_ABBREVIATIONS_FILE' | 'SEARCH_LOCAL_NAMES_FILE'>,
): TextAnalyzer {
  return createTextAnalyzer({
    ...(config.SEARCH_TERMS_FILE ? { termsPath: config.SEARCH_TERMS_FILE } : {}),
    ...(config.SEARCH_SYNONYMS_FILE ? { synonymsPath: config.SEARCH_SYNONYMS_FILE } : {}),
    ...(config.SEARCH_ABBREVIATIONS_FILE ? { abbreviationsPath: config.SEARCH_ABBREVIATIONS_FILE } : {}),
    ...(config.SEARCH_LOCAL_NAMES_FILE ? { localNamesPath: config.SEARCH_LOCAL_NAMES_FILE } : {}),
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
