/**
 * The relevance benchmark's corpus and judgments (bench/search-relevance) are consistent: enough
 * documents and queries of every kind, valid grades, and every judged key names a document.
 * No Elasticsearch needed.
 */
import { findDocNumber } from '@repo/text';
import { buildCorpus } from '../../../../bench/search-relevance/corpus';
import { judgmentProblems, loadJudgments, queryKinds } from '../../../../bench/search-relevance/judgments';

const corpus = buildCorpus();
const queries = loadJudgments();

test('the corpus has at least 300 documents, 50 of them written by hand, all valid and uniquely keyed', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(300);
  expect(corpus.filter((d) => d.source === 'hand').length).toBeGreaterThanOrEqual(50);
  expect(new Set(corpus.map((d) => d.key)).size).toBe(corpus.length);
});

test('at least 80 queries, at least 8 of each kind and more keyword and title-fragment ones', () => {
  expect(queries.length).toBeGreaterThanOrEqual(80);
  const count = (kind: string) => queries.filter((q) => q.kind === kind).length;
  for (const kind of queryKinds) expect(count(kind)).toBeGreaterThanOrEqual(8);
  expect(count('keyword')).toBeGreaterThan(12);
  expect(count('titleFragment')).toBeGreaterThan(12);
});

test('judgments are well formed and name documents of the corpus', () => {
  expect(judgmentProblems(queries, new Set(corpus.map((d) => d.key)))).toEqual([]);
});

test('the wanted document of every document-number query carries that number', () => {
  const byKey = new Map(corpus.map((d) => [d.key, d]));
  for (const q of queries.filter((q) => q.kind === 'docNumber')) {
    const typed = findDocNumber(q.query)?.match.normalized;
    const wanted = Object.entries(q.judgments)
      .filter(([, g]) => g === 3)
      .map(([key]) => byKey.get(key)?.fields.docNumber);
    expect([q.id, wanted]).toEqual([q.id, [typed]]);
  }
});
