import { createTextAnalyzer, PinyinTerms } from '../src';

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
