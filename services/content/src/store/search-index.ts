import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { docNumberKeys, findDocNumber, parseDocNumber, type TextAnalyzer } from '../domain/text';
import type { ContentDocument, DocumentKind, EffectiveStatus } from '../domain/document';

/**
 * The public search index. Chinese is segmented by the application (the Elasticsearch
 * distribution we run has no CJK analysis): text fields hold tokens separated by a thin space
 * (U+2009, whitespace to Elasticsearch) and are analysed by the built-in `whitespace` analyzer
 * (the distribution has no whitespace tokenizer for custom analyzers, so folding and lower
 * casing happen in the application too). Removing the thin spaces from a highlighted fragment
 * gives back the original text.
 */
const tokenSeparator = '\u2009';

export interface SearchQuery {
  text: string;
  agency?: string;
  docType?: string;
  effectiveStatus?: EffectiveStatus;
  kind?: DocumentKind;
  issuedFrom?: string;
  issuedTo?: string;
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
  facets: { agency: FacetBucket[]; type: FacetBucket[]; year: FacetBucket[] };
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
  agency: string;
  docType: string;
  effectiveStatus: EffectiveStatus;
  region: string;
  topics: string[];
  issuedAt: string;
  orgPath: string;
  revision: number;
}

const mappingVersion = 1;

const indexBody = (replicas: number) => ({
  settings: {
    number_of_shards: 1,
    number_of_replicas: replicas,
      },
  mappings: {
    dynamic: 'strict',
    // Search-only token lists are indexed but not kept: hits are shown from display fields.
    _source: { excludes: ['titleSearch', 'bodySearch'] },
    properties: {
      id: { type: 'keyword' },
      kind: { type: 'keyword' },
      title: { type: 'text', analyzer: 'whitespace', index_options: 'offsets' },
      titleSearch: { type: 'text', analyzer: 'whitespace' },
      body: { type: 'text', analyzer: 'whitespace', index_options: 'offsets' },
      bodySearch: { type: 'text', analyzer: 'whitespace' },
      docNumber: { type: 'keyword' },
      docNumberKeys: { type: 'keyword' },
      agency: { type: 'keyword' },
      docType: { type: 'keyword' },
      effectiveStatus: { type: 'keyword' },
      region: { type: 'keyword' },
      topics: { type: 'keyword' },
      issuedAt: { type: 'date', format: 'yyyy-MM-dd' },
      orgPath: { type: 'keyword' },
      revision: { type: 'integer' },
    },
  },
});

export interface SearchIndexOptions {
  client: Client;
  analyzer: TextAnalyzer;
  /** Prefix for the alias and its versioned indices (tests use one each). */
  prefix?: string;
  replicas?: number;
}

export class SearchIndex {
  readonly alias: string;
  private readonly client: Client;
  private readonly analyzer: TextAnalyzer;

  constructor(private readonly options: SearchIndexOptions) {
    this.client = options.client;
    this.analyzer = options.analyzer;
    this.alias = `${options.prefix ?? ''}content-documents`;
  }

  /** Creates the versioned index behind the alias when neither exists yet. */
  async ensure(): Promise<void> {
    if (await this.client.indices.existsAlias({ name: this.alias })) return;
    const index = `${this.alias}-v${mappingVersion}`;
    try {
      await this.client.indices.create({
        index,
        ...indexBody(this.options.replicas ?? 0),
        aliases: { [this.alias]: { is_write_index: true } },
      } as estypes.IndicesCreateRequest);
    } catch (err) {
      // Another replica created it first.
      if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception')) throw err;
    }
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
      agency: document.agency,
      docType: document.docType,
      effectiveStatus: document.effectiveStatus,
      region: document.region,
      topics: document.topics,
      issuedAt: document.issuedAt,
      orgPath: document.orgPath,
      revision: document.revision,
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

  async remove(id: string, revision: number): Promise<void> {
    try {
      await this.client.delete({ index: this.alias, id, version: revision, version_type: 'external' });
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
    if (query.issuedFrom || query.issuedTo) {
      filters.push({
        range: { issuedAt: { ...(query.issuedFrom ? { gte: query.issuedFrom } : {}), ...(query.issuedTo ? { lte: query.issuedTo } : {}) } },
      });
    }

    return {
      index: this.alias,
      from: (query.page - 1) * query.size,
      size: query.size,
      track_total_hits: true,
      query: { bool: { ...this.textQuery(query.text), filter: filters } },
      sort: query.text.trim() ? ['_score', { issuedAt: 'desc' }] : [{ issuedAt: 'desc' }, { id: 'asc' }],
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
        year: { date_histogram: { field: 'issuedAt', calendar_interval: 'year', format: 'yyyy', min_doc_count: 1, order: { _key: 'desc' } } },
      },
    };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const response = await this.client.search<IndexedDocument>(this.buildRequest(query));

    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const aggs = response.aggregations as Record<string, { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }> | undefined;
    const buckets = (name: string): FacetBucket[] =>
      (aggs?.[name]?.buckets ?? []).map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }));

    return {
      total,
      hits: response.hits.hits.map((hit) => {
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
      }),
      facets: { agency: buckets('agency'), type: buckets('type'), year: buckets('year') },
    };
  }

  /**
   * Title matches outrank body matches, a whole phrase outranks scattered words, and a document
   * number typed in any common form finds its document first.
   */
  private textQuery(text: string): Pick<estypes.QueryDslBoolQuery, 'must' | 'should'> {
    if (!text.trim()) return { must: [{ match_all: {} }] };
    const should: estypes.QueryDslQueryContainer[] = [];
    const found = findDocNumber(text);
    let rest = text;
    if (found) {
      should.push({ terms: { docNumberKeys: docNumberKeys(found.match), boost: 50 } });
      rest = found.rest;
    }
    const tokens = this.analyzer.queryTokens(rest);
    if (tokens.length === 0) {
      return found ? { must: [{ terms: { docNumberKeys: docNumberKeys(found.match) } }] } : { must: [{ match_none: {} }] };
    }
    const joined = tokens.join(' ');
    const words: estypes.QueryDslQueryContainer = {
      multi_match: {
        query: joined,
        fields: ['title^3', 'titleSearch^2', 'body', 'bodySearch'],
        type: 'best_fields',
        minimum_should_match: tokens.length > 2 ? '75%' : '100%',
        tie_breaker: 0.3,
      },
    };
    should.push(
      { match_phrase: { title: { query: joined, slop: 2, boost: 6 } } },
      { match_phrase: { body: { query: joined, slop: 3, boost: 2 } } },
    );
    // A document number alone may satisfy the query; words otherwise must match.
    return found ? { must: [{ bool: { should: [words, { terms: { docNumberKeys: docNumberKeys(found.match) } }] } }], should } : { must: [words], should };
  }
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
