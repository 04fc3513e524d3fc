/**
 * Reading the index: full-text search with facets, highlights and corrections, completions, and
 * related documents. Every ranking weight comes from the Ranking (domain/ranking.ts).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { documentTypeOf, type ContentDocument } from '../../domain/document';
import type { Ranking } from '../../domain/ranking';
import type { FacetBucket, Relaxation, SearchHit, SearchQuery, SearchResult, Suggestion } from '../../domain/search';
import {
  docNumberKeys,
  findDocNumber,
  findPartialDocNumber,
  foldText,
  PinyinTerms,
  toPinyinKey,
  type ExpandedQuery,
  type QueryGroup,
  type TextAnalyzer,
} from '@repo/text';
import { joinTokens, type IndexedDocument } from './mapping';

/** How many of a query's words a document must have: all (as configured), most, or any one. */
type Level = 'all' | Relaxation;

/** The parts of a search answer that run() reads (filter_path). */
const searchAnswerFields = [
  'hits.total.value',
  'hits.hits._score',
  'hits.hits._source',
  'hits.hits.highlight',
  'aggregations.*.buckets.key',
  'aggregations.*.buckets.key_as_string',
  'aggregations.*.buckets.doc_count',
];

// A word typed like a document-number code: 江组发, 中办发, 国办函, 江组字.
const AGENCY_CODE = /^\p{Script=Han}{1,9}[发函字]$/u;

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
  buildRequest(query: SearchQuery, level: Level = 'all'): estypes.SearchRequest {
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
      // Only what is read: no _index, _id, sort values or shard counts to parse.
      filter_path: searchAnswerFields,
      from: (query.page - 1) * query.size,
      size: query.size,
      track_total_hits: true,
      query: this.ranked({ bool: { ...this.textQuery(query.text, level), filter: filters } }),
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
        // Every policy document type and article category fits (27 + 3).
        type: { terms: { field: 'docType', size: 40 } },
        year: { terms: { field: 'year', size: 30, order: { _key: 'desc' } } },
        region: { terms: { field: 'region', size: 30 } },
        topic: { terms: { field: 'topics', size: 30 } },
      },
    };
  }

  /**
   * Searches. Words typed in pinyin are spelled out first (`searchedFor`); a query with a
   * homophone or near-form typo is also searched corrected, and the correction wins when the typo
   * was no word at all, or the typed query found nothing or far less; a correction is offered as "did you mean" when the typed query found only a
   * few documents. A query that still finds nothing is relaxed step by step, from all its words
   * to most of them to any one (`relaxed`), so nothing answers empty while a document shares a word.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    let text = query.text;
    let searchedFor: string | undefined;
    const spelled = text.trim() ? this.analyzer.pinyin.spell(text) : undefined;
    if (spelled) {
      text = spelled;
      searchedFor = spelled;
    }
    let result = await this.run({ ...query, text });
    const found = text.trim() ? this.analyzer.correction(text) : undefined;
    const correction = found?.text;
    if (found && correction) {
      // The corrected spelling wins when the typo was no word at all (书计, 管里, 接侍), or
      // when it finds clearly more: the typed words then only matched loosely.
      const corrected = await this.run({ ...query, text: correction });
      if (corrected.total > 0 && (found.sure || result.total === 0 || corrected.total >= result.total * this.ranking.correctionWins)) {
        return { ...corrected, searchedFor: correction };
      }
      if (result.total < this.ranking.fewResults) result = { ...result, didYouMean: correction };
    }
    if (result.total === 0 && text.trim()) {
      // The correction first (the typed words found nothing), then the words as typed.
      for (const candidate of correction ? [correction, text] : [text]) {
        const relaxed = await this.relax(query, candidate);
        if (relaxed) {
          return {
            ...relaxed,
            ...(candidate !== query.text ? { searchedFor: candidate } : {}),
            ...(correction && candidate !== correction ? { didYouMean: correction } : {}),
          };
        }
      }
    }
    return searchedFor ? { ...result, searchedFor } : result;
  }

  /** The query with fewer of its words required, most of them and then any one; undefined when that finds nothing either. */
  private async relax(query: SearchQuery, text: string): Promise<SearchResult | undefined> {
    for (const level of this.relaxations(text)) {
      const result = await this.run({ ...query, text }, level);
      if (result.total > 0) return { ...result, relaxed: level };
    }
    return undefined;
  }

  /** The relaxation levels that require fewer words than the one before (none for a one-word query). */
  private relaxations(text: string): Relaxation[] {
    const required = this.requiredGroups(this.analyzer.planQuery(this.withoutDocNumber(text)).groups).length;
    const first = this.firstOf(required);
    const most = this.mostOf(required);
    return [...(most > 1 && most < first ? ['most' as const] : []), ...(first > 1 ? ['any' as const] : [])];
  }

  /** Words required before relaxing: all of one or two, `minimumShouldMatch` of more (rounded down). */
  private firstOf(required: number): number {
    const share = Number.parseFloat(this.ranking.minimumShouldMatch) / 100;
    return required <= 2 ? required : Math.max(1, Math.floor(required * share));
  }

  /** Words required when relaxed to most of them: `relaxedShare` (rounded up). */
  private mostOf(required: number): number {
    return Math.max(1, Math.ceil(required * this.ranking.relaxedShare));
  }

  private async run(query: SearchQuery, level: Level = 'all'): Promise<SearchResult> {
    const response = await this.client.search<IndexedDocument>(this.buildRequest(query, level));
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const aggs = response.aggregations as
      | Record<string, { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }>
      | undefined;
    const buckets = (name: string): FacetBucket[] =>
      (aggs?.[name]?.buckets ?? []).map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }));
    return {
      total,
      // filter_path leaves out what is empty.
      hits: (response.hits.hits ?? []).map(toHit),
      facets: {
        agency: buckets('agency'),
        type: buckets('type'),
        year: buckets('year'),
        region: buckets('region'),
        topic: buckets('topic'),
      },
    };
  }

  /**
   * Completions for what a user has typed so far: the start of any word of a title (处分条 →
   * 中国共产党纪律处分条例), in characters, full pinyin or initials, or pinyin after characters
   * (纪律chufen); a word of the vocabulary typed in pinyin first, as the word itself.
   */
  async suggest(prefix: string, size: number): Promise<Suggestion[]> {
    const pinyinTyped = PinyinTerms.looksLikePinyin(prefix);
    const key = /[a-z]/i.test(prefix) ? toPinyinKey(prefix) : foldText(prefix).replace(/\s+/g, '');
    if (!key) return [];
    const response = await this.client.search<IndexedDocument>({
      index: this.alias,
      _source: ['id', 'title', 'docNumber'],
      // Several documents share a title (the same notice from many agencies): ask for more, keep each title once.
      suggest: { titles: { prefix: key, completion: { field: 'suggest', size: Math.min(3 * size, 30) } } },
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

  /** The query text without a document number, whole or partial, in it. */
  private withoutDocNumber(text: string): string {
    return findDocNumber(text)?.rest ?? findPartialDocNumber(text)?.rest ?? text;
  }

  /** The groups a document must match (see partition). */
  private requiredGroups(groups: QueryGroup[]): QueryGroup[] {
    return this.partition(groups).required;
  }

  /**
   * Which groups a document must match and which only add to its score: question words and
   * particles (多久, 怎么, 模板) are scored, not required, unless the query has nothing else.
   */
  private partition(groups: QueryGroup[]): { required: QueryGroup[]; scored: QueryGroup[] } {
    const required = groups.some((g) => !g.optional) ? groups.filter((g) => !g.optional) : groups;
    return { required, scored: groups.filter((g) => !required.includes(g)) };
  }

  /**
   * Title matches outrank body matches, a whole phrase outranks scattered words, synonyms and
   * abbreviations count almost as much as the words typed, the agency counts like the text, a
   * year or a document-number code typed counts when the document has it, and a document
   * number typed in any common form finds its document first (an agency code and year, its
   * agency's documents of the year). Each word (or synonym span) is one group matched in any
   * field; `level` says how many of the groups a document must match.
   */
  private textQuery(text: string, level: Level = 'all'): Pick<estypes.QueryDslBoolQuery, 'must' | 'should'> {
    if (!text.trim()) return { must: [{ match_all: {} }] };
    const { phrase, docNumber, partialDocNumber, synonym, optionalWords } = this.ranking;
    const found = findDocNumber(text);
    const partial = found ? null : findPartialDocNumber(text);
    const numberMatch: estypes.QueryDslQueryContainer | undefined = found
      ? { terms: { docNumberKeys: docNumberKeys(found.match), boost: docNumber } }
      : partial
        ? {
            constant_score: {
              filter: { bool: { filter: [{ term: { docAgencyCode: partial.match.agencyCode } }, { term: { year: partial.match.year } }] } },
              boost: partialDocNumber,
            },
          }
        : undefined;
    const plan = this.analyzer.planQuery(found?.rest ?? partial?.rest ?? text);
    if (plan.groups.length === 0) return { must: [numberMatch ?? { match_none: {} }] };

    const { required, scored } = this.partition(plan.groups);
    const share = level === 'all' ? this.firstOf(required.length) : level === 'most' ? this.mostOf(required.length) : 1;
    const words: estypes.QueryDslQueryContainer = {
      bool: { should: required.map((g) => this.groupQuery(g, 1)), minimum_should_match: share },
    };
    const phrases = (tokens: string[], weight: number): estypes.QueryDslQueryContainer[] => [
      { match_phrase: { title: { query: tokens.join(' '), slop: phrase.titleSlop, boost: phrase.title * weight } } },
      { match_phrase: { body: { query: tokens.join(' '), slop: phrase.bodySlop, boost: phrase.body * weight } } },
    ];
    const typed = required.flatMap((g) => g.tokens);
    return {
      must: [numberMatch ? { bool: { should: [words, numberMatch], minimum_should_match: 1 } } : words],
      should: [
        ...phrases(typed, 1),
        ...synonymVariants(plan).flatMap((v) => phrases(v, synonym)),
        ...scored.map((g) => this.groupQuery(g, optionalWords)),
      ],
    };
  }

  /**
   * One word or synonym span of a query, matched in any field: its words, a phrasing, its
   * parts, the document's year (a year in the text counts for less), type or agency code.
   */
  private groupQuery(group: QueryGroup, boost: number): estypes.QueryDslQueryContainer {
    const { synonym, year, yearInText, agencyCode, docType, parts: partsWeight } = this.ranking;
    const textWeight = group.year !== undefined ? yearInText : 1;
    const alternatives = [
      this.wordsQuery(group.tokens, boost * textWeight),
      ...group.phrasings.map((p) => this.phrasingQuery(p, boost * synonym)),
    ];
    if (group.parts) alternatives.push(this.phrasingQuery(group.parts, boost * partsWeight));
    if (group.year !== undefined) alternatives.push({ constant_score: { filter: { term: { year: group.year } }, boost: boost * year } });
    const [token] = group.tokens;
    const type = group.tokens.length === 1 && token ? documentTypeOf(token) : undefined;
    if (type) alternatives.push({ constant_score: { filter: { term: { docType: type } }, boost: boost * docType } });
    if (group.tokens.length === 1 && token && AGENCY_CODE.test(token)) {
      alternatives.push({ constant_score: { filter: { term: { docAgencyCode: token } }, boost: boost * agencyCode } });
    }
    // Summed, not the best one: a document saying it several ways (三会一课 and 支委会, 党课) is more about it.
    return alternatives.length === 1 ? alternatives[0]! : { bool: { should: alternatives, minimum_should_match: 1 } };
  }

  /**
   * Another way to say a group: one word is matched like a typed one; several (党的建设, 省
   * 纪律检查委员会) as a phrase of the title or body, or all of them in the agency, or (for less)
   * all of them anywhere in the title or body.
   */
  private phrasingQuery(tokens: string[], boost: number): estypes.QueryDslQueryContainer {
    if (tokens.length === 1) return this.wordsQuery(tokens, boost);
    const { fields, phrase } = this.ranking;
    const query = tokens.join(' ');
    return {
      dis_max: {
        queries: [
          { match_phrase: { title: { query, slop: phrase.titleSlop, boost: boost * fields.title } } },
          { match_phrase: { body: { query, slop: phrase.bodySlop, boost: boost * fields.body } } },
          { match: { agencyText: { query, operator: 'and', boost: boost * fields.agency } } },
          // Text may segment the words differently in context (非公有制经济 / 组织): all of them, anywhere, counts for less.
          {
            multi_match: {
              query,
              fields: [`titleSearch^${fields.titleSearch}`, `bodySearch^${fields.bodySearch}`],
              type: 'best_fields',
              operator: 'and',
              boost: boost * phrase.wordsApart,
            },
          },
        ],
      },
    };
  }

  /** Words that must all be in one field (title, body, their search forms, or the agency). */
  private wordsQuery(tokens: string[], boost: number): estypes.QueryDslQueryContainer {
    const { fields } = this.ranking;
    return {
      multi_match: {
        query: tokens.join(' '),
        fields: [
          `title^${fields.title}`,
          `titleSearch^${fields.titleSearch}`,
          `body^${fields.body}`,
          `bodySearch^${fields.bodySearch}`,
          `agencyText^${fields.agency}`,
        ],
        type: 'best_fields',
        operator: 'and',
        tie_breaker: 0.3,
        boost,
      },
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
