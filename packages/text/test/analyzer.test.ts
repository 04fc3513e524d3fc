import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTextAnalyzer, defaultDictDir, parseUserTerms, type TextAnalyzer } from '../src';

const dictDir = join(__dirname, '../dict');
const termsPath = join(dictDir, 'party-terms.txt');

let analyzer: TextAnalyzer;

beforeAll(() => {
  analyzer = createTextAnalyzer();
});

describe('default dictionaries', () => {
  it('finds packages/text/dict from the source tree', () => {
    expect(defaultDictDir()).toBe(dictDir);
    expect(analyzer.termsPath).toBe(termsPath);
    expect(analyzer.synonymsPath).toBe(join(dictDir, 'synonyms.txt'));
  });

  it('finds it from the compiled tree too, which sits as deep under dist/', () => {
    expect(defaultDictDir(join(dictDir, '../dist'))).toBe(dictDir);
  });

  it('stops at the package root instead of wandering into other packages', () => {
    expect(() => defaultDictDir(join(dictDir, '../../access/src'))).toThrow(/No dict\/party-terms.txt/);
  });
});

describe('queryTokens', () => {
  it.each(['三会一课', '八项规定', '两学一做', '主题教育', '中央八项规定精神', '全面从严治党', '组织关系转接', '违规收送礼品礼金'])(
    'keeps %s whole in a sentence',
    (term) => {
      expect(analyzer.queryTokens(`各级党组织要认真落实${term}的要求`)).toContain(term);
    },
  );

  it('keeps every term of dict/party-terms.txt whole', () => {
    const terms = parseUserTerms(readFileSync(termsPath, 'utf8'), termsPath).map((term) => term.word);
    expect(terms.length).toBeGreaterThanOrEqual(150);
    const split = terms.filter((term) => analyzer.queryTokens(term).join(' ') !== term);
    expect(split).toEqual([]);
  });

  it('does not let a dictionary term steal from its neighbours', () => {
    expect(analyzer.queryTokens('召开党小组会议')).toEqual(['召开', '党小组', '会议']);
    expect(analyzer.queryTokens('其中办理事项')).toEqual(['其中', '办理', '事项']);
  });

  it('drops punctuation and whitespace', () => {
    expect(analyzer.queryTokens('三会一课、两学一做，“主题教育”！ (2021) ')).toEqual(['三会一课', '两学一做', '主题教育', '2021']);
  });

  it('folds before segmenting, so traditional and full-width queries find the same words', () => {
    expect(analyzer.queryTokens('黨風廉政建設 ＣＯＶＩＤ-１９')).toEqual(['党风廉政建设', 'covid-19']);
  });
});

describe('indexTokens', () => {
  it('adds the dictionary words inside a compound before the compound itself', () => {
    expect(analyzer.indexTokens('党风廉政建设').split(' ')).toEqual(['党风', '党风廉政', '廉政', '廉政建设', '建设', '党风廉政建设']);
  });

  it('includes nested dictionary terms, which jieba cutForSearch misses beyond three characters', () => {
    expect(analyzer.indexTokens('中央八项规定精神').split(' ')).toEqual(
      expect.arrayContaining(['中央', '八项规定', '规定', '精神', '中央八项规定精神']),
    );
  });

  it('keeps Latin and digits lowercased and drops punctuation', () => {
    expect(analyzer.indexTokens('学习强国App，2021年！')).toBe('学习 强国 学习强国 app 2021 年');
  });

  it('contains every query token of the same text', () => {
    const text = '中共中央办公厅印发《关于加强党风廉政建设的意见》，要求严格落实三会一课制度和中央八项规定精神。';
    const indexed = new Set(analyzer.indexTokens(text).split(' '));
    const query = '党风廉政 廉政建设 八项规定 三会一课 中央办公厅';
    expect(analyzer.queryTokens(query).filter((token) => !indexed.has(token))).toEqual([]);
  });
});

describe('displayTokens', () => {
  const separator = '\u2009';

  it('gives the original text back when the separators are removed', () => {
    const text = '關於加強黨風廉政建設的意見（ＡＢＣ）\r\n第一條  总则\t三会一课。';
    expect(analyzer.displayTokens(text, separator).split(separator).join('')).toBe(text);
  });

  it('splits where queries split, even in traditional text', () => {
    expect(analyzer.displayTokens('加强黨風廉政建設，落实三会一课', '|')).toBe('加强|黨風廉政建設|，|落实|三会一课');
  });
});

describe('expandQuery', () => {
  it('returns the query tokens with no alternatives when nothing matches', () => {
    expect(analyzer.expandQuery('乡村振兴')).toEqual({ tokens: ['乡村振兴'], alternatives: [], spans: [] });
  });

  it('expands an abbreviation to its full name and back', () => {
    expect(analyzer.expandQuery('纪委').alternatives).toEqual([['纪律检查委员会']]);
    expect(analyzer.expandQuery('纪律检查委员会').alternatives).toEqual([['纪委']]);
    expect(analyzer.expandQuery('两学一做').alternatives).toEqual([['学党章党规学系列讲话做合格党员']]);
  });

  it('expands every member of a group to the others', () => {
    expect(analyzer.expandQuery('中央八项规定精神').alternatives).toEqual([['八项规定'], ['中央八项规定']]);
  });

  it('expands one-way rules only from the left', () => {
    expect(analyzer.expandQuery('三会一课').alternatives).toEqual([['支部党员大会'], ['支委会'], ['党小组会'], ['党课']]);
    expect(analyzer.expandQuery('党课').alternatives).toEqual([]);
  });

  it('reports where each synonym matched in a longer query', () => {
    expect(analyzer.expandQuery('纪委关于八项规定的通知')).toEqual({
      tokens: ['纪委', '关于', '八项规定', '的', '通知'],
      alternatives: [['纪律检查委员会'], ['中央八项规定'], ['中央八项规定精神']],
      spans: [
        { start: 0, end: 1, phrasings: [['纪律检查委员会']] },
        { start: 2, end: 3, phrasings: [['中央八项规定'], ['中央八项规定精神']] },
      ],
    });
  });

  it('matches a synonym spanning several tokens and gives multi-token phrasings', () => {
    const expanded = analyzer.expandQuery('批评和自我批评');
    expect(expanded.tokens).toEqual(['批评', '和', '自我批评']);
    expect(expanded.spans).toEqual([{ start: 0, end: 3, phrasings: [['批评与自我批评']] }]);
    expect(analyzer.expandQuery('四个自信').alternatives).toEqual([analyzer.queryTokens('道路自信理论自信制度自信文化自信')]);
  });

  it('folds the query before matching', () => {
    expect(analyzer.expandQuery('紀委').alternatives).toEqual([['纪律检查委员会']]);
  });
});

describe('synonym files', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'text-analyzer-'));
  const synonymsPath = join(scratch, 'synonyms.txt');

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reloads synonyms from the file and keeps the old ones when the new file is broken', () => {
    writeFileSync(synonymsPath, '# 试验\n纪委, 纪律检查委员会\n');
    const reloading = createTextAnalyzer({ synonymsPath, abbreviationsPath: null });
    expect(reloading.expandQuery('组织部').alternatives).toEqual([]);

    writeFileSync(synonymsPath, '组织部，党委组织部   # full-width comma\n廉政 => 廉洁\n');
    expect(reloading.reloadSynonyms()).toBe(3);
    expect(reloading.expandQuery('组织部').alternatives).toEqual([['党委组织部']]);
    expect(reloading.expandQuery('纪委').alternatives).toEqual([]);
    expect(reloading.expandQuery('廉洁').alternatives).toEqual([]);

    writeFileSync(synonymsPath, '组织部 => 党委组织部 => 组织部门\n');
    expect(() => reloading.reloadSynonyms()).toThrow(`${synonymsPath}:1: more than one "=>"`);
    expect(reloading.expandQuery('组织部').alternatives).toEqual([['党委组织部']]);
  });

  it.each([
    ['a lone term', '纪委\n', 'at least two terms'],
    ['an empty term', '纪委, , 纪律检查委员会\n', 'empty synonym term'],
    ['an empty side', '纪委 =>\n', 'empty synonym term'],
    ['a term of punctuation only', '纪委, ！！\n', 'no searchable characters'],
  ])('rejects %s with the file and line', (_reason, content, message) => {
    writeFileSync(synonymsPath, `# header\n${content}`);
    expect(() => createTextAnalyzer({ synonymsPath })).toThrow(message);
  });

  it('rejects a user term without a frequency', () => {
    const badTerms = join(scratch, 'terms.txt');
    writeFileSync(badTerms, '三会一课 3 nz\n公车私用\n');
    expect(() => createTextAnalyzer({ termsPath: badTerms })).toThrow(`${badTerms}:2: expected "word freq [tag]"`);
  });
});

describe('abbreviations and a deployment’s own names', () => {
  it('expands the short names of bodies both ways, by default', () => {
    expect(analyzer.expandQuery('中组部').alternatives).toEqual([['中央组织部'], ['中共中央组织部']]);
    expect(analyzer.expandQuery('中共中央办公厅').alternatives).toEqual(expect.arrayContaining([['中办']]));
    expect(analyzer.expandQuery('国办').alternatives).toEqual([['国务院办公厅']]);
    expect(analyzer.expandQuery('省纪委').alternatives).toEqual([['省', '纪律检查委员会']]);
  });

  it('reads the deployment’s own names from a file of its own', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'local-names-'));
    try {
      const localNamesPath = join(scratch, 'province.txt');
      writeFileSync(localNamesPath, '江川日报, 江川日报社\n');
      const local = createTextAnalyzer({ localNamesPath });
      expect(local.ruleFiles).toEqual([join(dictDir, 'synonyms.txt'), join(dictDir, 'abbreviations.txt'), localNamesPath]);
      expect(local.expandQuery('江川日报').alternatives).toEqual([local.queryTokens('江川日报社')]);
      expect(analyzer.expandQuery('江川日报').alternatives).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('ships the demo province’s names in a file that parses', () => {
    const local = createTextAnalyzer({ localNamesPath: join(dictDir, 'local/jiangchuan.txt') });
    expect(local.expandQuery('江川省纪委').alternatives).toEqual(expect.arrayContaining([local.queryTokens('中共江川省纪律检查委员会')]));
  });

  it('looks inside a compound no rule matches for a word that has synonyms', () => {
    expect(analyzer.expandQuery('廉政文化').spans).toEqual([{ start: 0, end: 1, phrasings: [analyzer.queryTokens('廉洁文化')] }]);
  });
});

describe('planQuery', () => {
  const groups = (query: string) => analyzer.planQuery(query).groups;

  it('makes question words and particles optional', () => {
    expect(groups('预备党员多久可以转正').map((g) => [g.tokens.join(''), g.optional])).toEqual([
      ['预备党员', false],
      ['多久', true],
      ['可以', true],
      ['转正', false],
    ]);
    expect(
      groups('退休党员党费怎么交')
        .filter((g) => !g.optional)
        .map((g) => g.tokens[0]),
    ).toEqual(['退休', '党员', '党费', '交']);
    expect(analyzer.isQuestionWord('吗')).toBe(true);
  });

  it('marks a year, and 年 after it is optional', () => {
    expect(groups('省委组织部 2023年 通知').map((g) => [g.tokens[0], g.year, g.optional])).toEqual([
      ['省委', undefined, false],
      ['组织部', undefined, false],
      ['2023', 2023, false],
      ['年', undefined, true],
      ['通知', undefined, false],
    ]);
    expect(groups('1900 2101 12345').some((g) => g.year !== undefined)).toBe(false);
  });

  it('keeps a synonym span as one group with its phrasings', () => {
    expect(groups('纪委 通报')).toEqual([
      { tokens: ['纪委'], phrasings: [['纪律检查委员会']], optional: false },
      { tokens: ['通报'], phrasings: [], optional: false },
    ]);
  });

  it('gives a compound its dictionary parts', () => {
    expect(groups('党员组织关系')[0]?.parts).toEqual(['党员', '组织关系']);
    expect(groups('党员')[0]?.parts).toBeUndefined();
  });
});

describe('quotation marks inside words', () => {
  it('are left out of the searched words, so a quoted abbreviation is one word', () => {
    expect(analyzer.queryTokens('加强“两新”组织党建')).toEqual(['加强', '两新组织', '党建']);
    expect(analyzer.indexTokens('推进“三会一课”制度化').split(' ')).toContain('三会一课');
  });

  it('stay in the display tokens, which give the text back', () => {
    const text = '加强“两新”组织党建';
    expect(analyzer.displayTokens(text, '|').split('|').join('')).toBe(text);
  });
});

describe('titleTerms and suggestInputs', () => {
  it('gives the words of a title and the dictionary words inside them, each once', () => {
    expect(analyzer.titleTerms('关于推行权力清单制度的实施意见（试行）APP')).toEqual([
      '关于',
      '推行',
      '权力',
      '清单',
      '制度',
      '实施',
      '意见',
      '实施意见',
      '试行',
      'app',
    ]);
  });

  it('starts completions at every word of a title, inside compounds too', () => {
    const inputs = analyzer.suggestInputs('中国共产党纪律处分条例');
    expect(inputs).toEqual(expect.arrayContaining(['纪律处分条例', '处分条例', 'chufentiaoli', 'cftl', '条例']));
    // Never at a piece that only overlaps two words (国共, 产党).
    expect(inputs.filter((input) => input.startsWith('国') || input.startsWith('产'))).toEqual([]);
  });
});
