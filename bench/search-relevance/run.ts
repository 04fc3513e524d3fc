/**
 * Relevance benchmark: `npx tsx bench/search-relevance/run.ts [--record] [--worst=N] [--ranking=file.json]`.
 * Needs Elasticsearch of the local stack (`npm run stack:start`). Prints nDCG@10, MRR and
 * recall@10 per query kind and overall, and the queries the engine does worst on; writes
 * results/latest.json, and with --record also baseline.json, the figure the relevance test holds
 * the engine to. --ranking evaluates other ranking settings (a JSON file with any subset of the
 * keys of services/content/src/domain/ranking.ts, as SEARCH_RANKING_FILE takes).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankingFrom } from '../../services/content/src/domain/ranking';
import { runBenchmark, type BenchmarkResult, type QueryResult } from './harness';
import { queryKinds } from './judgments';

const args = process.argv.slice(2);
const record = args.includes('--record');
const worstCount = Number(args.find((a) => a.startsWith('--worst='))?.split('=')[1] ?? 10);
const rankingFile = args.find((a) => a.startsWith('--ranking='))?.slice('--ranking='.length);

const f3 = (n: number) => n.toFixed(3);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));

export interface Baseline {
  ndcg10: number;
  mrr: number;
  recall10: number;
  empty: number;
  date: string;
  documents: number;
  queries: number;
  perKind: Record<string, { queries: number; ndcg10: number; mrr: number; recall10: number; empty: number }>;
}

function table(result: BenchmarkResult): string {
  const rows = [
    ...queryKinds.map((kind) => [kind, result.perKind[kind]] as const),
    ['overall', { queries: result.queries, ...result.overall }] as const,
  ];
  const lines = [
    'kind              queries  nDCG@10  MRR    recall@10  empty',
    '----------------  -------  -------  -----  ---------  -----',
  ];
  for (const [name, m] of rows) {
    lines.push(
      `${pad(name, 16)}  ${pad(String(m.queries), 7)}  ${pad(f3(m.ndcg10), 7)}  ${pad(f3(m.mrr), 5)}  ${pad(f3(m.recall10), 9)}  ${m.empty}`,
    );
  }
  return lines.join('\n');
}

function worst(results: readonly QueryResult[], count: number): string {
  const sorted = [...results].sort((a, b) => a.ndcg10 - b.ndcg10 || a.mrr - b.mrr || a.id.localeCompare(b.id)).slice(0, count);
  return sorted
    .map((r) => {
      const head = `${r.id} [${r.kind}] "${r.query}"  nDCG@10 ${f3(r.ndcg10)}  MRR ${f3(r.mrr)}  recall@10 ${f3(r.recall10)}  (${r.total} hits)`;
      const hits = r.hits
        .slice(0, 5)
        .map(
          (h) => `    ${h.rank}. [${h.grade}] ${h.key === h.title || h.key === `article:${h.title}` ? h.title : `${h.key}  ${h.title}`}`,
        );
      const missing = r.missing.length > 0 ? [`    wanted but not on page 1: ${r.missing.join(', ')}`] : [];
      return [head, ...(hits.length > 0 ? hits : ['    (nothing found)']), ...missing].join('\n');
    })
    .join('\n');
}

async function main(): Promise<void> {
  if (record && rankingFile) throw new Error('--record keeps the figures of the service as configured by default; drop --ranking');
  const ranking = rankingFile ? rankingFrom(JSON.parse(readFileSync(rankingFile, 'utf8'))) : undefined;
  const result = await runBenchmark(ranking ? { ranking } : {});
  console.log(
    `search relevance: ${result.documents} documents, ${result.queries} queries${rankingFile ? `, ranking from ${rankingFile}` : ''} ` +
      `(indexing ${result.timings.indexMs} ms, queries ${result.timings.queriesMs} ms)\n`,
  );
  console.log(table(result));
  console.log(`\nworst ${worstCount} queries (grade of each hit in brackets):\n`);
  console.log(worst(result.results, worstCount));

  const here = __dirname;
  mkdirSync(join(here, 'results'), { recursive: true });
  const date = new Date().toISOString();
  writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify({ date, ranking: ranking ?? 'default', ...result }, null, 2)}\n`);
  console.log(`\nwrote ${join('bench/search-relevance/results/latest.json')}`);

  if (record) {
    const round = (n: number) => Math.round(n * 10_000) / 10_000;
    const baseline: Baseline = {
      ndcg10: round(result.overall.ndcg10),
      mrr: round(result.overall.mrr),
      recall10: round(result.overall.recall10),
      empty: result.overall.empty,
      date,
      documents: result.documents,
      queries: result.queries,
      perKind: Object.fromEntries(
        queryKinds.map((kind) => {
          const m = result.perKind[kind];
          return [kind, { queries: m.queries, ndcg10: round(m.ndcg10), mrr: round(m.mrr), recall10: round(m.recall10), empty: m.empty }];
        }),
      ),
    };
    writeFileSync(join(here, 'baseline.json'), `${JSON.stringify(baseline, null, 2)}\n`);
    console.log('wrote bench/search-relevance/baseline.json');
  }
}

main().catch((err: unknown) => {
  console.error(`search relevance: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
