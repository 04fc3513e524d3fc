/**
 * Reading the index: full-text search with facets, highlights and corrections, completions, and
 * related documents. Every ranking weight comes from the Ranking (domain/ranking.ts).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { ContentDocument } from '../../domain/document';
import type { Ranking } from '../../domain/ranking';
import type { FacetBucket, SearchHit, SearchQuery, SearchResult, Suggestion } from '../../domain/search';
import { docNumberKeys, findDocNumber, foldText, PinyinTerms, toPinyinKey, type ExpandedQuery, type TextAnalyzer } from '@repo/text';
import { joinTokens, type IndexedDocument } from './mapping';

export class SearchQueries {
  constructor(
    private readonly client: Client,
    private readonly alias: string,
    private readonly analyzer: TextAnalyzer,
    private readonly ranking: Ranking,
  ) {}

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
    const aggs = response.aggregations as
      | Record<string, { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }>
      | undefined;
    const buckets = (name: string): FacetBucket[] =>
      (aggs?.[name]?.buckets ?? []).map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }));
    return {
      total,
      hits: response.hits.hits.map(toHit),
      facets: {
        agency: buckets('agency'),
        type: buckets('type'),
        year: buckets('year'),
        region: buckets('region'),
        topic: buckets('topic'),
      },
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
      for (const hit of titled.hits)
        if (hit.highlights.title.length > 0) suggestions.push({ text: hit.title, documentId: hit.id, docNumber: hit.docNumber });
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
          must: [
            {
              more_like_this: {
                fields: ['titleSearch', 'bodySearch'],
                like,
                min_term_freq: 1,
                min_doc_freq: 1,
                max_query_terms: 40,
                minimum_should_match: '20%',
              },
            },
          ],
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
              {
                gauss: { issuedAt: { origin: 'now', scale: recency.halfLife, offset: recency.offset, decay: 0.5 } },
                weight: 1 - recency.floor,
              },
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
