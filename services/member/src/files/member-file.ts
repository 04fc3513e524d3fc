/**
 * Reading member files for the import: a CSV (UTF-8, or GBK as Chinese Excel saves it) or the
 * first worksheet of an .xlsx workbook, into rows of text keyed by the file's own headers
 * (domain/import.ts validates them).
 */
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DomainError, invalidArgument } from '@repo/errors';
import { importCodes, maxRowsOf, tooManyRows, type MemberFile, type ParseOptions, type SheetRow } from '../domain/import';

export const memberFileFormats = ['csv', 'xlsx'] as const;
export type MemberFileFormat = (typeof memberFileFormats)[number];

function unreadable(format: MemberFileFormat, reason: string): DomainError {
  return invalidArgument(importCodes.unreadable, `the ${format} file could not be read: ${reason}`, { format });
}

/**
 * Collects rows: the first non-blank row is the header, later non-blank rows are data.
 * Throws as soon as the data rows exceed `max`, so an oversized file is not read to the end.
 */
class RowCollector {
  headerLine = 0;
  headers: string[] = [];
  readonly rows: SheetRow[] = [];

  constructor(private readonly max: number) {}

  /** `values[i]` is column i (0-based). Blank rows are dropped; their lines still count. */
  add(line: number, values: readonly string[]): void {
    if (values.every((v) => v === '')) return;
    if (this.headerLine === 0) {
      this.headerLine = line;
      this.headers = values.map((v) => v.replace(/^\uFEFF/, ''));
      return;
    }
    if (this.rows.length >= this.max) throw tooManyRows(this.max);
    // No prototype, so a header such as __proto__ or constructor is just a key.
    const cells = Object.create(null) as Record<string, string>;
    this.headers.forEach((header, i) => {
      if (header !== '' && !(header in cells)) cells[header] = values[i] ?? '';
    });
    this.rows.push({ line, cells });
  }

  result(): MemberFile {
    return { headerLine: this.headerLine || 1, headers: this.headers, rows: this.rows };
  }
}

/**
 * Text of a file exported by Excel or WPS: UTF-8 (a BOM is dropped) when the bytes are valid
 * UTF-8, otherwise GB18030, the superset of GBK that Chinese Excel uses for "CSV".
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readCsv(bytes: Buffer, max: number): MemberFile {
  const collector = new RowCollector(max);
  let line = 0;
  try {
    parseCsv(decodeText(bytes), {
      relax_column_count: true,
      skip_empty_lines: false,
      // Spreadsheet line = record number: a quoted cell with line breaks is still one row.
      on_record: (record: string[]) => {
        line += 1;
        collector.add(line, record.map((v) => v.trim()));
        return null;
      },
    });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw unreadable('csv', err instanceof Error ? err.message : String(err));
  }
  return collector.result();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Date as its UTC calendar day: exceljs gives Excel's date serials as UTC instants. */
function utcDay(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'invalid date';
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Text of an exceljs cell value: rich text joined, formulas by their result, dates as days. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return utcDay(value);
  if (isObject(value)) {
    if (Array.isArray(value.richText)) {
      return value.richText.map((part: unknown) => (isObject(part) ? cellText(part.text) : '')).join('').trim();
    }
    if ('result' in value) return cellText(value.result);
    if ('error' in value) return cellText(value.error);
    if ('text' in value) return cellText(value.text);
  }
  return '';
}

/**
 * exceljs turns date-formatted number cells into Dates, but leaves a formula's result (=DATE(...))
 * as the serial number; these read the cell's number format to do the same for them.
 */
function isDateFormula(value: unknown): value is { result: number } {
  return isObject(value) && ('formula' in value || 'sharedFormula' in value) && typeof value.result === 'number';
}

function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  return /[ymd]/i.test(numFmt.replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, ''));
}

/** Day of an Excel serial date (1900 date system; exact from 1900-03-01, past Excel's 1900 leap-day bug). */
function serialDay(serial: number): string {
  return utcDay(new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000));
}

const zipSignature = [0x50, 0x4b, 0x03, 0x04];
const oleSignature = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Buffer, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** Reads the first worksheet with exceljs's streaming reader (a fraction of the memory of load). */
async function readXlsx(bytes: Buffer, max: number): Promise<MemberFile> {
  // exceljs never settles on input that is not a zip (an empty buffer hangs), so check first.
  if (startsWith(bytes, oleSignature)) {
    throw unreadable('xlsx', 'this is an old .xls workbook (Excel 97-2003); save it as .xlsx');
  }
  if (!startsWith(bytes, zipSignature)) throw unreadable('xlsx', 'this is not an .xlsx workbook');

  const failed = (err: unknown) => {
    if (err instanceof DomainError) return err;
    return unreadable('xlsx', err instanceof Error ? err.message : String(err));
  };
  try {
    return await streamFirstWorksheet(bytes, max);
  } catch (err) {
    // exceljs's streaming reader can reach a worksheet before it has parsed workbook.xml (a race
    // seen under load, exceljs#962): the same bytes read whole parse in order.
    if (!(err instanceof TypeError && /'sheets'/.test(err.message))) throw failed(err);
  }
  try {
    return await loadFirstWorksheet(bytes, max);
  } catch (err) {
    throw failed(err);
  }
}

/** One row's cells as text (exceljs rows are 1-based: values[0] is always empty). */
function rowTexts(row: ExcelJS.Row): string[] {
  const cells = row.values;
  const values: string[] = [];
  if (Array.isArray(cells)) {
    for (let c = 1; c < cells.length; c++) {
      const value = cells[c];
      values.push(isDateFormula(value) && isDateFormat(row.getCell(c).numFmt) ? serialDay(value.result) : cellText(value));
    }
  }
  return values;
}

async function streamFirstWorksheet(bytes: Buffer, max: number): Promise<MemberFile> {
  const collector = new RowCollector(max);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const worksheet of reader) {
    for await (const row of worksheet) collector.add(row.number, rowTexts(row));
    return collector.result(); // the first worksheet only
  }
  throw unreadable('xlsx', 'the workbook has no worksheet');
}

/** The whole-workbook reader the streaming one falls back to (exported for its test). */
export async function loadFirstWorksheet(bytes: Buffer, max: number): Promise<MemberFile> {
  const collector = new RowCollector(max);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const worksheet = workbook.worksheets[0];
  if (!worksheet) throw unreadable('xlsx', 'the workbook has no worksheet');
  worksheet.eachRow((row) => collector.add(row.number, rowTexts(row)));
  return collector.result();
}

/**
 * Reads a CSV (UTF-8 with or without BOM, or GBK/GB18030) or the first worksheet of an .xlsx
 * workbook. Blank rows are skipped but keep line numbers counting. Throws
 * MEMBER_IMPORT_UNREADABLE for a file that cannot be read and MEMBER_IMPORT_TOO_MANY_ROWS past
 * `maxRows` data rows (default 100,000).
 */
export async function parseMemberFile(bytes: Buffer, format: MemberFileFormat, options?: ParseOptions): Promise<MemberFile> {
  const max = maxRowsOf(options);
  if (format === 'csv') return readCsv(bytes, max);
  if (format === 'xlsx') return readXlsx(bytes, max);
  throw invalidArgument(importCodes.unreadable, `unknown import format ${String(format)}; use csv or xlsx`, {
    format: String(format),
  });
}
