/**
 * What people type, against the real Elasticsearch: abbreviations of bodies matched in the
 * issuing agency, agency + year and partial document numbers, pinyin mixed with characters,
 * typos of title words, question words, relaxation of queries nothing has all the words of,
 * traditional characters, completions from words inside titles, every document type faceted.
 */
import { Client } from '@elastic/elasticsearch';
import { cleanupNamespace, ensureStack, stackUrls, uniqueNamespace } from '@repo/testbed';
import { createTextAnalyzer } from '@repo/text';
import type { ContentDocument, DocumentFields } from '../../src/domain/document';
import { SearchIndex } from '../../src/store/search';

jest.setTimeout(60_000);

const namespace = uniqueNamespace('sq');
let client: Client;
let index: SearchIndex;

const base: DocumentFields = {
  kind: 'policy',
  title: '',
  docNumber: '',
  agency: '中共江川省委',
  docType: '通知',
  issuedAt: '2024-05-06',
  effectiveStatus: 'inForce',
  region: '全省',
  topics: ['组织建设'],
  body: '',
};

const documents: Record<string, Partial<DocumentFields>> = {
  disciplineNotice: {
    title: '关于三起违反中央八项规定精神典型问题的通报',
    agency: '中共江川省纪律检查委员会',
    docType: '通报',
    docNumber: '江纪发〔2024〕3号',
    issuedAt: '2024-02-01',
    body: '现将三起违反中央八项规定精神典型问题通报如下。某县某局原局长张某某违规收送礼品礼金。',
  },
  centralEducation: {
    title: '关于加强党员教育管理工作的意见',
    agency: '中共中央组织部',
    docType: '意见',
    docNumber: '中组发〔2019〕3号',
    issuedAt: '2019-03-01',
    region: '全国',
    body: '各级党组织要加强党员教育管理，严格组织生活。',
  },
  centralRecruiting: {
    title: '关于做好发展党员工作的通知',
    agency: '中共中央组织部',
    docNumber: '中组发〔2019〕8号',
    issuedAt: '2019-07-01',
    region: '全国',
    body: '坚持标准，保证质量，改善结构，慎重发展。',
  },
  centralLater: {
    title: '关于做好党员统计工作的通知',
    agency: '中共中央组织部',
    docNumber: '中组发〔2020〕1号',
    issuedAt: '2020-01-10',
    region: '全国',
    body: '认真做好年度党内统计。',
  },
  provincialWinter: {
    title: '关于开展党员冬训工作的通知',
    agency: '中共江川省委组织部',
    docNumber: '江组发〔2023〕11号',
    issuedAt: '2023-11-20',
    body: '各地要组织党员集中学习培训。',
  },
  powerList: {
    title: '关于推行权力清单制度的实施意见',
    agency: '中共江川省委办公厅',
    docType: '意见',
    docNumber: '江委办发〔2022〕4号',
    issuedAt: '2022-04-01',
    body: '全面推行权力清单、责任清单制度。',
  },
  disciplineRules: {
    title: '中国共产党纪律处分条例',
    agency: '中共中央',
    docType: '条例',
    docNumber: '',
    issuedAt: '2023-12-19',
    region: '全国',
    body: '第一条 为了维护党的章程和其他党内法规，严肃党的纪律，制定本条例。',
  },
  probation: {
    title: '关于做好预备党员按期转正工作的通知',
    agency: '中共江川省委组织部',
    docNumber: '江组发〔2024〕5号',
    body: '预备期满，党支部应当及时讨论其能否转为正式党员。',
  },
  retiredDues: {
    title: '关于离退休干部党员交纳党费有关问题的通知',
    agency: '中共江川省委组织部',
    docNumber: '江组发〔2021〕7号',
    issuedAt: '2021-06-01',
    body: '离退休干部党员以基本退休费为计算基数，按照规定的标准交纳党费。',
  },
  inspection: {
    title: '关于加强巡察整改和成果运用的意见',
    agency: '中共江川省委',
    docType: '意见',
    docNumber: '江委发〔2022〕9号',
    issuedAt: '2022-09-01',
    body: '被巡察党组织要落实整改主体责任。',
  },
  minutes: {
    title: '全省组织工作会议纪要',
    agency: '中共江川省委组织部',
    docType: '纪要',
    docNumber: '',
    issuedAt: '2024-01-15',
    body: '会议总结了全省组织工作。',
  },
  request: {
    title: '关于召开全省党建工作会议的请示',
    agency: '中共江川省委组织部',
    docType: '请示',
    docNumber: '',
    issuedAt: '2024-02-15',
    body: '拟于三月召开全省党建工作会议。',
  },
};

const ids = Object.fromEntries(Object.keys(documents).map((key, i) => [key, `sq-${String(i + 1).padStart(3, '0')}`]));
const keyOf = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]));

function toDocument(key: string, fields: Partial<DocumentFields>): ContentDocument {
  const now = '2026-01-01T00:00:00.000Z';
  return {
    ...base,
    ...fields,
    id: ids[key]!,
    status: 'published',
    orgPath: '/1/',
    createdBy: 'test',
    createdAt: now,
    updatedAt: now,
    history: [],
    revision: 1,
  };
}

const search = async (text: string, extra: Record<string, unknown> = {}) => index.queries.search({ text, page: 1, size: 10, ...extra });
const found = async (text: string) => (await search(text)).hits.map((h) => keyOf[h.id]);

beforeAll(async () => {
  await ensureStack(['elasticsearch']);
  client = new Client({ node: stackUrls().elasticsearchUrl });
  index = new SearchIndex({ client, analyzer: createTextAnalyzer(), prefix: `${namespace}-` });
  await index.lifecycle.ensure();
  await index.putMany(Object.entries(documents).map(([key, fields]) => toDocument(key, fields)));
  await index.count();
  await index.vocabulary.load();
});

afterAll(async () => {
  await cleanupNamespace(namespace);
  await client?.close();
});

describe('bodies by their short names, in the issuing agency', () => {
  test('纪委 通报 finds the notice of a 纪律检查委员会 whose text never says 纪委', async () => {
    expect((await found('纪委 通报'))[0]).toBe('disciplineNotice');
    expect((await found('省纪委 通报'))[0]).toBe('disciplineNotice');
  });

  test('中组部 finds the documents of 中共中央组织部', async () => {
    expect((await found('中组部')).sort()).toEqual(['centralEducation', 'centralLater', 'centralRecruiting']);
  });
});

describe('agency, year and partial document numbers', () => {
  test('an agency code and year finds that agency’s documents of the year', async () => {
    expect((await found('中组发〔2019〕')).sort()).toEqual(['centralEducation', 'centralRecruiting']);
    expect((await found('中组发2019 发展党员'))[0]).toBe('centralRecruiting');
  });

  test('agency + year + type finds the document of that year first', async () => {
    expect((await found('省委组织部 2023 通知'))[0]).toBe('provincialWinter');
  });
});

describe('pinyin, typos and traditional characters', () => {
  test('pinyin and initials mixed with characters are spelled out word by word', async () => {
    const result = await search('bxgd 通报');
    expect(result.searchedFor).toBe('八项规定 通报');
    expect(keyOf[result.hits[0]!.id]).toBe('disciplineNotice');
    expect((await search('quanliqingdan')).searchedFor).toBe('权力清单');
  });

  test('a homophone of a word that only a title has is corrected', async () => {
    const result = await search('权利清单');
    expect(result.searchedFor).toBe('权力清单');
    expect(keyOf[result.hits[0]!.id]).toBe('powerList');
    expect((await search('巡查整改')).searchedFor).toBe('巡察整改');
  });

  test('traditional characters find the simplified text', async () => {
    expect((await found('紀律處分條例'))[0]).toBe('disciplineRules');
  });
});

describe('questions and queries only some words of which match', () => {
  test('question words and particles need not match', async () => {
    const result = await search('预备党员多久可以转正');
    expect(keyOf[result.hits[0]!.id]).toBe('probation');
    expect(result.relaxed).toBeUndefined();
  });

  test('a query nothing has all the words of is relaxed, and says so', async () => {
    // Four words: three are asked for first, then two.
    const most = await search('退休 党费 补缴 滞纳金');
    expect(most.relaxed).toBe('most');
    expect(keyOf[most.hits[0]!.id]).toBe('retiredDues');
    const any = await search('巡察整改 火星探测 深海');
    expect(any.relaxed).toBe('any');
    expect(any.hits.map((h) => keyOf[h.id])).toEqual(['inspection']);
    expect((await search('火星探测 深海')).total).toBe(0);
  });
});

describe('completions and document types', () => {
  test('the start of a word inside a title suggests it, in characters and pinyin', async () => {
    const titles = async (q: string) => (await index.queries.suggest(q, 5)).map((s) => s.text);
    expect(await titles('处分条')).toContain('中国共产党纪律处分条例');
    expect(await titles('quanli')).toContain('关于推行权力清单制度的实施意见');
    expect(await titles('qlqd')).toContain('关于推行权力清单制度的实施意见');
    // A title typed from its start comes before one where the word is inside.
    expect((await titles('关于'))[0]?.startsWith('关于')).toBe(true);
  });

  test('纪要 and 请示 are faceted like every other type', async () => {
    const result = await search('全省');
    expect(result.facets.type).toEqual(
      expect.arrayContaining([
        { key: '纪要', count: 1 },
        { key: '请示', count: 1 },
      ]),
    );
    expect((await search('', { docType: '纪要' })).hits.map((h) => keyOf[h.id])).toEqual(['minutes']);
  });
});

describe('freshness', () => {
  test('refreshSoon makes what was just written searchable without waiting for the periodic refresh', async () => {
    // No periodic refresh at all: only the one asked for can make the document visible.
    await client.indices.putSettings({ index: index.alias, settings: { index: { refresh_interval: -1 } } });
    try {
      const fresh = {
        ...toDocument('minutes', { title: '关于开展青年理论学习小组活动的通知', body: '青年理论学习小组每月集中学习一次。' }),
        id: 'sq-fresh',
      };
      const hits = async () => (await search('青年理论学习小组')).hits.map((h) => h.id);
      await index.put(fresh);
      expect(await hits()).not.toContain('sq-fresh');
      index.refreshSoon();
      index.refreshSoon();
      await index.refreshed();
      expect((await hits())[0]).toBe('sq-fresh');
    } finally {
      // Back to Elasticsearch's default (the index is created without one); the client's types take no null.
      await client.indices.putSettings({ index: index.alias, settings: { index: { refresh_interval: '1s' } } });
    }
  });
});
