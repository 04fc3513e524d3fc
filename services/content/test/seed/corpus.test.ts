import {
  ARTICLE_DOC_TYPES,
  EFFECTIVE_STATUSES,
  LIMITS,
  POLICY_DOC_TYPES,
  TOPICS,
  generateCorpus,
  type SeedDocument,
} from '../../seed/corpus';
import { CITIES } from '../../seed/geography';
import { chineseNumeral } from '../../seed/numerals';

// opencc-js publishes ESM-only typings; this CommonJS test loads its UMD build instead.
const OpenCC = require('opencc-js') as { Converter(options: { from: string; to: string }): (text: string) => string };

const DOC_NUMBER = /^[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号$/;
const RULE_TYPES = ['办法', '规定', '条例', '细则', '准则'];

const corpus = generateCorpus();
const policies = corpus.filter((doc) => doc.kind === 'policy');
const articles = corpus.filter((doc) => doc.kind === 'article');

function parseDocNumber(docNumber: string): { code: string; year: number; serial: number } {
  const match = /^(.+)〔(\d{4})〕(\d+)号$/.exec(docNumber);
  if (!match) throw new Error(`not a document number: ${docNumber}`);
  return { code: match[1] as string, year: Number(match[2]), serial: Number(match[3]) };
}

function isValidIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const ALLOWED_REGIONS = new Set<string>([
  '全国',
  '全省',
  ...CITIES.flatMap((city) => [city.name, ...city.counties.map((c) => `${city.name}${c.name}`)]),
]);

describe('generateCorpus defaults', () => {
  it('produces 170 policies and 80 articles', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(250);
    expect(policies.length).toBeGreaterThanOrEqual(170);
    expect(policies).toHaveLength(170);
    expect(articles).toHaveLength(80);
  });

  it('is deterministic for the same options and varies with the seed', () => {
    expect(generateCorpus()).toEqual(corpus);
    expect(generateCorpus({ seed: 7, policies: 20, articles: 5 })).toEqual(generateCorpus({ seed: 7, policies: 20, articles: 5 }));
    const titles = (docs: SeedDocument[]): string[] => docs.map((doc) => doc.title);
    expect(titles(generateCorpus({ seed: 8 }))).not.toEqual(titles(corpus));
  });

  it('has unique titles across policies and articles', () => {
    const titles = corpus.map((doc) => doc.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('document numbers', () => {
  it('are unique, well formed and carry the issue year', () => {
    const numbers = policies.map((doc) => doc.docNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const doc of policies) {
      expect(doc.docNumber).toMatch(DOC_NUMBER);
      expect(parseDocNumber(doc.docNumber).year).toBe(Number(doc.issuedAt.slice(0, 4)));
    }
  });

  it('are empty for articles', () => {
    for (const doc of articles) expect(doc.docNumber).toBe('');
  });

  it('grow with the issue date within each code and year', () => {
    const groups = new Map<string, SeedDocument[]>();
    for (const doc of policies) {
      const { code, year } = parseDocNumber(doc.docNumber);
      const key = `${code}|${year}`;
      groups.set(key, [...(groups.get(key) ?? []), doc]);
    }
    for (const group of groups.values()) {
      const ordered = [...group].sort((a, b) => parseDocNumber(a.docNumber).serial - parseDocNumber(b.docNumber).serial);
      for (let i = 1; i < ordered.length; i++) {
        expect((ordered[i] as SeedDocument).issuedAt >= (ordered[i - 1] as SeedDocument).issuedAt).toBe(true);
      }
    }
  });
});

describe('field limits and vocabularies', () => {
  it.each(corpus.map((doc) => [doc.title, doc] as const))('%s', (_title, doc) => {
    expect(doc.title.length).toBeGreaterThan(0);
    expect(doc.title.length).toBeLessThanOrEqual(LIMITS.titleMaxChars);
    expect(doc.agency.length).toBeGreaterThan(0);
    expect(ALLOWED_REGIONS.has(doc.region)).toBe(true);
    expect(isValidIsoDate(doc.issuedAt)).toBe(true);
    expect(doc.issuedAt >= LIMITS.firstDay && doc.issuedAt <= LIMITS.lastDay).toBe(true);
    expect(doc.body.length).toBeGreaterThanOrEqual(LIMITS.bodyMinChars);
    expect(doc.body.length).toBeLessThanOrEqual(LIMITS.bodyMaxChars);
    expect(EFFECTIVE_STATUSES).toContain(doc.effectiveStatus);
    expect(doc.topics.length).toBeGreaterThanOrEqual(1);
    expect(doc.topics.length).toBeLessThanOrEqual(LIMITS.maxTopics);
    expect(new Set(doc.topics).size).toBe(doc.topics.length);
    for (const topic of doc.topics) expect(TOPICS as readonly string[]).toContain(topic);
    if (doc.kind === 'policy') {
      expect(POLICY_DOC_TYPES as readonly string[]).toContain(doc.docType);
    } else {
      expect(ARTICLE_DOC_TYPES as readonly string[]).toContain(doc.docType);
      expect(doc.effectiveStatus).toBe('inForce');
      expect(doc.region).not.toBe('全国');
    }
  });

  it('spreads issue dates over every year from 2015 to 2026', () => {
    const years = new Set(corpus.map((doc) => Number(doc.issuedAt.slice(0, 4))));
    for (let year = 2015; year <= 2026; year++) expect(years.has(year)).toBe(true);
  });

  it('uses a broad mix of document types and topics', () => {
    expect(new Set(policies.map((doc) => doc.docType)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(articles.map((doc) => doc.docType))).toEqual(new Set(ARTICLE_DOC_TYPES));
    expect(new Set(corpus.flatMap((doc) => doc.topics)).size).toBe(TOPICS.length);
  });
});

describe('effective status', () => {
  it('keeps most policies in force, with some older ones amended or repealed', () => {
    const inForce = policies.filter((doc) => doc.effectiveStatus === 'inForce').length;
    expect(inForce / policies.length).toBeGreaterThan(0.75);
    expect(policies.some((doc) => doc.effectiveStatus === 'amended')).toBe(true);
    expect(policies.some((doc) => doc.effectiveStatus === 'repealed')).toBe(true);
    for (const doc of policies.filter((d) => d.effectiveStatus !== 'inForce')) {
      expect(doc.issuedAt < '2021-01-01').toBe(true);
    }
  });

  it('notes the later corpus document that amended or repealed a policy', () => {
    const byNumber = new Map(policies.map((doc) => [doc.docNumber, doc]));
    for (const doc of policies.filter((d) => d.effectiveStatus !== 'inForce')) {
      const note = doc.body.split('\n\n').at(-1) ?? '';
      expect(note).toMatch(/^（注：.*(废止|修改).*）$/);
      const cited = /（([^（）]+〔\d{4}〕\d+号)）/.exec(note)?.[1];
      const successor = cited ? byNumber.get(cited) : undefined;
      expect(successor).toBeDefined();
      expect((successor as SeedDocument).issuedAt > doc.issuedAt).toBe(true);
    }
  });
});

describe('bodies', () => {
  it('consist of several non-empty paragraphs with no unfilled placeholders', () => {
    for (const doc of corpus) {
      const paragraphs = doc.body.split('\n\n');
      expect(paragraphs.length).toBeGreaterThanOrEqual(4);
      for (const paragraph of paragraphs) expect(paragraph.trim().length).toBeGreaterThan(0);
      expect(doc.body).not.toMatch(/[{}]|undefined|NaN|\n{3,}/);
      expect(doc.title).not.toMatch(/[{}]|undefined|NaN|工作工作/);
    }
  });

  it('write rules article by article and sign normative documents', () => {
    for (const doc of policies.filter((d) => RULE_TYPES.includes(d.docType))) {
      expect(doc.body).toContain(`第${chineseNumeral(1)}条`);
      expect(doc.body).toContain(`第${chineseNumeral(5)}条`);
      expect(doc.body).toMatch(/自.+起施行/);
    }
    for (const doc of policies.filter((d) => d.docType !== '讲话')) {
      expect(doc.body).toContain(doc.agency);
    }
  });

  it('list three to six invented cases in disciplinary bulletins', () => {
    const bulletins = policies.filter((d) => d.docType === '通报' && d.agency.includes('纪律检查委员会'));
    expect(bulletins.length).toBeGreaterThan(0);
    for (const doc of bulletins) {
      const cases = doc.body.split('\n\n').filter((p) => /^\d\./.test(p));
      expect(cases.length).toBeGreaterThanOrEqual(3);
      expect(cases.length).toBeLessThanOrEqual(6);
      for (const paragraph of cases) expect(paragraph).toMatch(/[\u4e00-\u9fa5]某/);
    }
  });

  it('cite other corpus documents by exact title and number', () => {
    const byNumber = new Map(policies.map((doc) => [doc.docNumber, doc]));
    const citation = /《([^《》]+)》（([\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号)[）,，]/g;
    let citing = 0;
    for (const doc of corpus) {
      let found = false;
      for (const [, citedTitle, number] of doc.body.matchAll(citation)) {
        if ((citedTitle as string).endsWith('请示')) continue;
        const cited = byNumber.get(number as string);
        expect(cited).toBeDefined();
        expect((citedTitle as string).replace(/〈/g, '《').replace(/〉/g, '》')).toBe(cited?.title);
        if (cited !== doc) found = true;
      }
      if (found) citing++;
    }
    expect(citing).toBeGreaterThanOrEqual(25);
  });

  it('stay in simplified Chinese', () => {
    const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
    for (const doc of corpus) {
      expect(toSimplified(doc.title)).toBe(doc.title);
      expect(toSimplified(doc.body)).toBe(doc.body);
    }
  });
});

describe('custom counts', () => {
  it('honours small and large counts', () => {
    const small = generateCorpus({ policies: 12, articles: 5, seed: 3 });
    expect(small.filter((d) => d.kind === 'policy')).toHaveLength(12);
    expect(small.filter((d) => d.kind === 'article')).toHaveLength(5);

    const large = generateCorpus({ policies: 400, articles: 150 });
    expect(large.filter((d) => d.kind === 'policy')).toHaveLength(400);
    expect(large.filter((d) => d.kind === 'article')).toHaveLength(150);
    expect(new Set(large.map((d) => d.title)).size).toBe(large.length);
    const numbers = large.filter((d) => d.kind === 'policy').map((d) => d.docNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const doc of large) {
      expect(doc.body.length).toBeGreaterThanOrEqual(LIMITS.bodyMinChars);
      expect(doc.body.length).toBeLessThanOrEqual(LIMITS.bodyMaxChars);
    }
  });

  it('allows empty halves', () => {
    expect(generateCorpus({ policies: 0, articles: 0 })).toEqual([]);
    expect(generateCorpus({ policies: 0, articles: 3 }).every((d) => d.kind === 'article')).toBe(true);
    expect(generateCorpus({ policies: 4, articles: 0 }).every((d) => d.kind === 'policy')).toBe(true);
  });
});
