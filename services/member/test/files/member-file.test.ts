/** What a member file may expand to: every limit refuses a file before it is read out. */
import ExcelJS from 'exceljs';
import { DomainError } from '@repo/errors';
import { fileLimits, parseMemberFile } from '../../src/files/member-file';
import { sheetWithCell, workbookWith, zipOf } from '../fixtures/zip';

/** The code and details of the DomainError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, string> }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('workbooks', () => {
  test('the fixture workbook reads like any other', async () => {
    const file = await parseMemberFile(workbookWith(sheetWithCell(Buffer.from('姓名'))), 'xlsx');
    expect(file.headers).toEqual(['姓名']);
  });

  test('Chinese text reads back whole wherever the inflated chunks split it', async () => {
    // exceljs's streaming reader decoded each chunk apart: 9 of these names came back with U+FFFD.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('党员');
    sheet.addRow(['姓名', '民族']);
    for (let i = 0; i < 5_000; i++) sheet.addRow([`党员测试${i}`, '维吾尔族']);
    const file = await parseMemberFile(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx');
    expect(file.rows.map((r) => r.cells['姓名'])).toEqual(Array.from({ length: 5_000 }, (_, i) => `党员测试${i}`));
    expect(new Set(file.rows.map((r) => r.cells['民族']))).toEqual(new Set(['维吾尔族']));
  });

  test("a cell of 32,767 Chinese characters, Excel's most, is read", async () => {
    const text = '党'.repeat(fileLimits.cellChars);
    expect((await parseMemberFile(workbookWith(sheetWithCell(Buffer.from(text))), 'xlsx')).headers).toEqual([text]);
  });

  test('a cell of 100 MB in a file of about 100 KB is refused by its declared size, unread', async () => {
    const bomb = workbookWith(sheetWithCell(Buffer.alloc(100_000_000, 'A')));
    expect(bomb.length).toBeLessThan(200_000);
    const heapBefore = process.memoryUsage().heapUsed;
    expect(await refusal(parseMemberFile(bomb, 'xlsx'))).toEqual({
      code: 'MEMBER_IMPORT_TOO_LARGE',
      details: { limit: 'unpackedBytes', max: String(fileLimits.unpackedBytes), value: expect.any(String) },
    });
    // Nothing near the cell's size was held.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(20_000_000);
  });

  test('sizes that lie are caught by what the entries inflate to', async () => {
    const lying = workbookWith(sheetWithCell(Buffer.alloc(100_000_000, 'A')), { declaredSheetSize: 1_000 });
    // The cell's run of text is the first limit the inflated bytes reach.
    expect(await refusal(parseMemberFile(lying, 'xlsx'))).toMatchObject({
      code: 'MEMBER_IMPORT_TOO_LARGE',
      details: { limit: 'cellBytes' },
    });
  });

  test('a cell within the unpacked size but longer than any cell may be is refused', async () => {
    const long = workbookWith(sheetWithCell(Buffer.alloc(fileLimits.cellBytes + 1, 'A')));
    expect(await refusal(parseMemberFile(long, 'xlsx'))).toMatchObject({
      code: 'MEMBER_IMPORT_TOO_LARGE',
      details: { limit: 'cellBytes' },
    });
  });

  test('an attribute, a comment or a CDATA section is measured like text, whatever it holds', async () => {
    const huge = 'x>'.repeat(fileLimits.cellBytes);
    for (const piece of [`<x a="${huge}"/>`, `<!-- <${huge} -->`, `<![CDATA[<${huge}]]>`]) {
      const sheet = Buffer.from(
        `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${piece}<sheetData/></worksheet>`,
      );
      expect(await refusal(parseMemberFile(workbookWith(sheet), 'xlsx'))).toMatchObject({ details: { limit: 'cellBytes' } });
    }
  });

  test('a cell longer than Excel allows is refused by its characters', async () => {
    const long = workbookWith(sheetWithCell(Buffer.from('党'.repeat(fileLimits.cellChars + 1))));
    expect(await refusal(parseMemberFile(long, 'xlsx'))).toEqual({
      code: 'MEMBER_IMPORT_TOO_LARGE',
      details: { limit: 'cellChars', max: String(fileLimits.cellChars), value: String(fileLimits.cellChars + 1) },
    });
  });

  test('too many entries are refused before any is read', async () => {
    const many = zipOf(Array.from({ length: fileLimits.entries + 1 }, (_, i) => ({ name: `x${i}.xml`, data: Buffer.from('<a/>') })));
    expect(await refusal(parseMemberFile(many, 'xlsx'))).toMatchObject({
      details: { limit: 'entries', value: String(fileLimits.entries + 1) },
    });
  });

  test('data the central directory does not list makes the workbook unreadable', async () => {
    const hidden = zipOf([
      { name: 'a.xml', data: Buffer.from('<a/>') },
      { name: 'b.xml', data: Buffer.from('<b/>'), hiddenBefore: zipOf([{ name: 'bomb.xml', data: Buffer.alloc(1_000_000, 'A') }]) },
    ]);
    expect(await refusal(parseMemberFile(hidden, 'xlsx'))).toMatchObject({ code: 'MEMBER_IMPORT_UNREADABLE' });
  });
});

describe('rows and columns, in CSV and workbooks alike', () => {
  test('more columns than a member file has are refused', async () => {
    const csv = Buffer.from(`${Array.from({ length: fileLimits.columns + 1 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(await refusal(parseMemberFile(csv, 'csv'))).toMatchObject({
      details: { limit: 'columns', value: String(fileLimits.columns + 1) },
    });
  });

  test('blank lines count towards the rows a file may have', async () => {
    const csv = Buffer.from(`姓名\n${'\n'.repeat(fileLimits.rows)}`);
    expect(await refusal(parseMemberFile(csv, 'csv'))).toMatchObject({ details: { limit: 'rows' } });
  });

  test('a CSV cell longer than Excel allows is refused', async () => {
    const csv = Buffer.from(`姓名\n${'x'.repeat(fileLimits.cellChars + 1)}\n`);
    expect(await refusal(parseMemberFile(csv, 'csv'))).toMatchObject({ details: { limit: 'cellChars' } });
  });
});
