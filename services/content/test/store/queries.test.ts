/** How search requests are built and retried, against a stand-in Elasticsearch client (no cluster). */
import type { Client, estypes } from '@elastic/elasticsearch';
import { createTextAnalyzer } from '@repo/text';
import { defaultRanking } from '../../src/domain/ranking';
import { SearchQueries } from '../../src/store/search/queries';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const analyzer = createTextAnalyzer();

/** A client that answers each search with the next of `totals` (the last repeats) and records the requests. */
function fakeClient(totals: number[]) {
  const requests: estypes.SearchRequest[] = [];
  const client = {
    search: async (request: estypes.SearchRequest) => {
      requests.push(request);
      const total = totals[Math.min(requests.length - 1, totals.length - 1)]!;
      const hits = Array.from({ length: Math.min(total, 1) }, () => ({
        _id: 'd1',
        _score: 1,
        _source: {
          id: 'd1',
          kind: 'policy',
          title: '标题',
          docNumber: '',
          agency: '',
          docType: '通知',
          effectiveStatus: 'inForce',
          issuedAt: '2024-01-01',
        },
      }));
      return { hits: { total: { value: total }, hits }, aggregations: {} };
    },
  };
  return { client: client as unknown as Client, requests };
}

/** The word groups of a request: the bool that carries minimum_should_match over them. */
function wordGroups(request: estypes.SearchRequest): Json {
  const text = (request.query as Json).function_score.query.function_score.query.bool;
  const must = text.must[0];
  return must.bool.minimum_should_match !== undefined && !must.bool.should.some((c: Json) => c.terms || c.constant_score)
    ? must.bool
    : must.bool.should[0].bool;
}

const queries = (totals: number[]) => {
  const fake = fakeClient(totals);
  return { ...fake, search: new SearchQueries(fake.client, 'docs', analyzer, defaultRanking) };
};

test('a query that finds documents is sent once, requiring (nearly) all of its words', async () => {
  const { search, requests } = queries([5]);
  const result = await search.search({ text: '党员 教育 管理 办法', page: 1, size: 10 });
  expect(requests).toHaveLength(1);
  expect(result.relaxed).toBeUndefined();
  const groups = wordGroups(requests[0]!);
  expect(groups.should).toHaveLength(4);
  expect(groups.minimum_should_match).toBe(3);
  const two = wordGroups(queries([5]).search.buildRequest({ text: '纪委 通报', page: 1, size: 10 }));
  expect(two.minimum_should_match).toBe(2);
});

test('a query that finds nothing is relaxed to most of its words, then to any one, and says so', async () => {
  const { search, requests } = queries([0, 0, 3]);
  const result = await search.search({ text: '退休 党费 补缴 滞纳金', page: 1, size: 10 });
  expect(requests.map((r) => wordGroups(r).minimum_should_match)).toEqual([3, 2, 1]);
  expect(result.relaxed).toBe('any');
  const most = queries([0, 2]);
  expect((await most.search.search({ text: '退休 党费 补缴 滞纳金', page: 1, size: 10 })).relaxed).toBe('most');
  expect(most.requests).toHaveLength(2);
});

test('a one-word query is not relaxed, and nothing found stays nothing found', async () => {
  const { search, requests } = queries([0]);
  const result = await search.search({ text: '火星', page: 1, size: 10 });
  expect(requests).toHaveLength(1);
  expect(result.total).toBe(0);
  expect(result.relaxed).toBeUndefined();
});

test('question words are scored when present but never required', () => {
  const { search } = queries([1]);
  const request = search.buildRequest({ text: '预备党员多久可以转正', page: 1, size: 10 });
  const groups = wordGroups(request);
  expect(groups.should).toHaveLength(2);
  expect(JSON.stringify(groups)).not.toContain('多久');
  const should = (request.query as Json).function_score.query.function_score.query.bool.should;
  expect(JSON.stringify(should)).toContain('多久');
});

test('a year and an agency code typed also match the document’s year and code', () => {
  const { search } = queries([1]);
  const body = JSON.stringify(search.buildRequest({ text: '江组发 2023 通知', page: 1, size: 10 }));
  expect(body).toContain('{"term":{"year":2023}}');
  expect(body).toContain('{"term":{"docAgencyCode":"江组发"}}');
});

test('a partial document number matches its agency code and year', () => {
  const { search } = queries([1]);
  const body = JSON.stringify(search.buildRequest({ text: '中组发〔2019〕', page: 1, size: 10 }));
  expect(body).toContain('{"bool":{"filter":[{"term":{"docAgencyCode":"中组发"}},{"term":{"year":2019}}]}}');
});

test('abbreviations are searched in the agency too, a phrasing of several words as all of them', () => {
  const { search } = queries([1]);
  const body = JSON.stringify(search.buildRequest({ text: '省纪委', page: 1, size: 10 }));
  expect(body).toContain('"agencyText^2"');
  expect(body).toContain('{"match":{"agencyText":{"query":"省 纪律检查委员会","operator":"and"');
});

test('a document type typed also matches the document’s type; a year in the text counts for less than the year of the document', () => {
  const { search } = queries([1]);
  const body = JSON.stringify(search.buildRequest({ text: '省委组织部 2023 工作方案', page: 1, size: 10 }));
  expect(body).toContain('{"term":{"docType":"方案"}}');
  expect(body).toMatch(/"query":"2023","fields":\[[^\]]*\],"type":"best_fields","operator":"and","tie_breaker":0.3,"boost":0.3/);
});

test('a sure correction wins even when the typed words found documents', async () => {
  const { search, requests } = queries([5, 1]);
  const result = await search.search({ text: '驻村第一书计', page: 1, size: 10 });
  expect(requests).toHaveLength(2);
  expect(result.searchedFor).toBe('驻村第一书记');
});
