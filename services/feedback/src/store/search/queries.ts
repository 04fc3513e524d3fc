/**
 * Searching public messages and replies: the words as typed and their synonyms (the same
 * @repo/text analysis as policy search), a query typed in pinyin spelled out, filters, facets,
 * highlights escaped for HTML.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { foldText, PinyinTerms, type TextAnalyzer } from '@repo/text';
import { withoutSeparators, type IndexedMessage } from './mapping';

export interface MessageSearch {
  text: string;
  type?: string;
  domain?: string;
  region?: string;
  organizationId?: string;
  leaderPostId?: string;
  repliedOnly?: boolean;
  sort?: 'relevance' | 'date';
  page: number;
  size: number;
}

export interface MessageHit {
  id: string;
  type: string;
  domain: string;
  subject: string;
  region: string;
  organizationName: string;
  status: string;
  submittedAt: string;
  repliedAt: string;
  score: number;
  highlights: { subject: string[]; body: string[]; reply: string[] };
}

export interface MessageSearchResult {
  total: number;
  hits: MessageHit[];
  facets: { type: { key: string; count: number }[]; domain: { key: string; count: number }[] };
  searchedFor?: string;
}

/** Field weights: the subject over the body over the reply, display fields over recall fields. */
const weights = {
  subject: 4,
  subjectSearch: 3,
  body: 1.5,
  bodySearch: 1,
  reply: 1,
  replySearch: 0.8,
  phraseSubject: 6,
  phraseBody: 2,
  synonym: 0.8,
};

export class MessageQueries {
  constructor(
    private readonly client: Client,
    private readonly alias: string,
    private readonly analyzer: TextAnalyzer,
  ) {}

  private filters(query: MessageSearch): estypes.QueryDslQueryContainer[] {
    const terms: [string, string | boolean | undefined][] = [
      ['type', query.type],
      ['domain', query.domain],
      ['region', query.region ? foldText(query.region) : undefined],
      ['organizationIds', query.organizationId],
      ['leaderPostId', query.leaderPostId],
      ['replied', query.repliedOnly ? true : undefined],
    ];
    return terms.filter(([, value]) => value !== undefined && value !== '').map(([field, value]) => ({ term: { [field]: value } }));
  }

  /** The words (and each synonym phrasing) must match; phrases lift the score. */
  private matching(text: string): Pick<estypes.QueryDslBoolQuery, 'must' | 'should'> {
    const expanded = this.analyzer.expandQuery(text);
    if (expanded.tokens.length === 0) return { must: [{ match_none: {} }] };
    const fields = ['subject', 'subjectSearch', 'body', 'bodySearch', 'reply', 'replySearch'].map(
      (f) => `${f}^${weights[f as keyof typeof weights]}`,
    );
    const words = (tokens: string[], boost: number): estypes.QueryDslQueryContainer => ({
      multi_match: {
        query: tokens.join(' '),
        fields,
        type: 'best_fields',
        tie_breaker: 0.3,
        minimum_should_match: tokens.length > 2 ? '75%' : '100%',
        boost,
      },
    });
    const phrases = (tokens: string[], boost: number): estypes.QueryDslQueryContainer[] => [
      { match_phrase: { subject: { query: tokens.join(' '), slop: 2, boost: weights.phraseSubject * boost } } },
      { match_phrase: { body: { query: tokens.join(' '), slop: 3, boost: weights.phraseBody * boost } } },
    ];
    const variants = expanded.spans
      .flatMap((span) => span.phrasings.map((p) => [...expanded.tokens.slice(0, span.start), ...p, ...expanded.tokens.slice(span.end)]))
      .slice(0, 8);
    return {
      must: [{ bool: { should: [words(expanded.tokens, 1), ...variants.map((v) => words(v, weights.synonym))], minimum_should_match: 1 } }],
      should: [...phrases(expanded.tokens, 1), ...variants.flatMap((v) => phrases(v, weights.synonym))],
    };
  }

  /** The request `search` sends for a query (the benchmark sends it straight to Elasticsearch too). */
  buildRequest(query: MessageSearch): estypes.SearchRequest {
    const text = query.text.trim();
    const byDate = query.sort === 'date' || text === '';
    return {
      index: this.alias,
      from: (query.page - 1) * query.size,
      size: query.size,
      track_total_hits: true,
      query: { bool: { ...(text ? this.matching(text) : { must: [{ match_all: {} }] }), filter: this.filters(query) } },
      sort: byDate ? [{ submittedAt: 'desc' }, { id: 'asc' }] : ['_score', { submittedAt: 'desc' }, { id: 'asc' }],
      _source: ['id', 'type', 'domain', 'subject', 'region', 'organizationName', 'status', 'submittedAt', 'repliedAt'],
      highlight: {
        pre_tags: ['<em>'],
        post_tags: ['</em>'],
        // What people wrote is escaped; only the <em> around matches is markup.
        encoder: 'html',
        fields: {
          subject: { number_of_fragments: 0 },
          body: { fragment_size: 120, number_of_fragments: 2 },
          reply: { fragment_size: 120, number_of_fragments: 2 },
        },
      },
      aggs: { type: { terms: { field: 'type', size: 10 } }, domain: { terms: { field: 'domain', size: 50 } } },
    };
  }

  async search(query: MessageSearch): Promise<MessageSearchResult> {
    let text = query.text;
    let searchedFor: string | undefined;
    if (PinyinTerms.looksLikePinyin(text)) {
      const spelled = this.analyzer.pinyin.fromPinyin(text);
      if (spelled) text = searchedFor = spelled;
    }
    const response = await this.client.search<IndexedMessage>(this.buildRequest({ ...query, text }));
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const aggs = response.aggregations as Record<string, { buckets: { key: string; doc_count: number }[] }> | undefined;
    const facet = (name: string) => (aggs?.[name]?.buckets ?? []).map((b) => ({ key: String(b.key), count: b.doc_count }));
    return {
      total,
      hits: response.hits.hits.map(toHit),
      facets: { type: facet('type'), domain: facet('domain') },
      ...(searchedFor ? { searchedFor } : {}),
    };
  }

  /** Ids of public messages by filters, newest first: the public list (its texts come from the store). */
  async listIds(query: Omit<MessageSearch, 'text' | 'sort'>): Promise<{ ids: string[]; total: number }> {
    const response = await this.client.search<IndexedMessage>({
      index: this.alias,
      from: (query.page - 1) * query.size,
      size: query.size,
      track_total_hits: true,
      query: { bool: { filter: this.filters({ ...query, text: '' }) } },
      sort: [{ submittedAt: 'desc' }, { id: 'asc' }],
      _source: ['id'],
    });
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { ids: response.hits.hits.map((h) => h._source!.id), total };
  }
}

function toHit(hit: estypes.SearchHit<IndexedMessage>): MessageHit {
  const source = hit._source!;
  const fragments = (field: string) => (hit.highlight?.[field] ?? []).map(withoutSeparators);
  return {
    id: source.id,
    type: source.type,
    domain: source.domain,
    subject: withoutSeparators(source.subject),
    region: source.region,
    organizationName: source.organizationName,
    status: source.status,
    submittedAt: source.submittedAt,
    repliedAt: source.repliedAt ?? '',
    score: hit._score ?? 0,
    highlights: { subject: fragments('subject'), body: fragments('body'), reply: fragments('reply') },
  };
}
