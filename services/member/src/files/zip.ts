/**
 * The entries of a zip archive (an .xlsx workbook is one), read from its central directory, and
 * each entry's bytes inflated as a stream, so what an archive unpacks to can be measured before
 * a reader that trusts it (exceljs) sees it; and an archive written anew from deflated entries.
 * Only what that needs: stored and deflated entries, zip64 sizes, no encryption.
 */
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As the central directory declares it; the inflated bytes may say otherwise. */
  size: number;
  /** Where the entry's data starts in the archive. */
  dataOffset: number;
}

/** A malformed or unsupported archive; the message says what is wrong with it. */
export class ZipFormatError extends Error {}

const signatures = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50 } as const;
const max32 = 0xffffffff;
const max16 = 0xffff;
/** A data descriptor after an entry's data: optional signature, CRC and two sizes of 4 or 8 bytes. */
const maxDescriptorBytes = 24;

function u16(bytes: Buffer, at: number): number {
  if (at + 2 > bytes.length) throw new ZipFormatError('the archive is cut short');
  return bytes.readUInt16LE(at);
}

function u32(bytes: Buffer, at: number): number {
  if (at + 4 > bytes.length) throw new ZipFormatError('the archive is cut short');
  return bytes.readUInt32LE(at);
}

function u64(bytes: Buffer, at: number): number {
  if (at + 8 > bytes.length) throw new ZipFormatError('the archive is cut short');
  const value = bytes.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('the archive declares an impossible size');
  return Number(value);
}

/** The end of central directory record: how many entries, and where the directory is. */
function directoryOf(bytes: Buffer): { entries: number; offset: number } {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const lowest = Math.max(0, bytes.length - 22 - max16);
  let end = -1;
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === signatures.end) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('no central directory');
  const entries = u16(bytes, end + 10);
  const offset = u32(bytes, end + 16);
  if (entries !== max16 && offset !== max32) return { entries, offset };
  // Zip64: a locator right before the record points at the zip64 end record.
  const locator = end - 20;
  if (locator < 0 || u32(bytes, locator) !== signatures.locator64) throw new ZipFormatError('zip64 sizes without their locator');
  const end64 = u64(bytes, locator + 8);
  if (u32(bytes, end64) !== signatures.end64) throw new ZipFormatError('zip64 sizes without their record');
  return { entries: u64(bytes, end64 + 32), offset: u64(bytes, end64 + 48) };
}

/**
 * The archive's entries, in the order of their data. Refused unless the entries cover the
 * archive from its first byte to the directory with nothing between them (bar data
 * descriptors): a sequential reader would otherwise meet data the directory does not list.
 * `maxEntries` is checked before any entry is read.
 */
export function zipEntries(bytes: Buffer, maxEntries: number, tooMany: (count: number) => Error): ZipEntry[] {
  const directory = directoryOf(bytes);
  if (directory.entries > maxEntries) throw tooMany(directory.entries);
  const found: (ZipEntry & { headerOffset: number; descriptor: boolean })[] = [];
  let at = directory.offset;
  for (let i = 0; i < directory.entries; i++) {
    if (u32(bytes, at) !== signatures.central) throw new ZipFormatError('a damaged central directory');
    const flags = u16(bytes, at + 8);
    if (flags & 1) throw new ZipFormatError('an encrypted entry');
    const method = u16(bytes, at + 10);
    let compressedSize = u32(bytes, at + 20);
    let size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    let headerOffset = u32(bytes, at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    // Zip64 sizes sit in an extra field, each present only where the directory says 0xffffffff.
    for (let extra = at + 46 + nameLength; extra + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = u16(bytes, extra);
      const length = u16(bytes, extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === max32) {
          size = u64(bytes, field);
          field += 8;
        }
        if (compressedSize === max32) {
          compressedSize = u64(bytes, field);
          field += 8;
        }
        if (headerOffset === max32) headerOffset = u64(bytes, field);
      }
      extra += 4 + length;
    }
    if (method !== 0 && method !== 8) throw new ZipFormatError(`entry ${name} is compressed with method ${method}`);
    if (u32(bytes, headerOffset) !== signatures.local) throw new ZipFormatError(`entry ${name} has no local header`);
    const dataOffset = headerOffset + 30 + u16(bytes, headerOffset + 26) + u16(bytes, headerOffset + 28);
    const descriptor = (u16(bytes, headerOffset + 6) & 0x08) !== 0;
    const localSize = u32(bytes, headerOffset + 18);
    if (!descriptor && localSize !== max32 && localSize !== compressedSize)
      throw new ZipFormatError(`entry ${name} has two different sizes`);
    found.push({ name, method, compressedSize, size, dataOffset, headerOffset, descriptor });
    at += 46 + nameLength + extraLength + commentLength;
  }
  found.sort((a, b) => a.headerOffset - b.headerOffset);
  // Each entry starts where the one before ended (after its descriptor, if it has one), and
  // the directory where the last one ended.
  let end = 0;
  let descriptor = false;
  const follows = (start: number) => start === end || (descriptor && start > end && start - end <= maxDescriptorBytes);
  for (const entry of found) {
    if (!follows(entry.headerOffset)) throw new ZipFormatError('data outside the entries the directory lists');
    end = entry.dataOffset + entry.compressedSize;
    descriptor = entry.descriptor;
  }
  if (!follows(directory.offset)) throw new ZipFormatError('data outside the entries the directory lists');
  return found.map(({ name, method, compressedSize, size, dataOffset }) => ({ name, method, compressedSize, size, dataOffset }));
}

/** The entry's unpacked bytes, chunk by chunk; nothing is kept once a chunk is handed on. */
export async function* unpacked(bytes: Buffer, entry: ZipEntry): AsyncGenerator<Buffer> {
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) {
    yield data;
    return;
  }
  try {
    for await (const chunk of Readable.from([data]).pipe(createInflateRaw())) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('Z_'))
      throw new ZipFormatError(`entry ${entry.name} does not inflate`);
    throw err;
  }
}

/** An entry to write: its name, its deflated bytes, and the CRC-32 and size of what they inflate to. */
export interface DeflatedEntry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
}

/** A zip archive of deflated entries (each under 4 GiB, as every entry a member file may hold). */
export function zipArchive(entries: readonly DeflatedEntry[]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = (size: number, signature: number) => {
      const bytes = Buffer.alloc(size);
      bytes.writeUInt32LE(signature, 0);
      return bytes;
    };
    const local = header(30, signatures.local);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = header(46, signatures.central);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, entry.data);
    directory.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(signatures.end, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directoryBytes, end]);
}
