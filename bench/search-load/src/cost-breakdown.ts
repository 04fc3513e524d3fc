/**
 * Where the time goes, measured piece by piece (run after run.sh, with nothing else loading
 * the stack; everything sequential, bounded):
 *
 * 1. Elasticsearch: each query of the last run's mix is sent as the platform sends it and in
 *    variants with one part taken out (aggregations, highlighting, exact total, recency and
 *    status scoring), 5 times each, and the median `took` is compared.
 * 2. Analysis at indexing: the analyzer calls SearchIndex makes per document, timed one by one
 *    over 2,000 corpus documents.
 *
 * Usage: npx tsx bench/search-load/src/cost-breakdown.ts [results/<date>/queries.json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTextAnalyzer } from '@repo/text';
import { corpusShape, generateChunk } from './corpus';
import { percentile } from './stats';

const benchDir = resolve(__dirname, '..');
const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

interface SavedQuery {
  id: string;
  category: string;
  esPath: string;
  esBody: Record<string, unknown>;
}

function latestQueriesFile(): string {
  const dir = join(benchDir, 'results');
  const runs = readdirSync(dir)
    .filter((d) => /^\d{4}-.*Z$/.test(d) && statSync(join(dir, d)).isDirectory())
    .sort();
  for (const run of runs.reverse()) {
    const file = join(dir, run, 'queries.json');
    try {
      statSync(file);
      return file;
    } catch {
      // an interrupted run
    }
  }
  throw new Error('no results/<date>/queries.json: run run.sh first');
}

type Body = Record<string, unknown>;

function unwrapRanking(query: unknown): unknown {
  // function_score(function_score(bool)) → bool
  let q = query as { function_score?: { query?: unknown } };
  while (q?.function_score?.query) q = q.function_score.query as typeof q;
  return q;
}

const variants: Record<string, (b: Body) => Body> = {
  asSent: (b) => b,
  noAggs: ({ aggs: _aggs, ...b }) => b,
  noHighlight: ({ highlight: _h, ...b }) => b,
  noExactTotal: (b) => ({ ...b, track_total_hits: 10_000 }),
  noRankingFunctions: (b) => ({ ...b, query: unwrapRanking(b.query) }),
  bare: ({ aggs: _aggs, highlight: _h, ...b }) => ({ ...b, track_total_hits: 10_000, query: unwrapRanking(b.query) }),
};

async function took(path: string, body: Body): Promise<number> {
  const response = await fetch(`${esUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await response.json()) as { took?: number; error?: unknown };
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(json.error).slice(0, 300)}`);
  return json.took ?? NaN;
}

async function esBreakdown(file: string): Promise<void> {
  const queries = JSON.parse(readFileSync(file, 'utf8')) as SavedQuery[];
  console.log(`\nElasticsearch took (ms), median of 5, sequential, ${queries.length} queries from ${file}`);
  const perVariant: Record<string, number[]> = {};
  const perCategory: Record<string, Record<string, number[]>> = {};
  for (const q of queries) {
    for (const [name, make] of Object.entries(variants)) {
      const body = make(q.esBody);
      await took(q.esPath, body); // warm
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push(await took(q.esPath, body));
      const median = percentile(
        [...runs].sort((a, b) => a - b),
        50,
      );
      (perVariant[name] ??= []).push(median);
      ((perCategory[q.category] ??= {})[name] ??= []).push(median);
    }
  }
  const names = Object.keys(variants);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  console.log(`| category | queries | ${names.join(' | ')} |`);
  console.log(`| --- | ---: | ${names.map(() => '---:').join(' | ')} |`);
  for (const [category, byName] of Object.entries(perCategory)) {
    const n = byName.asSent!.length;
    console.log(`| ${category} | ${n} | ${names.map((name) => (sum(byName[name]!) / n).toFixed(1)).join(' | ')} |`);
  }
  const n = perVariant.asSent!.length;
  console.log(`| all (mean) | ${n} | ${names.map((name) => (sum(perVariant[name]!) / n).toFixed(1)).join(' | ')} |`);
}

function analysisBreakdown(): void {
  const analyzer = createTextAnalyzer();
  const shape = corpusShape(100_000);
  const docs = [...generateChunk(11, shape), ...generateChunk(62, shape)];
  const sep = '\u2009';
  const steps: Record<string, (d: { title: string; body: string }) => unknown> = {
    'displayTokens(title)': (d) => analyzer.displayTokens(d.title, sep),
    'indexTokens(title)': (d) => analyzer.indexTokens(d.title),
    'displayTokens(body)': (d) => analyzer.displayTokens(d.body, sep),
    'indexTokens(body)': (d) => analyzer.indexTokens(d.body),
  };
  const suggest = (analyzer as unknown as { suggestInputs?: (title: string) => string[] }).suggestInputs;
  if (typeof suggest === 'function') steps['suggestInputs(title)'] = (d) => suggest.call(analyzer, d.title);
  // Warm-up, then time each step over all documents.
  for (const d of docs.slice(0, 200)) for (const f of Object.values(steps)) f(d);
  const chars = docs.reduce((s, d) => s + d.body.length, 0) / docs.length;
  console.log(`\nAnalysis per document (${docs.length} documents, bodies of ${chars.toFixed(0)} characters on average)`);
  console.log('| step | ms per document | share |');
  console.log('| --- | ---: | ---: |');
  const times: [string, number][] = [];
  for (const [name, f] of Object.entries(steps)) {
    const t = performance.now();
    for (const d of docs) f(d);
    times.push([name, (performance.now() - t) / docs.length]);
  }
  const total = times.reduce((s, [, v]) => s + v, 0);
  for (const [name, ms] of times) console.log(`| ${name} | ${ms.toFixed(3)} | ${((100 * ms) / total).toFixed(0)}% |`);
  console.log(`| total | ${total.toFixed(3)} | (${Math.round(1000 / total)} documents/s on one core) |`);
}

async function main(): Promise<void> {
  analysisBreakdown();
  await esBreakdown(process.argv[2] ?? latestQueriesFile());
}

main().catch((err: unknown) => {
  console.error(`cost-breakdown: ${(err as Error).message}`);
  process.exit(1);
});
