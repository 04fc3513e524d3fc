import ExcelJS from 'exceljs';
import { DomainError } from '@repo/errors';
import {
  mergeImportReports,
  normalizeHeader,
  normalizeImportDate,
  validateImportRows,
  withRowErrors,
  type ImportReport,
  type MemberFile,
} from '../../src/domain/import';
import { cellText, decodeText, loadFirstWorksheet, parseMemberFile } from '../../src/files/member-file';
import { encodeGbk, knownGbkSample } from '../fixtures/gbk';
import { syntheticId } from '../fixtures/national-ids';
import { domainErrorOf } from '@repo/errors/testing';

const today = '2025-06-30';

const zhHeaders = [
  '姓名',
  '性别',
  '民族',
  '出生日期',
  '身份证号',
  '学历',
  '手机号',
  '所在组织',
  '发展阶段',
  '申请入党日期',
  '确定积极分子日期',
  '确定发展对象日期',
  '接收预备党员日期',
  '转正日期',
];
const enHeaders = [
  'name',
  'gender',
  'ethnicity',
  'birthDate',
  'nationalId',
  'education',
  'phone',
  'organizationId',
  'stage',
  'applicationDate',
  'activistDate',
  'candidateDate',
  'probationaryDate',
  'fullDate',
];

const id1 = syntheticId('1990-01-01', 'male', { sequence: '01' });
const id2 = syntheticId('1990-05-06', 'female', { sequence: '02' });

/** A full member, in the columns of zhHeaders, written as a Chinese export would. */
function zhRow(overrides: Record<number, string> = {}): string[] {
  const row = [
    '张测试',
    '男',
    '汉族',
    '1990-01-01',
    id1,
    '本科',
    '13812345678',
    'org-1',
    '正式党员',
    '2010-01-01',
    '2010-07-01',
    '2011-07-01',
    '2012-01-01',
    '2013-01-01',
  ];
  for (const [i, v] of Object.entries(overrides)) row[Number(i)] = v;
  return row;
}

/** Another member, different from zhRow's. */
function secondRow(): string[] {
  return zhRow({ 0: '李测试', 1: '女', 3: '1990-05-06', 4: id2 });
}

const col = Object.fromEntries(enHeaders.map((h, i) => [h, i])) as Record<string, number>;

/** A parsed file: header on line 1, the rows on the lines after it. */
function fileOf(headers: string[], rows: string[][], firstLine = 2): MemberFile {
  return {
    headerLine: 1,
    headers,
    rows: rows.map((values, i) => ({
      line: firstLine + i,
      cells: Object.fromEntries(headers.map((h, j) => [h, values[j] ?? ''])),
    })),
  };
}

function csvOf(rows: string[][]): string {
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

async function xlsxOf(build: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook.addWorksheet('党员'), workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

const thrownBy = domainErrorOf;

/** Row errors as "line field: problem" for compact assertions. */
function errorLines(report: ImportReport): string[] {
  return report.errors.map((e) => `${e.line} ${e.field}: ${e.problem}`);
}

describe('parseMemberFile: CSV', () => {
  test('reads headers and rows, keeping spreadsheet line numbers over blank lines', async () => {
    const text = `${csvOf([zhHeaders, zhRow()])}\r\n,,,\r\n${csvOf([zhRow({ 0: '李测试' })])}`;
    const file = await parseMemberFile(Buffer.from(text, 'utf8'), 'csv');
    expect(file.headerLine).toBe(1);
    expect(file.headers).toEqual(zhHeaders);
    expect(file.rows.map((r) => [r.line, r.cells['姓名']])).toEqual([
      [2, '张测试'],
      [5, '李测试'],
    ]);
    expect(file.rows[0]?.cells['身份证号']).toBe(id1);
  });

  test('a quoted cell with a line break and a comma is one row', async () => {
    const text = csvOf([
      ['姓名', '所在组织'],
      ['张测试', '第一支部,\n机关'],
      ['李测试', 'org-2'],
    ]);
    const file = await parseMemberFile(Buffer.from(text), 'csv');
    expect(file.rows).toEqual([
      { line: 2, cells: { 姓名: '张测试', 所在组织: '第一支部,\n机关' } },
      { line: 3, cells: { 姓名: '李测试', 所在组织: 'org-2' } },
    ]);
  });

  test('cells are trimmed and short rows read as blank cells', async () => {
    const file = await parseMemberFile(Buffer.from('姓名,性别,民族\n  张测试 ,男\n'), 'csv');
    expect(file.rows).toEqual([{ line: 2, cells: { 姓名: '张测试', 性别: '男', 民族: '' } }]);
  });

  test('a UTF-8 byte order mark is dropped', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvOf([zhHeaders, zhRow()]))]);
    const file = await parseMemberFile(bytes, 'csv');
    expect(file.headers[0]).toBe('姓名');
    expect(file.rows[0]?.cells['姓名']).toBe('张测试');
  });

  test('the GBK test encoder matches a reference encoder', () => {
    expect(encodeGbk(knownGbkSample.text)).toEqual(knownGbkSample.bytes);
  });

  test('GBK bytes (a Chinese Excel export) are read as GB18030', async () => {
    expect(decodeText(knownGbkSample.bytes)).toBe(knownGbkSample.text);
    const text = csvOf([zhHeaders, zhRow({ 0: '欧阳测试', 2: '维吾尔族' })]);
    const fromGbk = await parseMemberFile(encodeGbk(text), 'csv');
    const fromUtf8 = await parseMemberFile(Buffer.from(text, 'utf8'), 'csv');
    expect(fromGbk).toEqual(fromUtf8);
    expect(fromGbk.rows[0]?.cells['民族']).toBe('维吾尔族');
  });

  test('an unclosed quote makes the file unreadable', async () => {
    expect(await codeOf(parseMemberFile(Buffer.from('姓名,性别\n"张测试,男\n'), 'csv'))).toBe('MEMBER_IMPORT_UNREADABLE');
  });

  test('an empty file has no header and no rows', async () => {
    expect(await parseMemberFile(Buffer.alloc(0), 'csv')).toEqual({ headerLine: 1, headers: [], rows: [] });
  });

  test('the row limit counts data rows, not the header or blank lines', async () => {
    const text = csvOf([zhHeaders, zhRow(), [''], zhRow(), zhRow()]);
    await expect(parseMemberFile(Buffer.from(text), 'csv', { maxRows: 3 })).resolves.toMatchObject({ rows: { length: 3 } });
    expect(await codeOf(parseMemberFile(Buffer.from(text), 'csv', { maxRows: 2 }))).toBe('MEMBER_IMPORT_TOO_MANY_ROWS');
  });

  test('the default limit is 100,000 rows', async () => {
    const text = `姓名\n${'x\n'.repeat(100_001)}`;
    expect(await codeOf(parseMemberFile(Buffer.from(text), 'csv'))).toBe('MEMBER_IMPORT_TOO_MANY_ROWS');
    const atLimit = await parseMemberFile(Buffer.from(`姓名\n${'x\n'.repeat(100_000)}`), 'csv');
    expect(atLimit.rows).toHaveLength(100_000);
  });

  test('a header named like an object property is just a header', async () => {
    const file = await parseMemberFile(Buffer.from('__proto__,constructor\na,b\n'), 'csv');
    expect(file.rows[0]?.cells['__proto__']).toBe('a');
    expect(file.rows[0]?.cells['constructor']).toBe('b');
  });
});

describe('parseMemberFile: Excel', () => {
  test('reads the first worksheet with dates, numbers, rich text and formulas as text', async () => {
    const bytes = await xlsxOf((sheet, workbook) => {
      sheet.addRow(['姓名', '出生日期', '手机号', '所在组织', '申请入党日期', '转正日期']);
      sheet.addRow([
        { richText: [{ text: '张' }, { text: '测试', font: { bold: true } }] },
        new Date(Date.UTC(1990, 0, 1)),
        13812345678,
        { formula: 'CONCAT("org","-1")', result: 'org-1' },
        new Date(Date.UTC(2010, 0, 1, 23, 30)), // a time late in the day stays on its day
        { formula: 'DATE(2013,1,1)', result: 41275 },
      ]);
      sheet.getCell('F2').numFmt = 'yyyy"年"m"月"d"日"';
      sheet.addRow([]);
      sheet.addRow(['李测试', '1992/3/4']);
      workbook.addWorksheet('说明').addRow(['填表说明']);
    });
    const file = await parseMemberFile(bytes, 'xlsx');
    // The whole-workbook reader (the fallback when exceljs's streaming reader trips over its own
    // race) reads the same.
    expect(await loadFirstWorksheet(bytes, 100)).toEqual(file);
    expect(file.headers).toEqual(['姓名', '出生日期', '手机号', '所在组织', '申请入党日期', '转正日期']);
    expect(file.rows).toEqual([
      {
        line: 2,
        cells: {
          姓名: '张测试',
          出生日期: '1990-01-01',
          手机号: '13812345678',
          所在组织: 'org-1',
          申请入党日期: '2010-01-01',
          转正日期: '2013-01-01',
        },
      },
      {
        line: 4,
        cells: { 姓名: '李测试', 出生日期: '1992/3/4', 手机号: '', 所在组织: '', 申请入党日期: '', 转正日期: '' },
      },
    ]);
  });

  test('a header below blank rows is found, with its line', async () => {
    const bytes = await xlsxOf((sheet) => {
      sheet.getRow(3).values = ['姓名'];
      sheet.getRow(4).values = ['张测试'];
    });
    const file = await parseMemberFile(bytes, 'xlsx');
    expect(file.headerLine).toBe(3);
    expect(file.rows).toEqual([{ line: 4, cells: { 姓名: '张测试' } }]);
  });

  test('the row limit applies to workbooks too', async () => {
    const bytes = await xlsxOf((sheet) => {
      sheet.addRow(['姓名']);
      for (let i = 0; i < 5; i++) sheet.addRow([`党员${i}`]);
    });
    await expect(parseMemberFile(bytes, 'xlsx', { maxRows: 5 })).resolves.toMatchObject({ rows: { length: 5 } });
    expect(await codeOf(parseMemberFile(bytes, 'xlsx', { maxRows: 4 }))).toBe('MEMBER_IMPORT_TOO_MANY_ROWS');
  });

  test.each([
    ['empty bytes', Buffer.alloc(0), 'this is not an .xlsx workbook'],
    ['a CSV', Buffer.from('姓名\n张测试\n'), 'this is not an .xlsx workbook'],
    ['an old .xls file', Buffer.from('d0cf11e0a1b11ae1000000', 'hex'), 'old .xls workbook'],
    ['a truncated zip', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(64, 7)]), 'could not be read'],
  ])('%s is unreadable', async (_label, bytes, message) => {
    await expect(parseMemberFile(bytes, 'xlsx')).rejects.toMatchObject({ code: 'MEMBER_IMPORT_UNREADABLE' });
    await expect(parseMemberFile(bytes, 'xlsx')).rejects.toThrow(message);
  });

  test('a workbook without worksheets is unreadable', async () => {
    const bytes = Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer());
    await expect(parseMemberFile(bytes, 'xlsx')).rejects.toThrow('the workbook has no worksheet');
  });
});

describe('cellText', () => {
  test.each([
    [null, ''],
    [undefined, ''],
    ['  text ', 'text'],
    [42, '42'],
    [true, 'true'],
    [new Date(Date.UTC(2024, 2, 5)), '2024-03-05'],
    [new Date(Number.NaN), 'invalid date'],
    [{ richText: [{ text: 'a' }, { text: 'b' }] }, 'ab'],
    [{ formula: 'A1', result: 'x' }, 'x'],
    [{ sharedFormula: 'A1', result: 7 }, '7'],
    [{ text: 'link', hyperlink: 'https://example.org' }, 'link'],
    [{ error: '#N/A' }, '#N/A'],
  ])('%p -> %p', (value, text) => {
    expect(cellText(value)).toBe(text);
  });
});

describe('normalizeImportDate', () => {
  test.each([
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
  ])('%s reads as %s', (text, date) => {
    expect(normalizeImportDate(text)).toBe(date);
  });

  test.each(['2024-02-30', '20240230', '2023/2/29', '05/03/2024', '2024-3', '2024/3-5', '240305', '2024-03-05 08:00'])(
    '%s is not a date',
    (text) => {
      expect(normalizeImportDate(text)).toBeUndefined();
    },
  );
});

describe('normalizeHeader', () => {
  test.each([
    ['身份证号*', '身份证号'],
    ['*姓名', '姓名'],
    [' 出生日期（YYYY-MM-DD）', '出生日期'],
    ['手机号(选填)', '手机号'],
    ['National_ID', 'nationalid'],
    ['birth date', 'birthdate'],
  ])('%s compares as %s', (header, normalized) => {
    expect(normalizeHeader(header)).toBe(normalized);
  });
});

describe('validateImportRows', () => {
  test('Chinese headers and labels become profiles with codes', () => {
    const report = validateImportRows(fileOf(zhHeaders, [zhRow()]), today);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.valid).toEqual([
      {
        line: 2,
        profile: {
          name: '张测试',
          gender: 'male',
          ethnicity: '汉族',
          birthDate: '1990-01-01',
          nationalId: id1,
          education: 'bachelor',
          phone: '13812345678',
          organizationId: 'org-1',
          stage: 'full',
          keyDates: {
            applicationDate: '2010-01-01',
            activistDate: '2010-07-01',
            candidateDate: '2011-07-01',
            probationaryDate: '2012-01-01',
            fullDate: '2013-01-01',
          },
        },
      },
    ]);
  });

  test('English headers and codes read the same', () => {
    const row = [
      '张测试',
      'male',
      '汉族',
      '1990-01-01',
      id1,
      'bachelor',
      '13812345678',
      'org-1',
      'full',
      '2010-01-01',
      '2010-07-01',
      '2011-07-01',
      '2012-01-01',
      '2013-01-01',
    ];
    const en = validateImportRows(fileOf(enHeaders, [row]), today);
    const zh = validateImportRows(fileOf(zhHeaders, [zhRow()]), today);
    expect(en).toEqual(zh);
  });

  test('header variants: alternative names, marks, notes and case', () => {
    const headers = [
      '姓名*',
      'Gender',
      '民族',
      '出生日期（YYYY-MM-DD）',
      '公民身份号码',
      '学历',
      '手机号码(选填)',
      '组织编号',
      'STAGE',
      '申请入党日期',
      '确定积极分子日期',
      '确定发展对象日期',
      '接收预备党员日期',
      '转正日期',
    ];
    const report = validateImportRows(fileOf(headers, [zhRow()]), today);
    expect(report.errors).toEqual([]);
    expect(report.valid).toHaveLength(1);
    const other = validateImportRows(
      fileOf(
        zhHeaders.map((h) => (h === '身份证号' ? '身份证号码' : h)),
        [zhRow()],
      ),
      today,
    );
    expect(other.valid).toHaveLength(1);
  });

  test.each([
    ['男', 'male'],
    ['女', 'female'],
    ['Male', 'male'],
    ['FEMALE', 'female'],
  ])('gender %s reads as %s', (label, code) => {
    const id = code === 'male' ? id1 : syntheticId('1990-01-01', 'female', { sequence: '01' });
    const report = validateImportRows(fileOf(zhHeaders, [zhRow({ [col.gender ?? 0]: label, [col.nationalId ?? 0]: id })]), today);
    expect(report.valid[0]?.profile.gender).toBe(code);
  });

  test.each([
    ['小学', 'primary'],
    ['初中', 'juniorHigh'],
    ['高中', 'seniorHigh'],
    ['中专', 'vocational'],
    ['大专', 'associate'],
    ['本科', 'bachelor'],
    ['硕士研究生', 'master'],
    ['博士研究生', 'doctorate'],
    ['硕士', 'master'],
    ['博士', 'doctorate'],
    ['大学本科', 'bachelor'],
    ['大学专科', 'associate'],
    ['juniorhigh', 'juniorHigh'],
  ])('education %s reads as %s', (label, code) => {
    const report = validateImportRows(fileOf(zhHeaders, [zhRow({ [col.education ?? 0]: label })]), today);
    expect(report.valid[0]?.profile.education).toBe(code);
  });

  test.each([
    ['入党申请人', 'applicant', 1],
    ['入党积极分子', 'activist', 2],
    ['发展对象', 'candidate', 3],
    ['预备党员', 'probationary', 4],
    ['正式党员', 'full', 5],
    ['probationary', 'probationary', 4],
  ] as const)('stage %s reads as %s', (label, code, dates) => {
    const row = zhRow({ [col.stage ?? 0]: label });
    for (let i = dates; i < 5; i++) row[9 + i] = '';
    const report = validateImportRows(fileOf(zhHeaders, [row]), today);
    expect(report.errors).toEqual([]);
    expect(report.valid[0]?.profile.stage).toBe(code);
  });

  test('labels that are not known name the accepted ones', () => {
    const report = validateImportRows(
      fileOf(zhHeaders, [zhRow({ [col.gender ?? 0]: '男性', [col.education ?? 0]: '研究生', [col.stage ?? 0]: '党员' })]),
      today,
    );
    expect(report.errors).toEqual([
      { line: 2, field: 'gender', column: '性别', problem: 'must be one of 男, 女 (or male, female)' },
      {
        line: 2,
        field: 'education',
        column: '学历',
        problem:
          'must be one of 小学, 初中, 高中, 中专, 大专, 本科, 硕士研究生, 博士研究生 (or primary, juniorHigh, seniorHigh, vocational, associate, bachelor, master, doctorate)',
      },
      {
        line: 2,
        field: 'stage',
        column: '发展阶段',
        problem:
          'must be one of 入党申请人, 入党积极分子, 发展对象, 预备党员, 正式党员 (or applicant, activist, candidate, probationary, full)',
      },
    ]);
    expect(report.valid).toEqual([]);
  });

  test('dates in the usual spellings are read', () => {
    const row = zhRow({ 3: '1990/1/1', 9: '2010.1.1', 10: '20100701', 11: '2011年7月1日', 12: '2012/01/01', 13: '2013-1-1' });
    const report = validateImportRows(fileOf(zhHeaders, [row]), today);
    expect(report.errors).toEqual([]);
    expect(report.valid[0]?.profile.keyDates).toEqual({
      applicationDate: '2010-01-01',
      activistDate: '2010-07-01',
      candidateDate: '2011-07-01',
      probationaryDate: '2012-01-01',
      fullDate: '2013-01-01',
    });
  });

  test('unreadable dates are errors on their field, once', () => {
    const report = validateImportRows(fileOf(zhHeaders, [zhRow({ 3: '01/01/1990', 10: '2010-02-30' })]), today);
    expect(report.errors).toEqual([
      { line: 2, field: 'birthDate', column: '出生日期', problem: 'must be a date such as 2024-03-05, 2024/3/5, 2024.3.5 or 20240305' },
      {
        line: 2,
        field: 'keyDates.activistDate',
        column: '确定积极分子日期',
        problem: 'must be a date such as 2024-03-05, 2024/3/5, 2024.3.5 or 20240305',
      },
    ]);
  });

  test('each row is checked with the profile rules and errors carry line, field and column', () => {
    const rows = [
      zhRow(),
      zhRow({ [col.nationalId ?? 0]: id2, [col.phone ?? 0]: '12345', [col.name ?? 0]: '' }),
      zhRow({ [col.nationalId ?? 0]: syntheticId('1990-01-02', 'male'), 10: '2009-12-31' }),
    ];
    const report = validateImportRows(fileOf(zhHeaders, rows), today);
    expect(report.valid.map((v) => v.line)).toEqual([2]);
    expect(errorLines(report)).toEqual([
      '3 name: is required',
      '3 nationalId: MEMBER_NATIONAL_ID_MISMATCH: the national ID gives birth date 1990-05-06, not birthDate 1990-01-01 and gender female, not male',
      '3 phone: must be a mainland mobile number: 11 digits, 1 then 3-9 then 9 digits',
      '4 nationalId: MEMBER_NATIONAL_ID_MISMATCH: the national ID gives birth date 1990-01-02, not birthDate 1990-01-01',
      '4 keyDates.activistDate: MEMBER_STAGE_DATE: must be on or after keyDates.applicationDate (2010-01-01)',
    ]);
    expect(report.errors.map((e) => e.column)).toEqual(['姓名', '身份证号', '手机号', '身份证号', '确定积极分子日期']);
  });

  test('the future is judged against the today passed in', () => {
    const row = zhRow({ 13: '2025-07-01' });
    expect(validateImportRows(fileOf(zhHeaders, [row]), today).errors).toEqual([
      { line: 2, field: 'keyDates.fullDate', column: '转正日期', problem: 'must not be in the future' },
    ]);
    expect(validateImportRows(fileOf(zhHeaders, [row]), '2025-07-01').errors).toEqual([]);
  });

  describe('duplicate national IDs', () => {
    test('a later row with the same number is an error naming the first line', () => {
      const rows = [zhRow(), zhRow({ 0: '李测试', [col.nationalId ?? 0]: id1.toLowerCase() }), zhRow({ 0: '王测试' })];
      const report = validateImportRows(fileOf(zhHeaders, rows), today);
      expect(report.valid.map((v) => v.line)).toEqual([2]);
      expect(report.errors).toEqual([
        { line: 3, field: 'nationalId', column: '身份证号', problem: 'MEMBER_IMPORT_DUPLICATE: same national ID as line 2' },
        { line: 4, field: 'nationalId', column: '身份证号', problem: 'MEMBER_IMPORT_DUPLICATE: same national ID as line 2' },
      ]);
    });

    test('the first row counts even when it fails for another reason', () => {
      const rows = [zhRow({ [col.phone ?? 0]: '123' }), zhRow()];
      expect(errorLines(validateImportRows(fileOf(zhHeaders, rows), today))).toEqual([
        '2 phone: must be a mainland mobile number: 11 digits, 1 then 3-9 then 9 digits',
        '3 nationalId: MEMBER_IMPORT_DUPLICATE: same national ID as line 2',
      ]);
    });

    test('different numbers are not duplicates', () => {
      const rows = [zhRow(), secondRow()];
      expect(validateImportRows(fileOf(zhHeaders, rows), today).valid.map((v) => v.line)).toEqual([2, 3]);
    });
  });

  describe('columns', () => {
    test('each missing required column is one error on the header line, and no row is checked', () => {
      const headers = zhHeaders.filter((h) => h !== '身份证号' && h !== '发展阶段');
      const rows = [zhRow().filter((_v, i) => i !== col.nationalId && i !== col.stage)];
      const report = validateImportRows(fileOf(headers, rows), today);
      expect(report.valid).toEqual([]);
      expect(report.errors).toEqual([
        {
          line: 1,
          field: 'nationalId',
          column: '身份证号',
          problem: 'MEMBER_IMPORT_MISSING_COLUMN: column 身份证号 (nationalId) is missing',
        },
        { line: 1, field: 'stage', column: '发展阶段', problem: 'MEMBER_IMPORT_MISSING_COLUMN: column 发展阶段 (stage) is missing' },
      ]);
    });

    test('an empty file misses every required column', () => {
      const report = validateImportRows({ headerLine: 1, headers: [], rows: [] }, today);
      expect(report.errors.map((e) => e.field)).toEqual([
        'name',
        'gender',
        'ethnicity',
        'birthDate',
        'nationalId',
        'education',
        'organizationId',
        'stage',
      ]);
    });

    test('optional columns may be missing', () => {
      const keep = ['姓名', '性别', '民族', '出生日期', '身份证号', '学历', '所在组织', '发展阶段', '申请入党日期'];
      const row = ['张测试', '男', '汉族', '1990-01-01', id1, '本科', 'org-1', '入党申请人', '2010-01-01'];
      const report = validateImportRows(fileOf(keep, [row]), today);
      expect(report.errors).toEqual([]);
      expect(report.valid[0]?.profile).toMatchObject({ stage: 'applicant', keyDates: { applicationDate: '2010-01-01' } });
      expect(report.valid[0]?.profile.phone).toBeUndefined();
    });

    test('unknown columns are ignored with a warning', () => {
      const headers = [...zhHeaders, '备注', '籍贯'];
      const report = validateImportRows(fileOf(headers, [[...zhRow(), '无', '江苏']]), today);
      expect(report.valid).toHaveLength(1);
      expect(report.warnings).toEqual([
        { line: 1, column: '备注', problem: 'is not a member column and was ignored' },
        { line: 1, column: '籍贯', problem: 'is not a member column and was ignored' },
      ]);
    });

    test('two columns for one field are an error', () => {
      const headers = [...zhHeaders, '公民身份号码'];
      const report = validateImportRows(fileOf(headers, [[...zhRow(), id2]]), today);
      expect(report.valid).toEqual([]);
      expect(report.errors).toEqual([
        {
          line: 1,
          field: 'nationalId',
          column: '公民身份号码',
          problem: 'MEMBER_IMPORT_DUPLICATE_COLUMN: columns 身份证号 and 公民身份号码 are both nationalId',
        },
      ]);
    });

    test('a default organisation makes the column optional and fills blank cells', () => {
      const headers = zhHeaders.filter((h) => h !== '所在组织');
      const row = zhRow().filter((_v, i) => i !== col.organizationId);
      const withoutColumn = validateImportRows(fileOf(headers, [row]), today, { defaultOrganizationId: 'org-9' });
      expect(withoutColumn.valid[0]?.profile.organizationId).toBe('org-9');

      const blankCell = validateImportRows(fileOf(zhHeaders, [zhRow({ [col.organizationId ?? 0]: '' }), secondRow()]), today, {
        defaultOrganizationId: 'org-9',
      });
      expect(blankCell.valid.map((v) => v.profile.organizationId)).toEqual(['org-9', 'org-1']);
    });

    test('without a default a blank organisation is required', () => {
      expect(errorLines(validateImportRows(fileOf(zhHeaders, [zhRow({ [col.organizationId ?? 0]: ' ' })]), today))).toEqual([
        '2 organizationId: is required',
      ]);
    });
  });

  test('blank rows are skipped', () => {
    const report = validateImportRows(fileOf(zhHeaders, [zhRow(), zhHeaders.map(() => ' ')]), today);
    expect(report.valid).toHaveLength(1);
    expect(report.errors).toEqual([]);
  });

  test('more rows than maxRows reject the whole file', () => {
    const rows = [zhRow(), secondRow()];
    expect(validateImportRows(fileOf(zhHeaders, rows), today, { maxRows: 2 }).valid).toHaveLength(2);
    const err = thrownBy(() => validateImportRows(fileOf(zhHeaders, rows), today, { maxRows: 1 }));
    expect(err.code).toBe('MEMBER_IMPORT_TOO_MANY_ROWS');
    expect(err.kind).toBe('invalidArgument');
  });

  test('a malformed today or maxRows is a programming error', () => {
    expect(() => validateImportRows(fileOf(zhHeaders, []), '2025-6-30')).toThrow(RangeError);
    expect(() => validateImportRows(fileOf(zhHeaders, []), today, { maxRows: 0 })).toThrow(RangeError);
  });
});

describe('combining reports', () => {
  const two = [zhRow(), secondRow(), zhRow({ [col.phone ?? 0]: 'x' })];

  test('row errors from the caller take their rows out of the valid list', () => {
    const report = validateImportRows(fileOf(zhHeaders, two), today);
    expect(report.valid.map((v) => v.line)).toEqual([2, 3]);
    const merged = withRowErrors(report, [
      { line: 2, field: 'organizationId', column: '所在组织', problem: 'MEMBER_ORGANIZATION_NOT_FOUND: no organisation org-1' },
    ]);
    expect(merged.valid.map((v) => v.line)).toEqual([3]);
    expect(merged.errors.map((e) => `${e.line} ${e.field}`)).toEqual(['2 organizationId', '4 nationalId', '4 phone']);
  });

  test("reports merge in line order, keeping each report's order within a line", () => {
    const a: ImportReport = {
      valid: [],
      errors: [{ line: 5, field: 'name', problem: 'a' }],
      warnings: [{ line: 1, column: 'x', problem: 'w' }],
    };
    const b = validateImportRows(fileOf(zhHeaders, two), today);
    const merged = mergeImportReports(b, a);
    expect(merged.errors.map((e) => `${e.line} ${e.field}`)).toEqual(['4 nationalId', '4 phone', '5 name']);
    expect(merged.valid.map((v) => v.line)).toEqual([2, 3]);
    expect(merged.warnings).toEqual([{ line: 1, column: 'x', problem: 'w' }]);
  });
});

describe('a large file', () => {
  /** 20,000 distinct members: birth dates over about 27 years, two sequence digits. */
  function manyRows(count: number): string[][] {
    const rows: string[][] = [];
    const start = Date.UTC(1960, 0, 1);
    for (let i = 0; i < count; i++) {
      const birth = new Date(start + (i % 10_000) * 86_400_000).toISOString().slice(0, 10);
      const gender = i % 2 === 0 ? 'male' : 'female';
      const id = syntheticId(birth, gender, { sequence: String(Math.floor(i / 10_000)).padStart(2, '0') });
      rows.push([`党员${i}`, gender === 'male' ? '男' : '女', '汉族', birth, id, '本科', '', 'org-1', '入党申请人', '2024-01-01']);
    }
    return rows;
  }

  test('20,000 rows from CSV parse and validate', async () => {
    const headers = zhHeaders.slice(0, 10);
    const bytes = Buffer.from(csvOf([headers, ...manyRows(20_000)]));
    const file = await parseMemberFile(bytes, 'csv');
    const report = validateImportRows(file, today);
    expect(report.errors).toEqual([]);
    expect(report.valid).toHaveLength(20_000);
    expect(report.valid[19_999]?.line).toBe(20_001);
  });

  test('5,000 rows from Excel parse and validate', async () => {
    const headers = zhHeaders.slice(0, 10);
    const bytes = await xlsxOf((sheet) => {
      sheet.addRow(headers);
      for (const row of manyRows(5_000)) sheet.addRow(row);
    });
    const report = validateImportRows(await parseMemberFile(bytes, 'xlsx'), today);
    expect(report.errors).toEqual([]);
    expect(report.valid).toHaveLength(5_000);
  });
});
