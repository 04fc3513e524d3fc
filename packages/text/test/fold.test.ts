import { foldText, hasChinese } from '../src';

describe('foldText', () => {
  it.each([
    ['黨建', '党建'],
    ['會議', '会议'],
    ['條例', '条例'],
    ['黨風廉政建設', '党风廉政建设'],
    ['組織關係轉接', '组织关系转接'],
    ['幹部', '干部'],
    ['堅持黨的全面領導', '坚持党的全面领导'],
  ])('folds traditional %s to simplified %s', (traditional, simplified) => {
    expect(foldText(traditional)).toBe(simplified);
  });

  it('leaves simplified text, including 著作, 显著 and 什么, as it is', () => {
    const simplified = '干部 党建 发展 著作 显著 成效显著 什么 后来 面条 里面 了解';
    expect(foldText(simplified)).toBe(simplified);
  });

  it('turns full-width ASCII into half-width and lowercases Latin', () => {
    expect(foldText('ＡＢＣ１２３')).toBe('abc123');
    expect(foldText('学习强国ＡＰＰ（２０２１）')).toBe('学习强国app(2021)');
  });

  it('collapses every kind of whitespace, including the ideographic space, and trims', () => {
    expect(foldText('  党建\u3000\u3000引领\t\n乡村振兴  ')).toBe('党建 引领 乡村振兴');
  });

  it('drops zero-width characters left by copy and paste', () => {
    expect(foldText('三会\u200B一课\uFEFF')).toBe('三会一课');
  });
});

describe('hasChinese', () => {
  it('tells Chinese from pinyin and digits', () => {
    expect(hasChinese('dang 建')).toBe(true);
    expect(hasChinese('dangjian 2021')).toBe(false);
  });
});
