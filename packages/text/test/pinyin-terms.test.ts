import { createTextAnalyzer, curatedWeight, fuzzySyllable, NearForms, PinyinTerms } from '../src';

describe('vocabulary by pinyin', () => {
  const analyzer = createTextAnalyzer();

  test('full pinyin and initials find the term', () => {
    expect(analyzer.pinyin.fromPinyin('baxiangguiding')).toBe('八项规定');
    expect(analyzer.pinyin.fromPinyin('ba xiang gui ding')).toBe('八项规定');
    expect(analyzer.pinyin.fromPinyin('bxgd')).toBe('八项规定');
    expect(analyzer.pinyin.fromPinyin('sanhuiyike')).toBe('三会一课');
    expect(analyzer.pinyin.fromPinyin('zzzz')).toBeUndefined();
  });

  test('homophone typos are corrected, correct text is left alone', () => {
    expect(analyzer.pinyin.correct('党凤廉政建设')).toBe('党风廉政建设');
    expect(analyzer.pinyin.correct('三会一客制度')).toBe('三会一课制度');
    expect(analyzer.pinyin.correct('党风廉政建设')).toBeUndefined();
    expect(analyzer.pinyin.correct('天气很好')).toBeUndefined();
  });

  test('what counts as a pinyin query', () => {
    expect(PinyinTerms.looksLikePinyin('bxgd')).toBe(true);
    expect(PinyinTerms.looksLikePinyin("xi'an")).toBe(true);
    expect(PinyinTerms.looksLikePinyin('八项规定')).toBe(false);
    expect(PinyinTerms.looksLikePinyin('2021')).toBe(false);
  });
});

describe('the words of indexed titles', () => {
  const analyzer = createTextAnalyzer();
  analyzer.addVocabulary([
    ['党员', 120],
    ['发展', 80],
    ['权力', 3],
    ['清单', 4],
    ['巡查', 1],
    ['通报', 60],
    ['app', 2],
    ['廉政', 30],
  ]);

  test('pinyin words are spelled out in place, word by word, in a query of characters too', () => {
    expect(analyzer.pinyin.spell('dangyuan 发展')).toBe('党员 发展');
    expect(analyzer.pinyin.spell('bxgd 通报')).toBe('八项规定 通报');
    expect(analyzer.pinyin.spell('dangyuan fazhan')).toBe('党员发展');
    expect(analyzer.pinyin.spell('八项规定 tongbao')).toBe('八项规定 通报');
  });

  test('several title words run together in pinyin are read as those words', () => {
    expect(analyzer.pinyin.fromPinyin('quanliqingdan')).toBe('权力清单');
    expect(analyzer.pinyin.spell('quanliqingdan 制度')).toBe('权力清单 制度');
  });

  test('a pinyin word finishing a word typed in characters becomes that word', () => {
    expect(analyzer.pinyin.spell('澄清zhengming')).toBe('澄清正名');
  });

  test('Latin words the documents use, and words that spell nothing, stay as typed', () => {
    expect(analyzer.pinyin.spell('学习强国app')).toBeUndefined();
    expect(analyzer.pinyin.spell('covid19 防控')).toBeUndefined();
    expect(analyzer.pinyin.spell('八项规定')).toBeUndefined();
  });

  test('a title word is corrected like a dictionary term, and a typed term only by a far heavier one', () => {
    expect(analyzer.pinyin.correct('权利清单')).toBe('权力清单');
    // 巡查 is in one title; the dictionary's 巡察 weighs a hundred.
    expect(analyzer.pinyin.correct('巡查整改')).toBe('巡察整改');
    const light = new PinyinTerms([
      ['巡察', 10],
      ['巡查', 5],
    ]);
    expect(light.correct('巡查整改')).toBeUndefined();
  });

  test('initials name the term that clearly outweighs the others with the same initials', () => {
    const terms = new PinyinTerms([
      ['党建', 90],
      ['当家', 5],
      ['档级', 30],
    ]);
    expect(terms.fromPinyin('dj')).toBe('党建');
    expect(
      new PinyinTerms([
        ['党建', 40],
        ['档级', 30],
      ]).fromPinyin('dj'),
    ).toBeUndefined();
  });
});

describe('look-alike and fuzzy typos', () => {
  const nearForms = NearForms.parse('设 没\n休 体\n', 'test');
  const terms = new PinyinTerms(['廉政建设', '流动党员', '退休干部'], nearForms);

  test('a character swapped for a look-alike of the near-forms file is corrected', () => {
    expect(terms.correct('廉政建没')).toBe('廉政建设');
    expect(terms.correct('退体干部')).toBe('退休干部');
  });

  test('a fuzzy-pinyin typo (n/l, zh/z, ing/in) is corrected when nothing sounds exactly alike', () => {
    expect(fuzzySyllable('zhang')).toBe('zan');
    expect(fuzzySyllable('ning')).toBe('lin');
    expect(terms.correct('牛动党员')).toBe('流动党员');
  });

  test('the near-forms file names a bad line', () => {
    expect(() => NearForms.parse('设\n', 'near.txt')).toThrow('near.txt:1: expected two or more single characters');
    expect(() => NearForms.parse('设 没有\n', 'near.txt')).toThrow('near.txt:1');
    expect(NearForms.parse('# comment\n\n己 已 巳\n', 'near.txt').of('已')).toEqual(['己', '巳']);
  });

  test('curated terms weigh more than a title word seen once', () => {
    const vocabulary = new PinyinTerms(['巡察']);
    vocabulary.add([['巡查', 1]]);
    expect(vocabulary.weight('巡察')).toBe(curatedWeight);
    expect(vocabulary.weight('巡查')).toBe(1);
    expect(vocabulary.has('整改')).toBe(false);
  });
});

describe('how sure a correction is', () => {
  const analyzer = createTextAnalyzer();
  analyzer.addVocabulary([
    ['管理', 50],
    ['权力', 5],
    ['巡查', 1],
  ]);

  test('sure when the typo is no word at all, unsure when it is a real word that sounds alike', () => {
    expect(analyzer.correction('驻村第一书计')).toEqual({ text: '驻村第一书记', sure: true });
    expect(analyzer.correction('公务接侍管理')).toEqual({ text: '公务接待管理', sure: true });
    expect(analyzer.correction('巡查整改')).toEqual({ text: '巡察整改', sure: false });
    expect(analyzer.correction('党风廉政建设')).toBeUndefined();
  });

  test('corrections name what they replaced, where', () => {
    expect(analyzer.pinyin.corrections('驻村第一书计')?.replaced).toEqual([
      { start: 0, end: 6, typed: '驻村第一书计', term: '驻村第一书记' },
    ]);
  });
});
