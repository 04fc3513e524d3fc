import { suggestInputs, toPinyinKey } from '../src';

describe('suggestInputs', () => {
  it('gives the title, its full pinyin and its initials', () => {
    expect(suggestInputs('八项规定')).toEqual(['八项规定', 'baxiangguiding', 'bxgd']);
    expect(suggestInputs('党风廉政建设')).toEqual(['党风廉政建设', 'dangfenglianzhengjianshe', 'dflzjs']);
  });

  it('reads polyphones in context', () => {
    expect(suggestInputs('银行')).toContain('yinhang');
    expect(suggestInputs('行动方案')).toContain('xingdongfangan');
    expect(suggestInputs('长征精神')).toContain('changzhengjingshen');
    expect(suggestInputs('健康成长')).toContain('jiankangchengzhang');
  });

  it('folds the title first and keeps Latin and digits in the keys', () => {
    expect(suggestInputs('學習強國ＡＰＰ')).toEqual(['学习强国app', 'xuexiqiangguoapp', 'xxqgapp']);
  });

  it('starts again at a meaningful later word, skipping filler', () => {
    const inputs = suggestInputs('关于加强党风廉政建设的意见', ['关于', '加强', '党风廉政建设', '的', '意见']);
    expect(inputs).toEqual([
      '关于加强党风廉政建设的意见',
      'guanyujiaqiangdangfenglianzhengjianshedeyijian',
      'gyjqdflzjsdyj',
      '党风廉政建设的意见',
      'dangfenglianzhengjianshedeyijian',
      'dflzjsdyj',
    ]);
  });

  it('prefers the word that opens a 《》 title', () => {
    const inputs = suggestInputs('关于印发《三会一课实施办法》的通知', ['关于', '印发', '三会一课', '实施办法', '的', '通知']);
    expect(inputs).toContain('三会一课实施办法》的通知');
    expect(inputs).toContain('sanhuiyikeshishibanfadetongzhi');
  });

  it('keeps to 39 inputs of at most 50 characters', () => {
    const title = '中共中央办公厅 国务院办公厅关于印发《党政领导干部选拔任用工作条例》《干部教育培训工作条例》的通知';
    const inputs = suggestInputs(title, [
      '中共中央办公厅',
      '国务院办公厅',
      '关于',
      '印发',
      '党政领导',
      '干部',
      '选拔',
      '任用',
      '工作',
      '条例',
      '干部教育培训',
      '工作',
      '条例',
      '的',
      '通知',
    ]);
    expect(inputs.length).toBeLessThanOrEqual(39);
    for (const input of inputs) expect(Array.from(input).length).toBeLessThanOrEqual(50);
    expect(new Set(inputs).size).toBe(inputs.length);
  });

  it('removes control characters the completion field rejects', () => {
    expect(suggestInputs('党建\u001F引领')).toEqual(['党建 引领', 'dangjianyinling', 'djyl']);
  });

  it('returns nothing for an empty title', () => {
    expect(suggestInputs('  ')).toEqual([]);
  });
});

describe('toPinyinKey', () => {
  it.each([
    ['Ba Xiang Gui Ding', 'baxiangguiding'],
    ["xi'an", 'xian'],
    ['bā xiàng guī dìng', 'baxiangguiding'],
    ['ba1xiang4gui1ding4', 'baxiangguiding'],
    ['lü se', 'lvse'],
    ['lǚ', 'lv'],
    ['ＢＸＧＤ', 'bxgd'],
    ['八项gui', 'baxianggui'],
    ['iphone15', 'iphone15'],
    ['covid19', 'covid19'],
  ])('normalises %s to %s', (typed, key) => {
    expect(toPinyinKey(typed)).toBe(key);
  });

  it('matches the pinyin inputs of a title', () => {
    expect(suggestInputs('八项规定')).toContain(toPinyinKey("ba xiang gui'ding"));
  });
});
