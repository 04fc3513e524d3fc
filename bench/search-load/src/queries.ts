/**
 * The query mix: what portal users type, built from documents that are really in the corpus
 * (a few chunks of it), so document numbers and title fragments find their documents.
 *
 * Each query is a set of gateway parameters. Its direct-to-Elasticsearch twin is the request
 * the platform itself sends for it: SearchQueries.buildRequest on the same SearchQuery (the
 * request is captured from the Elasticsearch client while the platform's code builds and sends
 * it, so path, query string and body are byte for byte what the content service sends).
 */
import { Client, type estypes } from '@elastic/elasticsearch';
import type { ContentDocument } from '../../../services/content/dist/domain/document';
import type { SearchQuery } from '../../../services/content/dist/store/search';
import { generateChunk, type CorpusShape } from './corpus';
import { makeSearchIndex } from './indexing';

export type Category = 'keyword' | 'docNumber' | 'title' | 'filtered' | 'browse' | 'deepPage' | 'read' | 'store' | 'echo';

export interface QueryDef {
  id: string;
  category: Category;
  /** Gateway query parameters; `within` may repeat. */
  params: [string, string][];
}

export interface PreparedQuery extends QueryDef {
  gatewayPath: string;
  /** The request the content service sends to Elasticsearch for this query. */
  es: { method: string; path: string; body: string; headers: Record<string, string> };
  /** buildRequest's body, for the record. */
  searchQuery: SearchQuery;
}

const KEYWORDS = [
  '三会一课',
  '党风廉政建设',
  '主题教育',
  '基层治理',
  '乡村振兴',
  '发展党员',
  '八项规定',
  '巡视巡察',
  '干部教育培训',
  '意识形态',
  '作风建设',
  '组织生活会',
  '民主评议党员',
  '软弱涣散基层党组织',
  '党支部标准化',
  '枫桥经验',
  '红色物业',
  '村级集体经济',
  '党费收缴',
  '纪律处分',
  '形式主义 官僚主义',
  '党员 教育 管理',
  '基层党组织 书记 培训',
  '网格化 服务 管理',
  '全面从严治党 主体责任',
  '年轻干部',
  '党史学习教育',
  '廉洁文化',
];

/** The spellings people type a 文号 in. */
export function docNumberSpellings(docNumber: string): string[] {
  const m = /^(.+)〔(\d{4})〕(\d+)号$/u.exec(docNumber);
  if (!m) return [docNumber];
  const [, code, year, serial] = m;
  return [
    `${code}〔${year}〕${serial}号`,
    `${code}[${year}]${serial}号`,
    `${code}(${year})${serial}号`,
    `${code}（${year}）${serial}号`,
    `${code}${year}年${serial}号`,
    `${code} ${year} ${serial}`,
    `${code}【${year}】${serial}号`,
    `${code}[${year}]${serial}号文件`,
  ];
}

/** A fragment of a title as someone remembers it: the middle, without 关于 … 的通知. */
export function titleFragment(title: string): string {
  const core = title
    .replace(/^关于(印发|转发)?/u, '')
    .replace(/[（(][^）)]*[）)]$/u, '')
    .replace(/的(通知|意见|决定|办法|规定|方案|报告|通报|批复|函|决议|公告)$/u, '')
    .replace(/[《》“”]/gu, '');
  return core.length > 14 ? core.slice(2, 14) : core;
}

function pickSpread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

/** The query definitions, deterministic for a corpus shape. */
export function buildQueryMix(shape: CorpusShape): QueryDef[] {
  const sampleChunks = [...new Set([3, 41, 77].map((c) => Math.min(c, shape.chunks - 1)))];
  const sample: ContentDocument[] = sampleChunks.flatMap((c) => generateChunk(c, shape));
  const policies = sample.filter((d) => d.kind === 'policy' && d.docNumber);
  const byCount = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
  };
  const agencies = byCount(sample.map((d) => d.agency));
  const cityAgency = agencies.find((a) => /市委组织部$/u.test(a)) ?? agencies[3]!;

  const defs: QueryDef[] = [];
  const add = (category: Category, params: Record<string, string | number | string[]>) => {
    const list: [string, string][] = [];
    for (const [key, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) list.push([key, String(v)]);
    }
    defs.push({ id: `q${String(defs.length + 1).padStart(2, '0')}`, category, params: list });
  };

  // Keywords: the words of the portal's search box (28).
  for (const q of KEYWORDS) add('keyword', { q });

  // Document numbers: 3 documents, every spelling of one, a few of the others (14).
  const numbered = pickSpread(
    policies.filter((d) => /^(江|中|国)/u.test(d.docNumber)),
    3,
  ).concat(
    pickSpread(
      policies.filter((d) => !/^(江|中|国)/u.test(d.docNumber)),
      1,
    ),
  );
  const [first, ...others] = numbered;
  for (const spelling of docNumberSpellings(first!.docNumber)) add('docNumber', { q: spelling });
  for (const doc of others) {
    const spellings = docNumberSpellings(doc.docNumber);
    add('docNumber', { q: spellings[1]! });
    add('docNumber', { q: spellings[4]! });
  }

  // Title fragments and whole titles (12).
  const titled = pickSpread(
    sample.filter((d) => d.title.length >= 12),
    10,
  );
  for (const doc of titled) add('title', { q: titleFragment(doc.title) });
  for (const doc of pickSpread(policies, 2)) add('title', { q: doc.title });

  // Words with filters, as the portal's filter bar sends them (14).
  add('filtered', { q: '党风廉政建设', agency: '中共江川省纪律检查委员会' });
  add('filtered', { q: '三会一课', type: '通知' });
  add('filtered', { q: '发展党员', status: 'inForce' });
  add('filtered', { q: '乡村振兴', from: '2021-01-01', to: '2023-12-31' });
  add('filtered', { q: '主题教育', kind: 'article' });
  add('filtered', { q: '基层治理', agency: '中共江川省委组织部', type: '意见' });
  add('filtered', { q: '巡视', status: 'repealed' });
  add('filtered', { q: '党费', year: 2019 });
  add('filtered', { q: '干部教育培训', region: '全省' });
  add('filtered', { q: '作风建设', topic: '作风建设' });
  add('filtered', { q: '党支部', sort: 'date' });
  add('filtered', { q: '八项规定', within: ['作风'] });
  add('filtered', { q: '组织生活会', agency: cityAgency, from: '2018-01-01' });
  add('filtered', { q: '党员 教育', type: '办法', status: 'inForce', from: '2016-01-01', to: '2026-12-31' });

  // Browsing without words: newest first (6).
  add('browse', {});
  add('browse', { agency: '中共江川省委组织部' });
  add('browse', { type: '通知', from: '2025-01-01' });
  add('browse', { kind: 'article' });
  add('browse', { agency: cityAgency, type: '通知' });
  add('browse', { status: 'repealed' });

  // Deeper pages (9).
  add('deepPage', { q: '党建', page: 2 });
  add('deepPage', { q: '党建', page: 5 });
  add('deepPage', { q: '党建', page: 10 });
  add('deepPage', { q: '党建', page: 25 });
  add('deepPage', { q: '党建', page: 50 });
  add('deepPage', { q: '组织生活会', page: 3, size: 50 });
  add('deepPage', { q: '乡村振兴', page: 20, size: 10 });
  add('deepPage', { page: 100 });
  add('deepPage', { agency: '中共江川省委组织部', page: 30 });
  return defs;
}

/** Gateway parameters → the SearchQuery the content service builds from them. */
export function toSearchQuery(params: [string, string][]): SearchQuery {
  const get = (key: string) => params.find(([k]) => k === key)?.[1];
  const query: Record<string, unknown> = {
    text: get('q') ?? '',
    page: Number(get('page') ?? 1),
    size: Number(get('size') ?? 20),
  };
  const map: [string, string][] = [
    ['agency', 'agency'],
    ['type', 'docType'],
    ['status', 'effectiveStatus'],
    ['kind', 'kind'],
    ['from', 'issuedFrom'],
    ['to', 'issuedTo'],
    ['region', 'region'],
    ['topic', 'topic'],
    ['sort', 'sort'],
  ];
  for (const [param, field] of map) {
    const value = get(param);
    if (value !== undefined) query[field] = value;
  }
  if (get('year') !== undefined) query.year = Number(get('year'));
  const within = params.filter(([k]) => k === 'within').map(([, v]) => v);
  if (within.length) query.within = within;
  return query as unknown as SearchQuery;
}

interface CapturedRequest {
  method: string;
  path: string;
  querystring: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * For each query, the Elasticsearch requests the platform's SearchIndex sends (captured from
 * the client while `search()` runs in this process with the service's code and ranking), and
 * a check that the first one is buildRequest's body.
 */
export async function prepareQueries(
  defs: QueryDef[],
  esUrl: string,
  prefix: string,
): Promise<{ queries: PreparedQuery[]; notes: string[] }> {
  const client = new Client({ node: esUrl, requestTimeout: 30_000 });
  const captured: CapturedRequest[] = [];
  client.diagnostic.on('request', (_err, result) => {
    const params = result?.meta.request.params;
    if (!params) return;
    captured.push({
      method: params.method,
      path: params.path,
      querystring:
        typeof params.querystring === 'string'
          ? params.querystring
          : params.querystring
            ? new URLSearchParams(params.querystring as unknown as Record<string, string>).toString()
            : '',
      body: typeof params.body === 'string' ? params.body : JSON.stringify(params.body ?? ''),
      headers: Object.fromEntries(
        Object.entries(params.headers ?? {})
          .filter(([k]) => k.toLowerCase() !== 'content-length')
          .map(([k, v]) => [k, String(v)]),
      ),
    });
  });
  const search = makeSearchIndex(client, prefix);
  // As the content service does at start: the title words pinyin and typos are read against.
  await search.vocabulary.load();
  const notes: string[] = [];
  const queries: PreparedQuery[] = [];
  try {
    for (const def of defs) {
      const searchQuery = toSearchQuery(def.params);
      captured.length = 0;
      await search.queries.search(searchQuery);
      const sent = captured.filter((r) => r.path.endsWith('/_search'));
      if (sent.length !== 1) notes.push(`${def.id}: the platform sends ${sent.length} search requests for this query`);
      const first = sent[0];
      if (!first) throw new Error(`${def.id}: no search request captured`);
      // index and filter_path travel in the URL, the rest in the body.
      const {
        index: _index,
        filter_path: _filterPath,
        ...built
      } = search.queries.buildRequest(searchQuery) as estypes.SearchRequest & Record<string, unknown>;
      if (!sameJson(JSON.parse(first.body), built))
        notes.push(`${def.id}: the request sent differs from buildRequest (the text was rewritten, e.g. pinyin)`);
      const gatewayPath = `/api/v1/search/documents${def.params.length ? `?${new URLSearchParams(def.params).toString()}` : ''}`;
      queries.push({
        ...def,
        gatewayPath,
        es: {
          method: first.method,
          path: first.querystring ? `${first.path}?${first.querystring}` : first.path,
          body: first.body,
          headers: first.headers,
        },
        searchQuery,
      });
    }
  } finally {
    await client.close();
  }
  return { queries, notes };
}

function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
