/**
 * Smart search through REST against the real content service and Elasticsearch: synonyms,
 * pinyin, traditional characters, typos, ranking rules, facets, suggestions, related
 * documents, search within results, and a reindex that never interrupts searching.
 */
import { rebuildSearchIndex } from '@repo/content/reindex';
import { createLogger } from '@repo/logging';
import { waitFor } from '@repo/testbed';
import { editor, httpCaller, policyBody, publish, startPlatform, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
let call: ReturnType<typeof httpCaller>;
const ids: Record<string, string> = {};

const get = async (url: string): Promise<Json> => (await call('GET', url)).body;
const search = (params: Record<string, string | string[]>) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
  return get(`/api/v1/search/documents?${query}`);
};
const titles = (result: Json): string[] => result.hits.map((h: Json) => h.title);

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['content'] });
  call = httpCaller(platform);
  const docs: Record<string, Record<string, unknown>> = {
    discipline: {
      title: '江川省纪律检查委员会关于加强作风建设的意见',
      agency: '中共江川省纪律检查委员会',
      docType: '意见',
      docNumber: '江纪发〔2023〕5号',
      issuedAt: '2023-06-01',
      region: '全省',
      topics: ['纪律监督'],
      body: '各级纪检监察机关要持之以恒正风肃纪，坚决纠治四风。',
    },
    meetingsOld: {
      title: '江川省党支部三会一课实施办法',
      docType: '办法',
      docNumber: '江组发〔2016〕2号',
      issuedAt: '2016-03-01',
      effectiveStatus: 'repealed',
      region: '临江市',
      topics: ['三会一课'],
      body: '第一条 为规范党支部三会一课制度，制定本办法。',
    },
    meetingsNew: {
      title: '江川省党支部三会一课实施办法（2022年修订）',
      docType: '办法',
      docNumber: '江组发〔2022〕3号',
      issuedAt: '2022-03-01',
      region: '全省',
      topics: ['三会一课'],
      body: '第一条 为规范党支部三会一课制度，制定本办法。',
    },
    integrity: {
      title: '关于落实党风廉政建设责任制的规定',
      docType: '规定',
      docNumber: '江委发〔2021〕9号',
      issuedAt: '2021-05-10',
      region: '全省',
      topics: ['党风廉政建设'],
      body: '各级党委（党组）对本地区本部门党风廉政建设负主体责任。',
    },
    bodyOnly: {
      title: '关于做好年度考核工作的通知',
      docType: '通知',
      docNumber: '江组发〔2024〕1号',
      issuedAt: '2024-11-01',
      region: '青州市',
      topics: ['干部教育培训'],
      body: '考核内容包括落实党风廉政建设责任制情况。',
    },
    eightRules: {
      title: '关于深入贯彻落实中央八项规定精神的通知',
      agency: '中共江川省委',
      docType: '通知',
      docNumber: '江委发〔2024〕2号',
      issuedAt: '2024-01-05',
      region: '全省',
      topics: ['作风建设'],
      body: '严格落实中央八项规定精神，坚决防止违规吃喝、公车私用等问题反弹回潮。',
    },
    eightRulesCase: {
      title: '关于三起违反中央八项规定精神典型问题的通报',
      agency: '中共江川省纪律检查委员会',
      docType: '通报',
      docNumber: '江纪发〔2024〕3号',
      issuedAt: '2024-02-01',
      region: '全省',
      topics: ['纪律监督', '作风建设'],
      body: '某县某局原局长张某某违规收送礼品礼金问题。某镇党委书记李某某公车私用问题。严格落实中央八项规定精神。',
    },
  };
  for (const [key, overrides] of Object.entries(docs)) ids[key] = (await publish(call, overrides)).id;
  await waitFor(async () => (await search({ size: '50' })).total >= Object.keys(docs).length, {
    timeoutMs: 15_000,
    what: 'all documents indexed',
  });
});

afterAll(async () => {
  await platform?.stop();
});

test('an abbreviation finds the full name (synonyms at query time)', async () => {
  const result = await search({ q: '纪委' });
  expect(result.hits[0].id).toBe(ids.discipline);
});

test('pinyin, traditional characters and a homophone typo find the same documents', async () => {
  const plain = titles(await search({ q: '党风廉政建设' }));
  expect(plain[0]).toBe('关于落实党风廉政建设责任制的规定');
  expect(titles(await search({ q: '黨風廉政建設' }))).toEqual(plain);
  const typed = await search({ q: '党凤廉政建设' });
  expect(typed.searchedFor).toBe('党风廉政建设');
  expect(titles(typed)).toEqual(plain);
  const pinyin = await search({ q: 'sanhuiyike' });
  expect(pinyin.searchedFor).toBe('三会一课');
  expect(pinyin.hits.map((h: Json) => h.id)).toEqual(expect.arrayContaining([ids.meetingsOld, ids.meetingsNew]));
});

test('title matches rank above body matches, and in-force above repealed', async () => {
  const integrity = await search({ q: '党风廉政建设责任制' });
  expect(integrity.hits.map((h: Json) => h.id).slice(0, 2)).toEqual([ids.integrity, ids.bodyOnly]);
  const meetings = await search({ q: '三会一课实施办法' });
  expect(meetings.hits.slice(0, 2).map((h: Json) => [h.id, h.status])).toEqual([
    [ids.meetingsNew, 'inForce'],
    [ids.meetingsOld, 'repealed'],
  ]);
});

test('filters by year of the document number, region and topic, with facets; sort by date; search within results', async () => {
  const eight = await search({ q: '八项规定' });
  expect(eight.total).toBe(2);
  expect(eight.facets.topic).toEqual(expect.arrayContaining([{ key: '作风建设', count: 2 }]));
  expect(titles(await search({ q: '三会一课', year: '2016' }))).toEqual(['江川省党支部三会一课实施办法']);
  expect(titles(await search({ q: '三会一课', region: '临江市' }))).toEqual(['江川省党支部三会一课实施办法']);
  expect((await search({ q: '八项规定', topic: '纪律监督' })).hits.map((h: Json) => h.id)).toEqual([ids.eightRulesCase]);
  const byDate = await search({ sort: 'date', size: '3' });
  expect(byDate.hits.map((h: Json) => h.issuedAt)).toEqual([...byDate.hits.map((h: Json) => h.issuedAt)].sort().reverse());
  const within = await search({ q: '公车私用', within: ['八项规定'] });
  expect(within.hits.map((h: Json) => h.id).sort()).toEqual([ids.eightRules, ids.eightRulesCase].sort());
  expect((await search({ q: '公车私用', within: ['八项规定', '典型问题'] })).hits.map((h: Json) => h.id)).toEqual([ids.eightRulesCase]);
});

test('every 文种 is accepted; a query nothing has all the words of says it was relaxed', async () => {
  for (const docType of ['公报', '通告', '请示', '纪要', '规则']) {
    const created = await call(
      'POST',
      '/api/v1/documents',
      editor,
      policyBody({ title: `全省党建工作${docType}`, docType, docNumber: '' }),
    );
    expect(created.status).toBe(201);
  }
  const strict = await search({ q: '纪委 作风建设' });
  expect(strict.relaxed).toBeUndefined();
  expect(strict.hits[0].id).toBe(ids.discipline);
  const relaxed = await search({ q: '作风建设 火星 深海' });
  expect(relaxed.relaxed).toBe('any');
  expect(relaxed.hits.map((h: Json) => h.id)).toContain(ids.discipline);
});

test('suggestions as you type: characters, full pinyin and initials', async () => {
  const initials = await get('/api/v1/search/suggest?q=bxgd');
  expect(initials.suggestions[0]).toEqual({ text: '八项规定' });
  expect(initials.suggestions.map((s: Json) => s.id)).toEqual(expect.arrayContaining([ids.eightRules]));
  const chars = await get(`/api/v1/search/suggest?q=${encodeURIComponent('关于深入')}`);
  expect(chars.suggestions).toEqual([
    { text: '关于深入贯彻落实中央八项规定精神的通知', id: ids.eightRules, docNumber: '江委发〔2024〕2号' },
  ]);
  const full = await get('/api/v1/search/suggest?q=guanyushenru');
  expect(full.suggestions.map((s: Json) => s.id)).toContain(ids.eightRules);
  expect((await get('/api/v1/search/suggest?q=jiangchuan&size=3')).suggestions.length).toBeLessThanOrEqual(3);
  expect((await call('GET', '/api/v1/search/suggest?q=a&size=11')).status).toBe(400);
});

test('related documents: alike by their words, never the document itself', async () => {
  const related = await get(`/api/v1/documents/${ids.eightRules}/related`);
  expect(related.hits[0].id).toBe(ids.eightRulesCase);
  expect(related.hits.map((h: Json) => h.id)).not.toContain(ids.eightRules);
  expect((await call('GET', '/api/v1/documents/00000000-0000-4000-8000-000000000000/related')).status).toBe(404);
});

test('a reindex builds a new index and moves the alias while searches keep answering', async () => {
  const before = await platform.content.search.lifecycle.current();
  let searching = true;
  let answered = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (searching) {
      const result = await search({ q: '八项规定' });
      if (result.total === 2) answered += 1;
      else failures.push(JSON.stringify(result).slice(0, 200));
    }
  })();
  const { index, indexed } = await rebuildSearchIndex(
    platform.content.documents,
    platform.content.search,
    createLogger('reindex-test', 'silent'),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  searching = false;
  await loop;
  expect(failures).toEqual([]);
  expect(answered).toBeGreaterThan(0);
  expect(indexed).toBe(Object.keys(ids).length);
  expect((await platform.content.search.lifecycle.current())?.index).toBe(index);
  expect(index).not.toBe(before?.index);
  expect(titles(await search({ q: '纪委' }))[0]).toBe('江川省纪律检查委员会关于加强作风建设的意见');
});
