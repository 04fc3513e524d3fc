import { docNumberKeys, findDocNumber, findPartialDocNumber, parseDocNumber } from '../src';

describe('parseDocNumber', () => {
  it.each([
    '中发〔2021〕1号',
    '中发[2021]1号',
    '中发(2021)1号',
    '中发（2021）1号',
    '中发【2021】1号',
    '中发﹝2021﹞1号',
    '中发〔2021〕第1号',
    '中发〔2021〕01号',
    '中发2021年1号',
    '中发2021年第1号',
    '中发 2021 1',
    '中发2021-1',
    ' 中 发 〔 2021 〕 1 号 ',
    '中发〔２０２１〕１号',
    '中发［2021］1号',
    '中發〔2021〕1號',
    '中发〔2021〕1号文件',
  ])('reads %s as 中发〔2021〕1号', (input) => {
    expect(parseDocNumber(input)).toEqual({ agencyCode: '中发', year: 2021, serial: 1, normalized: '中发〔2021〕1号' });
  });

  it.each([
    ['中办发〔2019〕35号', '中办发', 2019, 35],
    ['国发[2020]7号', '国发', 2020, 7],
    ['江委发（2022）128号', '江委发', 2022, 128],
    ['省纪发2023年12号', '省纪发', 2023, 12],
    ['江组通【2024】第3号', '江组通', 2024, 3],
  ])('reads the agency code of %s', (input, agencyCode, year, serial) => {
    expect(parseDocNumber(input)).toMatchObject({ agencyCode, year, serial });
  });

  it.each([
    ['a year before 1949', '中发〔1900〕1号'],
    ['a year after 2100', '中发〔2101〕1号'],
    ['serial 0', '中发〔2021〕0号'],
    ['no agency code', '〔2021〕1号'],
    ['a Latin agency code', 'ABC〔2021〕1号'],
    ['an agency code of more than 10 characters', '中华人民共和国国务院办公厅发〔2021〕1号'],
    ['a two-digit year', '中发〔21〕1号'],
    ['no serial', '中发〔2021〕'],
    ['a date', '2021年1月1日'],
    ['plain text', '关于加强党风廉政建设的意见'],
    ['an empty string', ''],
  ])('rejects %s', (_reason, input) => {
    expect(parseDocNumber(input)).toBeNull();
  });
});

describe('findDocNumber', () => {
  it('finds a document number between words', () => {
    expect(findDocNumber('关于 中发2021年1号 的通知')).toEqual({
      match: { agencyCode: '中发', year: 2021, serial: 1, normalized: '中发〔2021〕1号' },
      rest: '关于 的通知',
    });
  });

  it('separates the agency code from the words run into it', () => {
    expect(findDocNumber('关于中发〔2021〕1号的通知')?.match.agencyCode).toBe('中发');
    expect(findDocNumber('贯彻落实江委发〔2022〕15号文件精神')).toEqual({
      match: { agencyCode: '江委发', year: 2022, serial: 15, normalized: '江委发〔2022〕15号' },
      rest: '贯彻落实 文件精神',
    });
  });

  it('keeps an agency code that starts like a conjunction', () => {
    expect(findDocNumber('和政发〔2021〕3号')?.match.agencyCode).toBe('和政发');
  });

  it('finds the space-separated and dashed forms', () => {
    expect(findDocNumber('中发 2021 1 的通知')?.match.normalized).toBe('中发〔2021〕1号');
    expect(findDocNumber('国办发2021-12')?.match.normalized).toBe('国办发〔2021〕12号');
  });

  it('does not mistake a date or a number for a document number', () => {
    expect(findDocNumber('截至2021年1月底的党员人数')).toBeNull();
    expect(findDocNumber('发布于2021-1-5')).toBeNull();
    expect(findDocNumber('党员 2021 人')).toBeNull();
    expect(findDocNumber('三会一课')).toBeNull();
  });

  it('skips nonsense and finds a real document number later in the query', () => {
    expect(findDocNumber('中发〔1900〕1号 和 国发〔2020〕7号')?.match.normalized).toBe('国发〔2020〕7号');
  });
});

describe('findPartialDocNumber', () => {
  it('reads an agency code and a bracketed year without a serial', () => {
    expect(findPartialDocNumber('中组发〔2019〕')).toEqual({ match: { agencyCode: '中组发', year: 2019 }, rest: '' });
    expect(findPartialDocNumber('江纪发[2020] 通报')).toEqual({ match: { agencyCode: '江纪发', year: 2020 }, rest: '通报' });
    expect(findPartialDocNumber('根据江委办发（2021）')?.match).toEqual({ agencyCode: '江委办发', year: 2021 });
  });

  it('reads a code ending like one (发, 函, 字) followed by a plain year', () => {
    expect(findPartialDocNumber('中组发2019')?.match).toEqual({ agencyCode: '中组发', year: 2019 });
    expect(findPartialDocNumber('江组发 2019年 发展党员')).toEqual({ match: { agencyCode: '江组发', year: 2019 }, rest: '发展党员' });
    expect(findPartialDocNumber('江政办函2024')?.match.agencyCode).toBe('江政办函');
  });

  it('leaves whole document numbers, dates and words with a year alone', () => {
    expect(findPartialDocNumber('中发〔2021〕1号')).toBeNull();
    expect(findPartialDocNumber('江组发2019年2号')).toBeNull();
    expect(findPartialDocNumber('省委组织部 2023 通知')).toBeNull();
    expect(findPartialDocNumber('2019年 通知')).toBeNull();
    expect(findPartialDocNumber('中组发〔1900〕')).toBeNull();
  });
});

describe('docNumberKeys', () => {
  it('gives every spelling the same keys', () => {
    const keys = ['中发〔2021〕第1号', '中发 2021 1', '中发2021-1'].map((input) => docNumberKeys(parseDocNumber(input)!));
    expect(new Set(keys.map((k) => k.join('\n'))).size).toBe(1);
    expect(keys[0]).toEqual(['中发〔2021〕1号', '中发|2021|1']);
  });
});
