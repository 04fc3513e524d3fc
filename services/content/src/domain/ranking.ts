/**
 * How search ranks documents. Every figure can be tuned from configuration
 * (SEARCH_RANKING_FILE, a JSON file with any subset of these keys) without a code change.
 */
import { validationFailed } from '@repo/errors';

export interface Ranking {
  /** Field weights of the word match: display-segmented and search-segmented title and body, and the issuing agency. */
  fields: { title: number; titleSearch: number; body: number; bodySearch: number; agency: number };
  /**
   * Extra weight when the query's words stand together (within `slop` positions); a phrasing of
   * several words (a synonym's) found only apart weighs `wordsApart` of one found together.
   */
  phrase: { title: number; body: number; titleSlop: number; bodySlop: number; wordsApart: number };
  /** A document number typed in any spelling puts its document first. */
  docNumber: number;
  /** An agency code and year typed without the serial (中组发〔2019〕): that agency's documents of the year. */
  partialDocNumber: number;
  /** A word of the query that is a document-number code (江组发) and the document's code. */
  agencyCode: number;
  /** A year in the query (2023) and the document's year; the same year in its text weighs `yearInText` of a word. */
  year: number;
  yearInText: number;
  /** A document type in the query (通知, 工作方案) and the document's type. */
  docType: number;
  /** Weight of question words and particles (怎么, 多久, 的), which are never required. */
  optionalWords: number;
  /** Weight of queries rewritten with synonyms, relative to the words as typed. */
  synonym: number;
  /** Weight of a compound word found as its parts (党员组织关系 as 党员 … 组织关系). */
  parts: number;
  /**
   * Share of the words of a query of more than two words that a document must have, e.g. "75%"
   * (rounded down; a query of one or two words needs them all). When no document has that many
   * the query is relaxed: to `relaxedShare` of them (rounded up, "most"), then to any one.
   */
  minimumShouldMatch: string;
  relaxedShare: number;
  /**
   * Gentle recency: a score multiplier from `floor` (old) to 1 (recent), decaying by half
   * every `halfLife` after `offset` (Elasticsearch time units, e.g. 1825d).
   */
  recency: { floor: number; halfLife: string; offset: string };
  /** Multipliers by effective status: repealed documents stay findable, lower down. */
  status: { inForce: number; amended: number; repealed: number };
  /** Multiplier for articles (news, propaganda, lectures) against policy documents (1). */
  kind: { article: number };
  /** Below this many hits, a correction or related query is offered as "did you mean". */
  fewResults: number;
  /** A typo correction replaces the typed query when it finds this many times more documents. */
  correctionWins: number;
}

export const defaultRanking: Ranking = {
  fields: { title: 4, titleSearch: 3, body: 1, bodySearch: 1, agency: 2 },
  phrase: { title: 6, body: 2, titleSlop: 2, bodySlop: 3, wordsApart: 0.5 },
  docNumber: 100,
  partialDocNumber: 30,
  agencyCode: 10,
  year: 3,
  yearInText: 0.3,
  docType: 3,
  optionalWords: 0.2,
  synonym: 0.8,
  parts: 0.8,
  minimumShouldMatch: '75%',
  relaxedShare: 0.5,
  recency: { floor: 0.8, halfLife: '1825d', offset: '365d' },
  status: { inForce: 1, amended: 0.85, repealed: 0.6 },
  kind: { article: 0.8 },
  fewResults: 3,
  correctionWins: 2,
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Merges overrides onto the defaults; unknown keys and wrong types are refused by name. */
export function rankingFrom(overrides: unknown): Ranking {
  const violations: { field: string; problem: string }[] = [];
  const merge = (base: Record<string, unknown>, patch: unknown, path: string): Record<string, unknown> => {
    if (patch === undefined) return base;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      violations.push({ field: path || 'ranking', problem: 'must be an object' });
      return base;
    }
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      const field = path ? `${path}.${key}` : key;
      if (!(key in base)) violations.push({ field, problem: 'is not a ranking setting' });
      else if (typeof base[key] === 'object') out[key] = merge(base[key] as Record<string, unknown>, value, field);
      else if (typeof value !== typeof base[key] || (typeof value === 'number' && !(value >= 0))) {
        violations.push({ field, problem: `must be a ${typeof base[key] === 'number' ? 'non-negative number' : typeof base[key]}` });
      } else out[key] = value;
    }
    return out;
  };
  const ranking = merge(defaultRanking as unknown as Record<string, unknown>, overrides as DeepPartial<Ranking>, '') as unknown as Ranking;
  if (violations.length) throw validationFailed(violations);
  return ranking;
}
