/**
 * Search for the public: full text with facets, completions as one types, related documents.
 * The limits here bound what one request may cost Elasticsearch.
 */
import type { Caller } from '@repo/access';
import { isCalendarDate } from '@repo/calendar';
import { validationFailed, type FieldViolation } from '@repo/errors';
import { assertVisible } from '../domain/access';
import type { DocumentRepository } from '../store/documents';
import type { SearchHit, SearchQuery, SearchResult, Suggestion } from '../domain/search';
import type { SearchIndex } from '../store/search';

export const searchLimits = {
  defaultSize: 20,
  maxSize: 50,
  /** Elasticsearch's result window: deeper pages are refused rather than computed. */
  maxWindow: 10_000,
  maxQueryChars: 200,
  maxWithin: 5,
  defaultSuggestions: 8,
  maxSuggestions: 10,
  defaultRelated: 5,
  maxRelated: 20,
} as const;

const chars = (text: string) => [...text].length;

export class SearchUseCases {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly index: SearchIndex,
  ) {}

  async search(query: SearchQuery): Promise<SearchResult> {
    const violations: FieldViolation[] = [];
    if (query.size < 1 || query.size > searchLimits.maxSize)
      violations.push({ field: 'size', problem: `must be between 1 and ${searchLimits.maxSize}` });
    if (query.page < 1) violations.push({ field: 'page', problem: 'must be at least 1' });
    else if (query.page * query.size > searchLimits.maxWindow) {
      violations.push({ field: 'page', problem: `page x size must not exceed ${searchLimits.maxWindow}; narrow the search` });
    }
    if (chars(query.text) > searchLimits.maxQueryChars)
      violations.push({ field: 'q', problem: `must be at most ${searchLimits.maxQueryChars} characters` });
    for (const [field, value] of [
      ['from', query.issuedFrom],
      ['to', query.issuedTo],
    ] as const) {
      if (value && !isCalendarDate(value)) violations.push({ field, problem: 'must be a calendar date YYYY-MM-DD' });
    }
    const within = query.within ?? [];
    if (within.length > searchLimits.maxWithin)
      violations.push({ field: 'within', problem: `must have at most ${searchLimits.maxWithin} earlier queries` });
    if (within.some((w) => chars(w) > searchLimits.maxQueryChars))
      violations.push({ field: 'within', problem: `each must be at most ${searchLimits.maxQueryChars} characters` });
    if (violations.length) throw validationFailed(violations);
    return this.index.queries.search(query);
  }

  async suggest(prefix: string, size: number): Promise<Suggestion[]> {
    const violations: FieldViolation[] = [];
    if (size < 1 || size > searchLimits.maxSuggestions)
      violations.push({ field: 'size', problem: `must be between 1 and ${searchLimits.maxSuggestions}` });
    if (chars(prefix) > searchLimits.maxQueryChars)
      violations.push({ field: 'q', problem: `must be at most ${searchLimits.maxQueryChars} characters` });
    if (violations.length) throw validationFailed(violations);
    return this.index.queries.suggest(prefix, size);
  }

  /** Published documents like one the caller may see. */
  async related(caller: Caller, id: string, size: number): Promise<SearchHit[]> {
    if (size < 1 || size > searchLimits.maxRelated)
      throw validationFailed([{ field: 'size', problem: `must be between 1 and ${searchLimits.maxRelated}` }]);
    const document = await this.documents.read(id);
    assertVisible(caller, document);
    return this.index.queries.related(document, size);
  }
}
