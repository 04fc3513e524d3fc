/** The relevance metrics of bench/search-relevance against examples worked out by hand. */
import { dcg, meanMetrics, ndcgAtK, queryMetrics, recallAtK, reciprocalRank } from '../../../../bench/search-relevance/metrics';

// a is the document the user wants, b highly and c somewhat relevant; x and y are not judged.
const grades = { a: 3, b: 2, c: 1 };

describe('dcg', () => {
  test('sums (2^grade - 1) / log2(rank + 1) over the first k ranks', () => {
    // 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 1.892789 + 0.5
    expect(dcg([3, 2, 1], 10)).toBeCloseTo(9.392789, 5);
    expect(dcg([3, 2, 1], 1)).toBe(7);
    expect(dcg([0, 0, 3], 10)).toBeCloseTo(3.5, 10); // 7 / log2(4)
    expect(dcg([], 10)).toBe(0);
  });
});

describe('nDCG@k', () => {
  test('the ideal order scores 1', () => {
    expect(ndcgAtK(['a', 'b', 'c'], grades, 10)).toBe(1);
    expect(ndcgAtK(['a', 'b', 'c', 'x', 'y'], grades, 10)).toBe(1);
  });

  test('a worked example: b, x, a', () => {
    // DCG = 3/1 + 0 + 7/2 = 6.5; ideal = 9.392789 → 0.692020
    expect(ndcgAtK(['b', 'x', 'a'], grades, 10)).toBeCloseTo(0.69202, 5);
  });

  test('the cut-off applies to the ranking and to the ideal', () => {
    // k = 2: DCG = 3 + 0 = 3; ideal = 7 + 3/log2(3) = 8.892789 → 0.337352
    expect(ndcgAtK(['b', 'x', 'a'], grades, 2)).toBeCloseTo(0.337352, 5);
  });

  test('judged documents the engine never returned still count in the ideal', () => {
    // only a, at rank 1: 7 / 9.392789
    expect(ndcgAtK(['a'], grades, 10)).toBeCloseTo(0.745255, 5);
  });

  test('nothing relevant, nothing returned, or nothing judged scores 0', () => {
    expect(ndcgAtK(['x', 'y'], grades, 10)).toBe(0);
    expect(ndcgAtK([], grades, 10)).toBe(0);
    expect(ndcgAtK(['a'], {}, 10)).toBe(0);
  });

  test('a document returned twice counts once, at its first rank', () => {
    expect(ndcgAtK(['a', 'a', 'b', 'c'], grades, 10)).toBe(1);
  });
});

describe('reciprocal rank', () => {
  test('1 / rank of the first document with the query’s highest grade', () => {
    expect(reciprocalRank(['a', 'b'], grades, 10)).toBe(1);
    expect(reciprocalRank(['b', 'x', 'a'], grades, 10)).toBeCloseTo(1 / 3, 10);
  });

  test('documents of lower grades do not count', () => {
    expect(reciprocalRank(['b', 'c', 'x'], grades, 10)).toBe(0);
  });

  test('any of several top-graded documents counts', () => {
    expect(reciprocalRank(['x', 'q'], { p: 3, q: 3 }, 10)).toBe(0.5);
  });

  test('when the best grade of a query is 2, the first 2 counts', () => {
    expect(reciprocalRank(['x', 'y', 'm'], { m: 2, n: 1 }, 10)).toBeCloseTo(1 / 3, 10);
  });

  test('only the first k ranks count', () => {
    const ranked = ['x1', 'x2', 'x3', 'a'];
    expect(reciprocalRank(ranked, grades, 4)).toBe(0.25);
    expect(reciprocalRank(ranked, grades, 3)).toBe(0);
  });
});

describe('recall@k', () => {
  test('share of documents graded 1 or more found in the first k', () => {
    expect(recallAtK(['b', 'x', 'a'], grades, 10)).toBeCloseTo(2 / 3, 10);
    expect(recallAtK(['b', 'x', 'a'], grades, 2)).toBeCloseTo(1 / 3, 10);
    expect(recallAtK(['c', 'b', 'a'], grades, 10)).toBe(1);
    expect(recallAtK(['x'], grades, 10)).toBe(0);
  });
});

describe('per query and mean', () => {
  test('queryMetrics computes the three at k = 10', () => {
    const m = queryMetrics(['b', 'x', 'a'], grades);
    expect(m.ndcg10).toBeCloseTo(0.69202, 5);
    expect(m.mrr).toBeCloseTo(1 / 3, 10);
    expect(m.recall10).toBeCloseTo(2 / 3, 10);
  });

  test('meanMetrics weighs every query the same', () => {
    const mean = meanMetrics([
      { ndcg10: 1, mrr: 1, recall10: 1 },
      { ndcg10: 0.5, mrr: 0, recall10: 0.25 },
    ]);
    expect(mean).toEqual({ ndcg10: 0.75, mrr: 0.5, recall10: 0.625 });
    expect(meanMetrics([])).toEqual({ ndcg10: 0, mrr: 0, recall10: 0 });
  });
});
