/**
 * Bombs sent to the member import: workbooks of a hundred kilobytes that unpack to a hundred
 * megabytes (one inline string, one shared string referenced everywhere, a million rows, twenty
 * thousand columns), an XML entity bomb, CSV files up to the import's body limit. Each is refused
 * with 400 or 413 and a MEMBER_IMPORT_ code naming the limit, in a bounded answer; the member
 * service keeps serving (a bomb once ran it out of heap), and nothing is imported.
 */
import { deflateRawSync } from 'node:zlib';
import { startPlatform, type Platform } from '../support';
import { expectRefused, send, superAdmin, type Answer } from './hostile';

jest.setTimeout(300_000);

let platform: Platform;
let before: number;

beforeAll(async () => {
  platform = await startPlatform();
  before = await memberTotal();
});

afterEach(async () => {
  // Still serving, and nothing was imported.
  expect(await memberTotal()).toBe(before);
});

afterAll(async () => {
  await platform?.stop();
});

async function memberTotal(): Promise<number> {
  const answer = await send(platform, 'GET', '/api/v1/members?size=1', { headers: superAdmin });
  expect(answer.status).toBe(200);
  return answer.body.total as number;
}

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function importFile(body: Buffer | string, contentType: string): Promise<Answer> {
  return send(platform, 'POST', '/api/v1/members/import?dryRun=true', {
    headers: { ...superAdmin, 'content-type': contentType },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

/** Refused with 400 or 413 and one of the import's codes, in an answer of bounded size. */
function expectImportRefused(answer: Answer): void {
  expect([400, 413]).toContain(answer.status);
  expectRefused(answer, answer.status, answer.body?.error?.code);
  expect(answer.body.error.code).toMatch(/^MEMBER_IMPORT_/);
  expect(answer.text.length).toBeLessThan(64 * 1024);
}

// ---------------------------------------------------------------------------------------------
// A zip archive written by hand, so its entries can lie about nothing and still unpack to a lot.
// ---------------------------------------------------------------------------------------------
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = deflateRawSync(data, { level: 9 });
    const fileName = Buffer.from(name);
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(8, at); // deflated
      header.writeUInt32LE(crc32(data), at + 6);
      header.writeUInt32LE(packed.length, at + 10);
      header.writeUInt32LE(data.length, at + 14);
      header.writeUInt16LE(fileName.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const header = ['姓名', '性别', '民族', '出生日期', '身份证号', '学历', '所在组织', '发展阶段'];
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const headerRow = `<row r="1">${header.map((h, i) => inline(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`;

/** A workbook of one sheet whose XML is `sheet` (and a shared-strings part when given). */
function workbook(sheet: Buffer, sharedStrings?: Buffer): Buffer {
  const xml = (text: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${text}`);
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zip([
    [
      '[Content_Types].xml',
      xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          (sharedStrings
            ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            : '') +
          '</Types>',
      ),
    ],
    [
      '_rels/.rels',
      xml(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    ],
    [
      'xl/workbook.xml',
      xml(`<workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="党员名册" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    ],
    [
      'xl/_rels/workbook.xml.rels',
      xml(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
          (sharedStrings ? `<Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/>` : '') +
          '</Relationships>',
      ),
    ],
    ['xl/worksheets/sheet1.xml', sheet],
    ...(sharedStrings ? [['xl/sharedStrings.xml', sharedStrings] as [string, Buffer]] : []),
  ]);
}

const sheetXml = (rows: Buffer | string) =>
  Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${ns}"><sheetData>${headerRow}`),
    Buffer.from(rows),
    Buffer.from('</sheetData></worksheet>'),
  ]);

const hundredMegabytes = 100 * 1024 * 1024;

describe('Excel bombs', () => {
  test('one inline-string cell that unpacks to 100 MB', async () => {
    const rows = Buffer.concat([
      Buffer.from('<row r="2"><c r="A2" t="inlineStr"><is><t>'),
      Buffer.alloc(hundredMegabytes, 'A'),
      Buffer.from('</t></is></c></row>'),
    ]);
    const file = workbook(sheetXml(rows));
    expect(file.length).toBeLessThan(1024 * 1024);
    expectImportRefused(await importFile(file, xlsxType));
  });

  test('one shared string of 10 MB referenced by every cell of 5,000 rows (the answer would repeat it)', async () => {
    const strings = Buffer.concat([
      Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${ns}" count="1" uniqueCount="1"><si><t>`),
      Buffer.alloc(10 * 1024 * 1024, 'B'),
      Buffer.from('</t></si></sst>'),
    ]);
    const cells = (r: number) => header.map((_, i) => `<c r="${String.fromCharCode(65 + i)}${r}" t="s"><v>0</v></c>`).join('');
    const rows = Array.from({ length: 5_000 }, (_, i) => `<row r="${i + 2}">${cells(i + 2)}</row>`).join('');
    expectImportRefused(await importFile(workbook(sheetXml(rows), strings), xlsxType));
  });

  test('a million rows', async () => {
    const row = (r: number) => `<row r="${r}">${inline(`A${r}`, '王')}</row>`;
    const rows = Array.from({ length: 1_000_000 }, (_, i) => row(i + 2)).join('');
    expectImportRefused(await importFile(workbook(sheetXml(rows)), xlsxType));
  });

  test('twenty thousand columns', async () => {
    const column = (i: number) => {
      let name = '';
      for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
      return name;
    };
    const wide = `<row r="2">${Array.from({ length: 20_000 }, (_, i) => inline(`${column(i)}2`, '王')).join('')}</row>`;
    expectImportRefused(await importFile(workbook(sheetXml(wide)), xlsxType));
  });

  test('an XML entity bomb (billion laughs) in the sheet', async () => {
    const entities = [
      '<!ENTITY lol0 "lollollollollollollollollollol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
    ].join('');
    const sheet = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [${entities}]><worksheet xmlns="${ns}"><sheetData>${headerRow}<row r="2">${inline('A2', '&lol9;')}</row></sheetData></worksheet>`,
    );
    expectImportRefused(await importFile(workbook(sheet), xlsxType));
  });

  test('a zip whose entry declares a small size and inflates to 100 MB', async () => {
    const file = workbook(sheetXml(Buffer.alloc(hundredMegabytes, ' ')));
    // The central directory and local header say 1,000 bytes; the data says otherwise.
    for (
      let at = file.indexOf(Buffer.from('xl/worksheets/sheet1.xml'));
      at >= 0;
      at = file.indexOf(Buffer.from('xl/worksheets/sheet1.xml'), at + 1)
    ) {
      const signature = file.readUInt32LE(at - 30) === 0x04034b50 ? at - 30 : at - 46;
      const sizeAt = file.readUInt32LE(signature) === 0x04034b50 ? signature + 22 : signature + 24;
      file.writeUInt32LE(1_000, sizeAt);
    }
    expectImportRefused(await importFile(file, xlsxType));
  });
});

describe('CSV bombs', () => {
  const csvHeader = header.join(',');

  test('one 30 MB field, near the import body limit', async () => {
    expectImportRefused(await importFile(`${csvHeader}\n"${'王'.repeat(10 * 1024 * 1024)}",男,汉族`, 'text/csv'));
  });

  test('a million rows', async () => {
    expectImportRefused(await importFile(`${csvHeader}\n${'王,男\n'.repeat(1_000_000)}`, 'text/csv'));
  });

  test('a million columns', async () => {
    expectImportRefused(await importFile(`${csvHeader}${','.repeat(1_000_000)}\n王`, 'text/csv'));
  });

  test('a file over the import body limit is refused before it is read: 413 PAYLOAD_TOO_LARGE', async () => {
    expectRefused(await importFile(Buffer.alloc(33 * 1024 * 1024, 'a'), 'text/csv'), 413, 'PAYLOAD_TOO_LARGE');
  });
});

test('after all of them, an ordinary file still imports (dry run)', async () => {
  const answer = await importFile(`${header.join(',')}\n`, 'text/csv');
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ imported: 0 });
});
