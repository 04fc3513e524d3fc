/**
 * Runs the relevance benchmark in-process against a real Elasticsearch: indexes the benchmark
 * corpus under a fresh index prefix with the content service's own SearchIndex and analyzer,
 * sends every judged query through SearchIndex.search (first page of 10), maps the hits back to
 * document keys and scores them. The indices are deleted afterwards, also on failure.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import type { ContentDocument } from '../../services/content/src/domain/document';
import type { Ranking } from '../../services/content/src/domain/ranking';
import { createTextAnalyzer } from '@repo/text';
import { SearchIndex } from '../../services/content/src/store/search';
import { buildCorpus, type BenchDocument } from './corpus';
import { judgmentProblems, loadJudgments, queryKinds, type JudgedQuery, type QueryKind } from './judgments';
import { meanMetrics, queryMetrics, type QueryMetrics } from './metrics';

export const PAGE_SIZE = 10;

export interface ReturnedHit {
  rank: number;
  key: string;
  title: string;
  grade: number;
  score: number;
}

export interface QueryResult extends QueryMetrics {
  id: string;
  kind: QueryKind;
  query: string;
  total: number;
  hits: ReturnedHit[];
  /** Documents graded 3 that are not on the first page. */
  missing: string[];
  tookMs: number;
}

export interface KindSummary extends QueryMetrics {
  queries: number;
  /** Queries that found nothing at all. */
  empty: number;
}

export interface BenchmarkResult {
  documents: number;
  queries: number;
  overall: QueryMetrics & { empty: number };
  perKind: Record<QueryKind, KindSummary>;
  results: QueryResult[];
  timings: { indexMs: number; queriesMs: number; totalMs: number };
}

export interface BenchmarkOptions {
  /** Elasticsearch URL; defaults to ELASTICSEARCH_URL or http://127.0.0.1:9200. */
  node?: string;
  /** Index prefix; a fresh `relevance-<random>-` by default. */
  prefix?: string;
  judgments?: JudgedQuery[];
  /** Ranking settings to evaluate instead of the service's defaults. */
  ranking?: Ranking;
}

const fixedTime = '2026-01-01T00:00:00.000Z';

function toContentDocument(doc: BenchDocument, index: number): ContentDocument {
  return {
    ...doc.fields,
    id: `rel-${String(index + 1).padStart(4, '0')}`,
    status: 'published',
    orgPath: '/1/',
    createdBy: 'relevance-bench',
    createdAt: fixedTime,
    updatedAt: fixedTime,
    history: [],
    revision: 1,
  };
}

export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const started = Date.now();
  const corpus = buildCorpus();
  const queries = options.judgments ?? loadJudgments();
  const problems = judgmentProblems(queries, new Set(corpus.map((d) => d.key)));
  if (problems.length > 0) throw new Error(`judgments.json is inconsistent with the corpus:\n  ${problems.join('\n  ')}`);

  const documents = corpus.map(toContentDocument);
  const keyById = new Map(documents.map((d, i) => [d.id, corpus[i]!.key]));
  const prefix = options.prefix ?? `relevance-${randomBytes(4).toString('hex')}-`;
  const client = new Client({ node: options.node ?? process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' });
  const index = new SearchIndex({
    client,
    analyzer: createTextAnalyzer(),
    prefix,
    ...(options.ranking ? { ranking: options.ranking } : {}),
  });

  try {
    await index.lifecycle.ensure();
    await index.putMany(documents);
    const indexed = await index.count();
    if (indexed !== documents.length) throw new Error(`indexed ${indexed} of ${documents.length} documents`);
    // As the service does at start: the words of the indexed titles, for pinyin and typos.
    await index.vocabulary.load();
    const indexMs = Date.now() - started;

    const results: QueryResult[] = [];
    for (const q of queries) {
      const t0 = Date.now();
      const found = await index.queries.search({ text: q.query, page: 1, size: PAGE_SIZE });
      const tookMs = Date.now() - t0;
      const hits = found.hits.map((hit, i): ReturnedHit => {
        const key = keyById.get(hit.id) ?? `unknown:${hit.id}`;
        return { rank: i + 1, key, title: hit.title, grade: q.judgments[key] ?? 0, score: hit.score };
      });
      const ranked = hits.map((h) => h.key);
      const wanted = Object.entries(q.judgments)
        .filter(([, g]) => g === 3)
        .map(([key]) => key);
      results.push({
        id: q.id,
        kind: q.kind,
        query: q.query,
        total: found.total,
        ...queryMetrics(ranked, q.judgments, PAGE_SIZE),
        hits,
        missing: wanted.filter((key) => !ranked.includes(key)),
        tookMs,
      });
    }
    const queriesMs = Date.now() - started - indexMs;

    const perKind = Object.fromEntries(
      queryKinds.map((kind) => {
        const ofKind = results.filter((r) => r.kind === kind);
        return [kind, { queries: ofKind.length, ...meanMetrics(ofKind), empty: ofKind.filter((r) => r.total === 0).length }];
      }),
    ) as Record<QueryKind, KindSummary>;

    return {
      documents: documents.length,
      queries: results.length,
      overall: { ...meanMetrics(results), empty: results.filter((r) => r.total === 0).length },
      perKind,
      results,
      timings: { indexMs, queriesMs, totalMs: Date.now() - started },
    };
  } finally {
    await deleteIndices(client, prefix);
    await client.close();
  }
}

/** Deletes every index under the prefix by name (wildcard deletes are refused). */
async function deleteIndices(client: Client, prefix: string): Promise<void> {
  const names = Object.keys(await client.indices.get({ index: `${prefix}*`, allow_no_indices: true, ignore_unavailable: true }));
  if (names.length > 0) await client.indices.delete({ index: names });
}
