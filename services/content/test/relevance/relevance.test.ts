/**
 * Search relevance against the real Elasticsearch of the local stack: the judged queries of
 * bench/search-relevance must keep overall nDCG@10 within 0.02 of the recorded baseline, each
 * kind's within 0.05, and no more queries may find nothing than the baseline's.
 * After a ranking change that moves the figures, run
 *   npx tsx bench/search-relevance/run.ts --record
 * and commit baseline.json with the change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStack, stackUrls } from '@repo/testbed';
import { runBenchmark, type BenchmarkResult } from '../../../../bench/search-relevance/harness';
import { queryKinds } from '../../../../bench/search-relevance/judgments';

const benchDir = join(__dirname, '../../../../bench/search-relevance');

jest.setTimeout(120_000);

const TOLERANCE = 0.02;
// A kind has 7 to 23 queries: one query moves its mean by far more than it moves the overall one.
const KIND_TOLERANCE = 0.05;

interface Baseline {
  ndcg10: number;
  mrr: number;
  recall10: number;
  empty: number;
  perKind: Record<string, { ndcg10: number }>;
}

const baseline = JSON.parse(readFileSync(join(benchDir, 'baseline.json'), 'utf8')) as Baseline;

function summary(result: BenchmarkResult): string {
  const kinds = queryKinds.map(
    (kind) => `${kind} ${result.perKind[kind]?.ndcg10.toFixed(3) ?? '-'} (baseline ${baseline.perKind[kind]?.ndcg10.toFixed(3) ?? '-'})`,
  );
  const worst = [...result.results]
    .sort((a, b) => a.ndcg10 - b.ndcg10)
    .slice(0, 5)
    .map((r) => `${r.id} "${r.query}" ${r.ndcg10.toFixed(3)}`);
  return `nDCG@10 per kind: ${kinds.join(', ')}; worst queries: ${worst.join(', ')}`;
}

describe('search relevance (bench/search-relevance)', () => {
  let result: BenchmarkResult;

  beforeAll(async () => {
    await ensureStack(['elasticsearch']);
    result = await runBenchmark({ node: stackUrls().elasticsearchUrl });
  });

  test(`overall nDCG@10 is at most ${TOLERANCE} below the recorded baseline`, () => {
    const floor = baseline.ndcg10 - TOLERANCE;
    if (result.overall.ndcg10 < floor) {
      throw new Error(
        `overall nDCG@10 ${result.overall.ndcg10.toFixed(4)} < ${floor.toFixed(4)} (baseline ${baseline.ndcg10} - ${TOLERANCE}). ${summary(result)}`,
      );
    }
    expect(result.overall.ndcg10).toBeGreaterThanOrEqual(floor);
  });

  test(`no kind's nDCG@10 is more than ${KIND_TOLERANCE} below its baseline`, () => {
    const fallen = queryKinds.filter((kind) => result.perKind[kind].ndcg10 < (baseline.perKind[kind]?.ndcg10 ?? 0) - KIND_TOLERANCE);
    if (fallen.length > 0) throw new Error(`below the baseline: ${fallen.join(', ')}. ${summary(result)}`);
    expect(fallen).toEqual([]);
  });

  test('no more queries find nothing than in the baseline', () => {
    const empty = result.results.filter((r) => r.total === 0).map((r) => `${r.id} "${r.query}"`);
    expect(empty.length <= baseline.empty ? [] : empty).toEqual([]);
  });
});
