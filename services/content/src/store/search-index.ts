import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import type { ContentDocument, DocumentKind, EffectiveStatus } from '../domain/document';
import { defaultRanking, type Ranking } from '../domain/ranking';
import {
  docNumberKeys,
  findDocNumber,
  foldText,
  parseDocNumber,
  PinyinTerms,
  toPinyinKey,
  type ExpandedQuery,
  type TextAnalyzer,
} from '../domain/text';

/**
 * The public search index. Chinese is segmented by the application (the Elasticsearch
 * distribution we run has no CJK analysis): text fields hold tokens separated by a thin space
 * (U+2009, whitespace to Elasticsearch) and are analysed by the built-in `whitespace` analyzer
 * (the distribution has no whitespace tokenizer for custom analyzers, so folding and lower
 * casing happen in the application too). Removing the thin spaces from a highlighted fragment
 * gives back the original text.
 */
const tokenSeparator = '\u2009';

export type SearchSort = 'relevance' | 'date';

export interface SearchQuery {
  text: string;
  agency?: string;
  docType?: string;
  effectiveStatus?: EffectiveStatus;
  kind?: DocumentKind;
  issuedFrom?: string;
  issuedTo?: string;
  region?: string;
  topic?: string;
  year?: number;
  /** Earlier queries whose results this search narrows. */
  within?: string[];
  sort?: SearchSort;
  page: number;
  size: number;
}

export interface SearchHit {
  id: string;
  title: string;
  docNumber: string;
  agency: string;
  docType: string;
  effectiveStatus: EffectiveStatus;
  issuedAt: string;
  kind: DocumentKind;
  score: number;
  highlights: { title: string[]; body: string[] };
}

export interface FacetBucket {
  key: string;
  count: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: { agency: FacetBucket[]; type: FacetBucket[]; year: FacetBucket[]; region: FacetBucket[]; topic: FacetBucket[] };
  /** A query to offer when this one found few documents. */
  didYouMean?: string;
  /** What was searched when it differs from what was typed (pinyin spelled out, or corrected). */
  searchedFor?: string;
}

export interface Suggestion {
  text: string;
  documentId: string;
  docNumber: string;
}

interface IndexedDocument {
  id: string;
  kind: DocumentKind;
  title: string;
  titleSearch: string;
  body: string;
  bodySearch: string;
  docNumber: string;
  docNumberKeys: string[];
  docAgencyCode: string;
  /** Year of the document number, or of the issue date when there is none. */
  year: number;
  agency: string;
  docType: string;
  effectiveStatus: EffectiveStatus;
  region: string;
  topics: string[];
  issuedAt: string;
  orgPath: string;
  revision: number;
  suggest: { input: string[] };
}

/** Bumped whenever the mapping changes; a service finding an older index rebuilds it. */
export const mappingVersion = 2;

const indexBody = (replicas: number) => ({
  settings: { number_of_shards: 1, number_of_replicas: replicas },
  mappings: {
    dynamic: 'strict' as const,
    // Search-only token lists are indexed but not kept: hits are shown from display fields.
    _source: { excludes: ['titleSearch', 'bodySearch', 'suggest'] },
    _meta: { mappingVersion },
    properties: {
      id: { type: 'keyword' as const },
      kind: { type: 'keyword' as const },
      title: { type: 'text' as const, analyzer: 'whitespace', index_options: 'offsets' as const },
      titleSearch: { type: 'text' as const, analyzer: 'whitespace' },
      body: { type: 'text' as const, analyzer: 'whitespace', index_options: 'offsets' as const },
      bodySearch: { type: 'text' as const, analyzer: 'whitespace' },
      docNumber: { type: 'keyword' as const },
      docNumberKeys: { type: 'keyword' as const },
      docAgencyCode: { type: 'keyword' as const },
      year: { type: 'integer' as const },
      agency: { type: 'keyword' as const },
      docType: { type: 'keyword' as const },
      effectiveStatus: { type: 'keyword' as const },
      region: { type: 'keyword' as const },
      topics: { type: 'keyword' as const },
      issuedAt: { type: 'date' as const, format: 'yyyy-MM-dd' },
      orgPath: { type: 'keyword' as const },
      revision: { type: 'integer' as const },
      // Inputs are folded titles and their pinyin, matched as typed (keyword analyzer).
      suggest: { type: 'completion' as const, analyzer: 'keyword', search_analyzer: 'keyword', max_input_length: 50 },
    },
  },
});

export interface SearchIndexOptions {
  client: Client;
  analyzer: TextAnalyzer;
  /** Prefix for the alias and its versioned indices (tests use one each). */
  prefix?: string;
  replicas?: number;
  ranking?: Ranking;
}

export class SearchIndex {
  readonly alias: string;
  readonly client: Client;
  private readonly analyzer: TextAnalyzer;
  private readonly ranking: Ranking;

  constructor(private readonly options: SearchIndexOptions) {
    this.client = options.client;
    this.analyzer = options.analyzer;
    this.ranking = options.ranking ?? defaultRanking;
    this.alias = `${options.prefix ?? ''}content-documents`;
  }

  /** The index behind the alias and its mapping version; undefined when there is none yet. */
  async current(): Promise<{ index: string; version: number } | undefined> {
    if (!(await this.client.indices.existsAlias({ name: this.alias }))) return undefined;
    const aliases = await this.client.indices.getAlias({ name: this.alias });
    const index = Object.keys(aliases)[0];
    if (!index) return undefined;
    const mapping = await this.client.indices.getMapping({ index });
    const version = Number((mapping[index]?.mappings._meta as { mappingVersion?: number } | undefined)?.mappingVersion ?? 1);
    return { index, version };
  }

  /**
   * Creates a versioned index behind the alias when there is none. Returns whether the alias
   * points at an index of the current mapping (false: it needs a rebuild, see reindex).
   */
  async ensure(): Promise<boolean> {
    const existing = await this.current();
    if (existing) return existing.version === mappingVersion;
    try {
      await this.createIndex(this.newIndexName(), true);
    } catch (err) {
      // Another replica created it first.
      if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception')) throw err;
    }
    return true;
  }

  newIndexName(): string {
    return `${this.alias}-v${mappingVersion}-${Date.now()}`;
  }

  async createIndex(index: string, withAlias = false): Promise<void> {
    await this.client.indices.create({
      index,
      ...indexBody(this.options.replicas ?? 0),
      ...(withAlias ? { aliases: { [this.alias]: { is_write_index: true } } } : {}),
    } as estypes.IndicesCreateRequest);
  }

  /**
   * Points the alias at `index` in one atomic step and deletes what it pointed at before. The
   * index is refreshed first, so searches through the alias never see it half empty.
   */
  async switchAlias(index: string): Promise<string | undefined> {
    await this.client.indices.refresh({ index });
    const previous = await this.current();
    await this.client.indices.updateAliases({
      actions: [
        ...(previous ? [{ remove: { index: previous.index, alias: this.alias } }] : []),
        { add: { index, alias: this.alias, is_write_index: true } },
      ],
    });
    if (previous && previous.index !== index) await this.client.indices.delete({ index: previous.index });
    return previous?.index;
  }

  async ping(): Promise<boolean> {
    return this.client.ping();
  }

  private toIndexed(document: ContentDocument): IndexedDocument {
    const parsed = document.docNumber ? parseDocNumber(document.docNumber) : null;
    return {
      id: document.id,
      kind: document.kind,
      title: this.analyzer.displayTokens(document.title, tokenSeparator),
      titleSearch: this.analyzer.indexTokens(document.title),
      body: this.analyzer.displayTokens(document.body, tokenSeparator),
      bodySearch: this.analyzer.indexTokens(document.body),
      docNumber: document.docNumber,
      docNumberKeys: parsed ? docNumberKeys(parsed) : [],
      docAgencyCode: parsed?.agencyCode ?? '',
      year: parsed?.year ?? Number(document.issuedAt.slice(0, 4)),
      agency: document.agency,
      docType: document.docType,
      effectiveStatus: document.effectiveStatus,
      region: document.region,
      topics: document.topics,
      issuedAt: document.issuedAt,
      orgPath: document.orgPath,
      revision: document.revision,
      suggest: { input: this.analyzer.suggestInputs(document.title) },
    };
  }

  /**
   * Indexes with the document revision as an external version, so an older revision arriving
   * late (another replica, a redelivery) never overwrites a newer one.
   */
  async put(document: ContentDocument): Promise<void> {
    try {
      await this.client.index({
        index: this.alias,
        id: document.id,
        version: document.revision,
        version_type: 'external',
        document: this.toIndexed(document),
      });
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
    }
  }

  /**
   * Indexes many documents in one bulk request (same external versioning as `put`), into the
   * alias or a named index (a reindex fills the next version before the alias moves).
   * Returns how many were written; stale versions count as done, anything else throws.
   */
  async putMany(documents: ContentDocument[], index: string = this.alias): Promise<number> {
    if (documents.length === 0) return 0;
    const operations = documents.flatMap((document) => [
      { index: { _index: index, _id: document.id, version: document.revision, version_type: 'external' as const } },
      this.toIndexed(document),
    ]);
    const response = await this.client.bulk({ operations });
    const failures = response.items
      .map((item) => item.index)
      .filter((result) => result?.error && result.status !== 409);
    if (failures.length > 0) {
      throw new Error(`bulk indexing failed for ${failures.length} documents: ${JSON.stringify(failures[0]?.error)}`);
    }
    return documents.length;
  }

  async remove(id: string, revision: number, index: string = this.alias): Promise<void> {
    try {
      await this.client.delete({ index, id, version: revision, version_type: 'external' });
    } catch (err) {
      if (isVersionConflict(err) || isNotFoundResponse(err)) return;
      throw err;
    }
  }

  async count(): Promise<number> {
    await this.client.indices.refresh({ index: this.alias });
    return (await this.client.count({ index: this.alias })).count;
  }

  /**
   * The Elasticsearch request for a query, exactly as `search` sends it (benchmarks send the same
   * body straight to Elasticsearch to measure the platform's own overhead).
   */
  buildRequest(query: SearchQuery): estypes.SearchRequest {
    const filters: estypes.QueryDslQueryContainer[] = [];
    if (query.agency) filters.push({ term: { agency: query.agency } });
    if (query.docType) filters.push({ term: { docType: query.docType } });
    if (query.effectiveStatus) filters.push({ term: { effectiveStatus: query.effectiveStatus } });
    if (query.kind) filters.push({ term: { kind: query.kind } });
    if (query.region) filters.push({ term: { region: query.region } });
    if (query.topic) filters.push({ term: { topics: query.topic } });
    if (query.year) filters.push({ term: { year: query.year } });
    if (query.issuedFrom || query.issuedTo) {
      filters.push({
        range: { issuedAt: { ...(query.issuedFrom ? { gte: query.issuedFrom } : {}), ...(query.issuedTo ? { lte: query.issuedTo } : {}) } },
      });
    }
    // Searching within results: every earlier query must still match, without adding to the score.
    for (const earlier of query.within ?? []) {
      if (earlier.trim()) filters.push({ bool: this.textQuery(earlier) });
    }
    const hasText = query.text.trim() !== '';
    const byDate = query.sort === 'date' || !hasText;

    return {
      index: this.alias,
      from: (query.page - 1) * query.size,
      size: query.size,
      track_total_hits: true,
      query: this.ranked({ bool: { ...this.textQuery(query.text), filter: filters } }),
      sort: byDate ? [{ issuedAt: 'desc' }, '_score', { id: 'asc' }] : ['_score', { issuedAt: 'desc' }, { id: 'asc' }],
      _source: ['id', 'kind', 'title', 'docNumber', 'agency', 'docType', 'effectiveStatus', 'issuedAt'],
      highlight: {
        pre_tags: ['<em>'],
        post_tags: ['</em>'],
        encoder: 'html',
        fields: {
          title: { number_of_fragments: 0 },
          body: { fragment_size: 120, number_of_fragments: 3 },
        },
      },
      aggs: {
        agency: { terms: { field: 'agency', size: 20 } },
        type: { terms: { field: 'docType', size: 20 } },
        year: { terms: { field: 'year', size: 30, order: { _key: 'desc' } } },
        region: { terms: { field: 'region', size: 30 } },
        topic: { terms: { field: 'topics', size: 30 } },
      },
    };
  }

  /**
   * Searches; a query typed in pinyin is spelled out in characters first, and one that finds
   * nothing is retried with homophone typos corrected. A correction is offered as "did you
   * mean" when the typed query found only a few documents.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    let text = query.text;
    let searchedFor: string | undefined;
    if (PinyinTerms.looksLikePinyin(text)) {
      const spelled = this.analyzer.pinyin.fromPinyin(text);
      if (spelled) {
        text = spelled;
        searchedFor = spelled;
      }
    }
    let result = await this.run({ ...query, text });
    const correction = text.trim() ? this.analyzer.pinyin.correct(text) : undefined;
    if (correction) {
      // The corrected spelling wins when it finds clearly more: the typed words then only
      // matched loosely (驻村第一书计 finds scattered 第一; 驻村第一书记 finds the documents).
      const corrected = await this.run({ ...query, text: correction });
      if (corrected.total > 0 && (result.total === 0 || corrected.total >= result.total * this.ranking.correctionWins)) {
        return { ...corrected, searchedFor: correction };
      }
      if (result.total < this.ranking.fewResults) result = { ...result, didYouMean: correction };
    }
    return searchedFor ? { ...result, searchedFor } : result;
  }

  private async run(query: SearchQuery): Promise<SearchResult> {
    const response = await this.client.search<IndexedDocument>(this.buildRequest(query));
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const aggs = response.aggregations as Record<string, { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }> | undefined;
    const buckets = (name: string): FacetBucket[] =>
      (aggs?.[name]?.buckets ?? []).map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }));
    return {
      total,
      hits: response.hits.hits.map(toHit),
      facets: { agency: buckets('agency'), type: buckets('type'), year: buckets('year'), region: buckets('region'), topic: buckets('topic') },
    };
  }

  /** Completions for what a user has typed so far: title prefixes in characters or pinyin. */
  async suggest(prefix: string, size: number): Promise<Suggestion[]> {
    const pinyinTyped = PinyinTerms.looksLikePinyin(prefix);
    const key = pinyinTyped ? toPinyinKey(prefix) : foldText(prefix).replace(/\s+/g, '');
    if (!key) return [];
    const response = await this.client.search<IndexedDocument>({
      index: this.alias,
      _source: ['id', 'title', 'docNumber'],
      suggest: { titles: { prefix: key, completion: { field: 'suggest', size, skip_duplicates: true } } },
    });
    const entries = (response.suggest?.titles ?? []) as estypes.SearchCompletionSuggest<IndexedDocument>[];
    const suggestions: Suggestion[] = entries.flatMap((entry) =>
      (entry.options as estypes.SearchCompletionSuggestOption<IndexedDocument>[]).map((option) => ({
        text: joinTokens(option._source?.title ?? option.text),
        documentId: option._source?.id ?? option._id ?? '',
        docNumber: option._source?.docNumber ?? '',
      })),
    );
    // A pinyin word of the vocabulary comes first, as the term itself (bxgd -> 八项规定),
    // followed by the titles that contain it.
    const term = pinyinTyped ? this.analyzer.pinyin.fromPinyin(prefix) : undefined;
    const unique = new Map<string, Suggestion>();
    if (term) {
      unique.set(term, { text: term, documentId: '', docNumber: '' });
      const titled = await this.run({ text: term, page: 1, size });
      for (const hit of titled.hits) if (hit.highlights.title.length > 0) suggestions.push({ text: hit.title, documentId: hit.id, docNumber: hit.docNumber });
    }
    for (const s of suggestions) if (!unique.has(s.text)) unique.set(s.text, s);
    return [...unique.values()].slice(0, size);
  }

  /** Published documents most like `document` by their words, itself excluded. */
  async related(document: ContentDocument, size: number): Promise<SearchHit[]> {
    const like = this.analyzer.indexTokens(`${document.title}\n${document.body.slice(0, 5_000)}`);
    const response = await this.client.search<IndexedDocument>({
      index: this.alias,
      size,
      _source: ['id', 'kind', 'title', 'docNumber', 'agency', 'docType', 'effectiveStatus', 'issuedAt'],
      query: this.ranked({
        bool: {
          must: [{ more_like_this: { fields: ['titleSearch', 'bodySearch'], like, min_term_freq: 1, min_doc_freq: 1, max_query_terms: 40, minimum_should_match: '20%' } }],
          must_not: [{ ids: { values: [document.id] } }],
        },
      }),
    });
    return response.hits.hits.map(toHit);
  }

  /** Gentle recency and effective status as score multipliers around a query. */
  private ranked(query: estypes.QueryDslQueryContainer): estypes.QueryDslQueryContainer {
    const { recency, status } = this.ranking;
    return {
      function_score: {
        query: {
          function_score: {
            query,
            functions: [
              { weight: recency.floor },
              { gauss: { issuedAt: { origin: 'now', scale: recency.halfLife, offset: recency.offset, decay: 0.5 } }, weight: 1 - recency.floor },
            ],
            score_mode: 'sum',
            boost_mode: 'multiply',
          },
        },
        functions: [
          { filter: { term: { kind: 'article' } }, weight: this.ranking.kind.article },
          { filter: { term: { effectiveStatus: 'inForce' } }, weight: status.inForce },
          { filter: { term: { effectiveStatus: 'amended' } }, weight: status.amended },
          { filter: { term: { effectiveStatus: 'repealed' } }, weight: status.repealed },
        ],
        score_mode: 'multiply',
        boost_mode: 'multiply',
      },
    };
  }

  /**
   * Title matches outrank body matches, a whole phrase outranks scattered words, synonyms and
   * abbreviations count almost as much as the words typed, and a document number typed in any
   * common form finds its document first.
   */
  private textQuery(text: string): Pick<estypes.QueryDslBoolQuery, 'must' | 'should'> {
    if (!text.trim()) return { must: [{ match_all: {} }] };
    const { fields, phrase, docNumber, synonym, minimumShouldMatch } = this.ranking;
    const found = findDocNumber(text);
    const numberMatch: estypes.QueryDslQueryContainer | undefined = found
      ? { terms: { docNumberKeys: docNumberKeys(found.match), boost: docNumber } }
      : undefined;
    const expanded = this.analyzer.expandQuery(found ? found.rest : text);
    if (expanded.tokens.length === 0) return { must: [numberMatch ?? { match_none: {} }] };

    const words = (tokens: string[], boost: number): estypes.QueryDslQueryContainer => ({
      multi_match: {
        query: tokens.join(' '),
        fields: [`title^${fields.title}`, `titleSearch^${fields.titleSearch}`, `body^${fields.body}`, `bodySearch^${fields.bodySearch}`],
        type: 'best_fields',
        minimum_should_match: tokens.length > 2 ? minimumShouldMatch : '100%',
        tie_breaker: 0.3,
        boost,
      },
    });
    const phrases = (tokens: string[], weight: number): estypes.QueryDslQueryContainer[] => [
      { match_phrase: { title: { query: tokens.join(' '), slop: phrase.titleSlop, boost: phrase.title * weight } } },
      { match_phrase: { body: { query: tokens.join(' '), slop: phrase.bodySlop, boost: phrase.body * weight } } },
    ];
    const variants = synonymVariants(expanded);
    const matches = [words(expanded.tokens, 1), ...variants.map((v) => words(v, synonym)), ...(numberMatch ? [numberMatch] : [])];
    return {
      must: [{ bool: { should: matches, minimum_should_match: 1 } }],
      should: [...phrases(expanded.tokens, 1), ...variants.flatMap((v) => phrases(v, synonym))],
    };
  }
}

/** The query's tokens with one synonym span replaced by each of its phrasings (at most 8). */
function synonymVariants(expanded: ExpandedQuery): string[][] {
  const variants: string[][] = [];
  for (const span of expanded.spans) {
    for (const phrasing of span.phrasings) {
      variants.push([...expanded.tokens.slice(0, span.start), ...phrasing, ...expanded.tokens.slice(span.end)]);
    }
  }
  return variants.slice(0, 8);
}

function toHit(hit: estypes.SearchHit<IndexedDocument>): SearchHit {
  const source = hit._source!;
  return {
    id: source.id,
    kind: source.kind,
    title: joinTokens(source.title),
    docNumber: source.docNumber,
    agency: source.agency,
    docType: source.docType,
    effectiveStatus: source.effectiveStatus,
    issuedAt: source.issuedAt,
    score: hit._score ?? 0,
    highlights: {
      title: (hit.highlight?.title ?? []).map(joinTokens),
      body: (hit.highlight?.body ?? []).map(joinTokens),
    },
  };
}

/** A highlighted fragment or stored token list back to running text. */
export function joinTokens(text: string): string {
  return text.split(tokenSeparator).join('');
}

function isVersionConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409;
}

function isNotFoundResponse(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 404;
}
