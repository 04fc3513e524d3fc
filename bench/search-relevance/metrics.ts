/**
 * Ranking metrics for graded relevance judgments. Pure functions: `ranked` is the list of
 * document keys the engine returned, best first; `grades` maps document keys to 0..3 (a key that
 * is not listed has grade 0).
 *
 * - nDCG@k: DCG = Σ_{i=1..k} (2^grade_i − 1) / log2(i + 1), divided by the DCG of the ideal
 *   ranking, i.e. all judged grades sorted from high to low (so documents the engine never returned
 *   still count in the ideal).
 * - Reciprocal rank: 1 / rank of the first result (within the first k) whose grade equals the
 *   query's highest grade — the document the user wants; 0 when none is in the first k.
 *   MRR is its mean over queries.
 * - Recall@k: the share of documents with grade ≥ 1 that appear in the first k.
 */
export type Grades = Readonly<Record<string, number>>;

const gradeOf = (grades: Grades, key: string): number => grades[key] ?? 0;
const gain = (grade: number): number => 2 ** grade - 1;

/** Discounted cumulative gain of a list of grades, first k positions. */
export function dcg(gradesInRankOrder: readonly number[], k: number): number {
  let sum = 0;
  gradesInRankOrder.slice(0, k).forEach((grade, i) => {
    sum += gain(grade) / Math.log2(i + 2);
  });
  return sum;
}

export function ndcgAtK(ranked: readonly string[], grades: Grades, k: number): number {
  const ideal = dcg(
    Object.values(grades)
      .filter((g) => g > 0)
      .sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return 0;
  return (
    dcg(
      unique(ranked).map((key) => gradeOf(grades, key)),
      k,
    ) / ideal
  );
}

export function reciprocalRank(ranked: readonly string[], grades: Grades, k: number): number {
  const highest = Math.max(0, ...Object.values(grades));
  if (highest === 0) return 0;
  const index = unique(ranked)
    .slice(0, k)
    .findIndex((key) => gradeOf(grades, key) === highest);
  return index < 0 ? 0 : 1 / (index + 1);
}

export function recallAtK(ranked: readonly string[], grades: Grades, k: number): number {
  const relevant = Object.keys(grades).filter((key) => gradeOf(grades, key) >= 1);
  if (relevant.length === 0) return 0;
  const top = new Set(unique(ranked).slice(0, k));
  return relevant.filter((key) => top.has(key)).length / relevant.length;
}

export interface QueryMetrics {
  ndcg10: number;
  mrr: number;
  recall10: number;
}

/** All three metrics at k = 10, the page size the benchmark asks for. */
export function queryMetrics(ranked: readonly string[], grades: Grades, k = 10): QueryMetrics {
  return { ndcg10: ndcgAtK(ranked, grades, k), mrr: reciprocalRank(ranked, grades, k), recall10: recallAtK(ranked, grades, k) };
}

/** Mean of each metric over a set of queries (every query weighs the same); zeros when empty. */
export function meanMetrics(all: readonly QueryMetrics[]): QueryMetrics {
  const mean = (pick: (m: QueryMetrics) => number) => (all.length === 0 ? 0 : all.reduce((s, m) => s + pick(m), 0) / all.length);
  return { ndcg10: mean((m) => m.ndcg10), mrr: mean((m) => m.mrr), recall10: mean((m) => m.recall10) };
}

// A key returned twice counts once, at its first position.
function unique(ranked: readonly string[]): string[] {
  return [...new Set(ranked)];
}
