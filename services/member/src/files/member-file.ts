/**
 * Reading member files for the import: a CSV (UTF-8, or GBK as Chinese Excel saves it) or the
 * first worksheet of an .xlsx workbook, into rows of text keyed by the file's own headers
 * (domain/import.ts validates them).
 *
 * A workbook is a zip, and a few kilobytes of zip can unpack to gigabytes (one cell of 100 MB
 * once ran the service out of heap). So before exceljs sees a workbook, its central directory's
 * sizes are checked and every entry is inflated as a stream and measured: the total unpacked
 * size and the longest piece of XML (a cell's text, an attribute, a comment) are bounded, and a
 * file that lies about its sizes is caught by what it inflates to. A CSV unpacks to nothing more
 * than itself; both kinds then have their cells, columns and rows bounded as they are read.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { crc32, createDeflateRaw } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DomainError, invalidArgument } from '@repo/errors';
import { importCodes, maxRowsOf, tooManyRows, type MemberFile, type ParseOptions, type SheetRow } from '../domain/import';
import { unpacked, zipArchive, zipEntries, ZipFormatError, type DeflatedEntry, type ZipEntry } from './zip';

export const memberFileFormats = ['csv', 'xlsx'] as const;
export type MemberFileFormat = (typeof memberFileFormats)[number];

/** What a member file may expand to; beyond any of these it is refused unread. */
export const fileLimits = {
  /** Everything a workbook's entries unpack to. A province's 100,000 rows take about 50 MB. */
  unpackedBytes: 64 * 1024 * 1024,
  /** Entries of a workbook (a few dozen in practice). */
  entries: 1_000,
  /** The longest run of a workbook's XML without markup: a cell's text, escaped, at most. */
  cellBytes: 256 * 1024,
  /** Characters of one cell: Excel's own maximum. */
  cellChars: 32_767,
  columns: 256,
  /** Lines read, blank ones included (data rows are bounded by maxRows). */
  rows: 200_000,
} as const;

export type FileLimit = keyof typeof fileLimits;

/** 400 MEMBER_IMPORT_TOO_LARGE naming the limit, its value and what the file came to. */
export function tooLarge(limit: FileLimit, value: number): DomainError {
  return invalidArgument(
    importCodes.tooLarge,
    `the file exceeds the import limit ${limit} (${fileLimits[limit]}): it comes to ${value} or more`,
    {
      limit,
      max: String(fileLimits[limit]),
      value: String(value),
    },
  );
}

function unreadable(format: MemberFileFormat, reason: string): DomainError {
  return invalidArgument(importCodes.unreadable, `the ${format} file could not be read: ${reason}`, { format });
}

/**
 * Collects rows: the first non-blank row is the header, later non-blank rows are data.
 * Throws as soon as the data rows exceed `max` or a row exceeds a file limit, so an oversized
 * file is not read to the end.
 */
class RowCollector {
  headerLine = 0;
  headers: string[] = [];
  readonly rows: SheetRow[] = [];
  private lines = 0;

  constructor(private readonly max: number) {}

  /** `values[i]` is column i (0-based). Blank rows are dropped; their lines still count. */
  add(line: number, values: readonly string[]): void {
    if (++this.lines > fileLimits.rows) throw tooLarge('rows', this.lines);
    if (values.length > fileLimits.columns) throw tooLarge('columns', values.length);
    for (const value of values) if (value.length > fileLimits.cellChars) throw tooLarge('cellChars', value.length);
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
        collector.add(
          line,
          record.map((v) => v.trim()),
        );
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
      return value.richText
        .map((part: unknown) => (isObject(part) ? cellText(part.text) : ''))
        .join('')
        .trim();
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

/**
 * Measures the longest run of XML a parser would hold as one string: text between tags, a tag
 * with its attributes (which may hold '>'), a comment, a CDATA section. Fed chunk by chunk.
 */
class XmlRuns {
  private state: 'text' | 'tag' | 'quoted' | 'comment' | 'cdata' = 'text';
  private run = 0;
  /** The opening bytes of the current tag, to tell comments and CDATA sections from tags. */
  private opening = '';
  private quote = 0;
  /** The last bytes seen, to find the end of a comment (-->) or a CDATA section (]]>). */
  private last = [0, 0];

  constructor(private readonly max: number) {}

  write(chunk: Buffer): void {
    for (const byte of chunk) {
      this.step(byte);
      if (++this.run > this.max) throw tooLarge('cellBytes', this.run);
      this.last = [this.last[1]!, byte];
    }
  }

  private step(byte: number): void {
    const lt = 0x3c;
    const gt = 0x3e;
    switch (this.state) {
      case 'text':
        if (byte === lt) this.open();
        return;
      case 'tag':
        if (this.opening.length < 9) {
          this.opening += String.fromCharCode(byte);
          if (this.opening === '!--') this.state = 'comment';
          else if (this.opening === '![CDATA[') this.state = 'cdata';
        }
        if (this.state !== 'tag') return;
        if (byte === 0x22 || byte === 0x27) {
          this.state = 'quoted';
          this.quote = byte;
        } else if (byte === gt) this.close();
        return;
      case 'quoted':
        if (byte === this.quote) this.state = 'tag';
        return;
      case 'comment':
        if (byte === gt && this.last[0] === 0x2d && this.last[1] === 0x2d) this.close();
        return;
      case 'cdata':
        if (byte === gt && this.last[0] === 0x5d && this.last[1] === 0x5d) this.close();
    }
  }

  private open(): void {
    this.state = 'tag';
    this.opening = '';
    this.run = 0;
  }

  private close(): void {
    this.state = 'text';
    // write() counts the closing byte next; the text after it starts from zero.
    this.run = -1;
  }
}

const isXml = (entry: ZipEntry) => /\.(xml|rels|vml)$/i.test(entry.name);

/** XML as ASCII: every other character as a character reference, which XML parsers read back as it was. */
function asciiXml(text: string): string {
  return text.replace(/[^\p{ASCII}]/gu, (char) => `&#x${char.codePointAt(0)!.toString(16)};`);
}

/**
 * One entry inflated, measured and deflated again; an XML entry re-encoded as ASCII on the way
 * (see readableWorkbook). `measure` sees every inflated chunk and throws past a limit.
 */
async function repacked(bytes: Buffer, entry: ZipEntry, measure: (chunk: Buffer) => void): Promise<DeflatedEntry> {
  const xml = isXml(entry);
  const decoder = new StringDecoder('utf8');
  const deflater = createDeflateRaw();
  const compressed: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => compressed.push(chunk));
  const ended = once(deflater, 'end');
  let crc = 0;
  let size = 0;
  const write = async (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await once(deflater, 'drain');
  };
  try {
    for await (const chunk of unpacked(bytes, entry)) {
      measure(chunk);
      await write(xml ? Buffer.from(asciiXml(decoder.write(chunk)), 'latin1') : chunk);
    }
    if (xml) await write(Buffer.from(asciiXml(decoder.end()), 'latin1'));
    deflater.end();
    await ended;
  } finally {
    deflater.destroy();
  }
  return { name: entry.name, data: Buffer.concat(compressed), crc, size };
}

/**
 * The workbook as exceljs is given it: checked against the limits (MEMBER_IMPORT_TOO_LARGE)
 * while every entry is inflated, and written anew with its XML in ASCII. exceljs's streaming
 * reader decodes each inflated chunk on its own, so a character whose UTF-8 bytes a chunk
 * boundary split came out as U+FFFD twice (9 of 5,000 Chinese names in one workbook); ASCII has
 * no character to split. Holds one entry's chunk at a time, and the deflated copy.
 */
async function readableWorkbook(bytes: Buffer): Promise<Buffer> {
  const entries = zipEntries(bytes, fileLimits.entries, (count) => tooLarge('entries', count));
  const declared = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (declared > fileLimits.unpackedBytes) throw tooLarge('unpackedBytes', declared);
  // The declared sizes may lie: what the entries really inflate to is counted too.
  let total = 0;
  const copies: DeflatedEntry[] = [];
  for (const entry of entries) {
    const runs = isXml(entry) ? new XmlRuns(fileLimits.cellBytes) : undefined;
    copies.push(
      await repacked(bytes, entry, (chunk) => {
        total += chunk.length;
        if (total > fileLimits.unpackedBytes) throw tooLarge('unpackedBytes', total);
        runs?.write(chunk);
      }),
    );
  }
  return zipArchive(copies);
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
  let workbook: Buffer;
  try {
    workbook = await readableWorkbook(bytes);
  } catch (err) {
    if (err instanceof ZipFormatError) throw unreadable('xlsx', err.message);
    throw err;
  }
  try {
    return await streamFirstWorksheet(workbook, max);
  } catch (err) {
    // exceljs's streaming reader can reach a worksheet before it has parsed workbook.xml (a race
    // seen under load, exceljs#962): the same bytes read whole parse in order.
    if (!(err instanceof TypeError && /'sheets'/.test(err.message))) throw failed(err);
  }
  try {
    return await loadFirstWorksheet(workbook, max);
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

/**
 * The whole-workbook reader the streaming one falls back to, for a workbook already checked
 * against the file limits (exported for its test).
 */
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
 * MEMBER_IMPORT_UNREADABLE for a file that cannot be read, MEMBER_IMPORT_TOO_MANY_ROWS past
 * `maxRows` data rows (default 100,000) and MEMBER_IMPORT_TOO_LARGE past a file limit.
 */
export async function parseMemberFile(bytes: Buffer, format: MemberFileFormat, options?: ParseOptions): Promise<MemberFile> {
  const max = maxRowsOf(options);
  if (format === 'csv') return readCsv(bytes, max);
  if (format === 'xlsx') return readXlsx(bytes, max);
  throw invalidArgument(importCodes.unreadable, `unknown import format ${String(format)}; use csv or xlsx`, {
    format: String(format),
  });
}
