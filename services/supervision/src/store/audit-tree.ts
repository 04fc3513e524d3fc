/**
 * The audit log in the document store: entries, the tree's tiles, the head (size and compact
 * range) and the buckets that queries walk. One writer, the sequencer (audit/sequencer.ts), appends;
 * every replica reads.
 *
 * Shaped by FerretDB v1, which pushes only equality down to PostgreSQL and has no transactions:
 * - an entry's `_id` is its index, so two writers can never put two entries at one index (the
 *   unique `_id` is the compare-and-set), and a unique `eventId` makes a redelivered event a
 *   duplicate-key error instead of a second leaf;
 * - ranges, sorts and `$in` would read every stored entry, so entries carry a `bucket` (1,024 in
 *   a row) that queries ask for by equality, newest bucket first;
 * - entries are written a batch at a time; the tiles, the bucket spans and then the head only
 *   when the log signs a checkpoint. After a crash (or between checkpoints) the entries past the
 *   head are found by their bucket and taken in (see entriesFrom);
 * - the head and the tiles only grow: a writer that lost its lease and writes late cannot move
 *   the head back or shorten a tile another writer extended (the update matches only a smaller
 *   one, and its upsert then hits the unique `_id`).
 */
import { isDuplicateKey, mongoose, type Connection } from '@repo/db';
import { tileKey, type TileId } from '../domain/tiles';

type Binary = InstanceType<typeof mongoose.mongo.Binary>;
const binary = (bytes: Uint8Array) => new mongoose.mongo.Binary(Buffer.from(bytes));
const bytesOf = (value: Binary) => Buffer.from(value.buffer);

export const bucketSize = 1_024;
export const bucketOf = (index: number) => `b${Math.floor(index / bucketSize)}`;

/** What an entry is filed under, besides its leaf. */
export interface EntryFacts {
  eventId: string;
  type: string;
  actor: string;
  subjectId: string;
  orgPath: string;
  /** Every organisation path covering `orgPath` (empty when it has none), for scoped queries by equality. */
  orgScopes: string[];
  occurredAt: string;
}

/**
 * An entry as stored. Its leaf hash is not: the tree's tiles hold it, and an entry edited in the
 * store must not be able to bring a matching hash along.
 */
export interface StoredEntry extends EntryFacts {
  index: number;
  loggedAt: string;
  /** The canonical JSON of the event: what the tree hashes, and what every answer is built from. */
  leaf: string;
}

interface EntryDoc extends StoredEntry {
  _id: string;
  bucket: string;
}

interface TileDoc {
  _id: string;
  hashes: Binary;
  /** How many hashes it holds (absent in tiles stored before it was kept). */
  width?: number;
}

export interface Head {
  origin: string;
  size: number;
  /** The compact range of the whole tree, largest subtree first. */
  frontier: Buffer[];
  updatedAt: string;
}

interface HeadDoc {
  _id: 'head';
  origin: string;
  size: number;
  frontier: Binary[];
  updatedAt: string;
}

/** Time span of a bucket's entries, so a query for a period skips the buckets outside it. */
export interface BucketSpan {
  bucket: number;
  firstOccurredAt: string;
  lastOccurredAt: string;
}

interface BucketDoc {
  _id: string;
  bucket: number;
  firstOccurredAt: string;
  lastOccurredAt: string;
}

/** The entries asked for by equality (within one bucket), and a period. */
export interface EntryFilter {
  type?: string;
  actor?: string;
  subjectId?: string;
  /** Entries at or below this organisation path. */
  orgScope?: string;
  occurredFrom?: string;
  occurredTo?: string;
}

const toEntry = ({ _id: _ignored, bucket: _bucket, ...rest }: EntryDoc): StoredEntry => rest;

export class AuditTreeStore {
  private readonly entries;
  private readonly tiles;
  private readonly heads;
  private readonly buckets;

  constructor(connection: Connection) {
    const db = connection.db!;
    this.entries = db.collection<EntryDoc>('auditEntries');
    this.tiles = db.collection<TileDoc>('auditTiles');
    this.heads = db.collection<HeadDoc>('auditHead');
    this.buckets = db.collection<BucketDoc>('auditBuckets');
  }

  async ensureIndexes(): Promise<void> {
    await this.entries.createIndex({ eventId: 1 }, { unique: true });
    await this.entries.createIndex({ bucket: 1 });
  }

  async head(): Promise<Head | undefined> {
    const doc = await this.heads.findOne({ _id: 'head' });
    return doc ? { origin: doc.origin, size: doc.size, frontier: doc.frontier.map(bytesOf), updatedAt: doc.updatedAt } : undefined;
  }

  /** Moves the head forward; a head already at or past this size is left as it is. */
  async saveHead(head: Head): Promise<void> {
    const doc = { origin: head.origin, size: head.size, frontier: head.frontier.map(binary), updatedAt: head.updatedAt };
    try {
      await this.heads.updateOne({ _id: 'head', size: { $lt: head.size } }, { $set: doc }, { upsert: true });
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
    }
  }

  /**
   * Inserts entries that continue the log, in index order. Answers how many went in before the
   * first that could not: `duplicate` when that entry's event is already logged (at another
   * index), `taken` when its index holds another event (another writer), `none` when all went in.
   */
  async insertEntries(entries: StoredEntry[]): Promise<{ inserted: number; stopped: 'none' | 'duplicate' | 'taken' }> {
    if (entries.length === 0) return { inserted: 0, stopped: 'none' };
    const docs: EntryDoc[] = entries.map((e) => ({ ...e, _id: String(e.index), bucket: bucketOf(e.index) }));
    try {
      await this.entries.insertMany(docs, { ordered: true });
      return { inserted: docs.length, stopped: 'none' };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const failed = firstWriteError(err) ?? 0;
      const doc = docs[failed]!;
      const atIndex = await this.entries.findOne({ _id: doc._id });
      // The same event at this index: an earlier attempt wrote it before it failed.
      if (atIndex && atIndex.eventId === doc.eventId) {
        const rest = await this.insertEntries(entries.slice(failed + 1));
        return { inserted: failed + 1 + rest.inserted, stopped: rest.stopped };
      }
      return { inserted: failed, stopped: atIndex ? 'taken' : 'duplicate' };
    }
  }

  /**
   * Stores the tiles in one bulkWrite; a stored tile that already holds as many hashes is left as
   * it is. FerretDB stops a bulk at its first failed write even when unordered, so the writes
   * after one that found a wider tile are sent again (each is conditional: a second time is a no-op).
   */
  async saveTiles(tiles: { tile: TileId; hashes: Buffer[] }[]): Promise<void> {
    if (tiles.length === 0) return;
    try {
      await this.tiles.bulkWrite(
        tiles.map(({ tile, hashes }) => ({
          updateOne: {
            filter: { _id: tileKey(tile), $or: [{ width: { $lt: hashes.length } }, { width: { $exists: false } }] },
            update: { $set: { hashes: binary(Buffer.concat(hashes)), width: hashes.length } },
            upsert: true,
          },
        })),
        { ordered: true },
      );
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
      await this.saveTiles(tiles.slice((firstWriteError(err) ?? tiles.length) + 1));
    }
  }

  async tile(tile: TileId): Promise<Buffer[]> {
    const doc = await this.tiles.findOne({ _id: tileKey(tile) });
    if (!doc) return [];
    const bytes = bytesOf(doc.hashes);
    const hashes: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 32) hashes.push(bytes.subarray(at, at + 32));
    return hashes;
  }

  async saveBuckets(spans: BucketSpan[]): Promise<void> {
    if (spans.length === 0) return;
    await this.buckets.bulkWrite(
      spans.map((span) => ({ updateOne: { filter: { _id: `b${span.bucket}` }, update: { $set: span }, upsert: true } })),
      { ordered: false },
    );
  }

  async bucketSpan(bucket: number): Promise<BucketSpan | undefined> {
    const doc = await this.buckets.findOne({ _id: `b${bucket}` });
    return doc ? { bucket: doc.bucket, firstOccurredAt: doc.firstOccurredAt, lastOccurredAt: doc.lastOccurredAt } : undefined;
  }

  /** Every bucket's span: one small document per 1,024 entries. */
  async bucketSpans(): Promise<BucketSpan[]> {
    const docs = await this.buckets.find({}).toArray();
    return docs
      .map(({ bucket, firstOccurredAt, lastOccurredAt }) => ({ bucket, firstOccurredAt, lastOccurredAt }))
      .sort((a, b) => a.bucket - b.bucket);
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    const doc = await this.entries.findOne({ _id: String(index) });
    return doc ? toEntry(doc) : undefined;
  }

  async entryByEvent(eventId: string): Promise<StoredEntry | undefined> {
    const doc = await this.entries.findOne({ eventId });
    return doc ? toEntry(doc) : undefined;
  }

  /** The entries of one bucket that match, newest first. */
  async bucketEntries(bucket: number, filter: EntryFilter = {}): Promise<StoredEntry[]> {
    const query: Record<string, unknown> = { bucket: `b${bucket}` };
    if (filter.type) query.type = filter.type;
    if (filter.actor) query.actor = filter.actor;
    if (filter.subjectId) query.subjectId = filter.subjectId;
    if (filter.orgScope && filter.orgScope !== '/') query.orgScopes = filter.orgScope;
    if (filter.occurredFrom || filter.occurredTo) {
      query.occurredAt = {
        ...(filter.occurredFrom ? { $gte: filter.occurredFrom } : {}),
        ...(filter.occurredTo ? { $lt: filter.occurredTo } : {}),
      };
    }
    const docs = await this.entries.find(query).toArray();
    return docs.map(toEntry).sort((a, b) => b.index - a.index);
  }

  /** The entries from `index` on that follow each other without a gap, read a bucket at a time. */
  async entriesFrom(index: number): Promise<StoredEntry[]> {
    const found: StoredEntry[] = [];
    for (let bucket = Math.floor(index / bucketSize); ; bucket++) {
      const docs = (await this.entries.find({ bucket: `b${bucket}` }).toArray()).map(toEntry).sort((a, b) => a.index - b.index);
      for (const entry of docs) if (entry.index === index + found.length) found.push(entry);
      if (index + found.length < (bucket + 1) * bucketSize) return found;
    }
  }

  /** Entries [start, end) in index order, read a bucket at a time (exports). */
  async *range(start: number, end: number): AsyncGenerator<StoredEntry[]> {
    for (let bucket = Math.floor(start / bucketSize); bucket * bucketSize < end; bucket++) {
      const docs = await this.entries.find({ bucket: `b${bucket}` }).toArray();
      yield docs
        .map(toEntry)
        .filter((e) => e.index >= start && e.index < end)
        .sort((a, b) => a.index - b.index);
    }
  }
}

/** Whether every write that failed failed on a unique key (a conditional upsert that matched nothing). */
export function onlyDuplicateKeys(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[]; result?: { writeErrors?: { code?: number }[] } } | null;
  const writeErrors = e?.writeErrors ?? e?.result?.writeErrors;
  if (writeErrors && writeErrors.length > 0) return writeErrors.every((w) => w.code === 11000);
  return e?.code === 11000;
}

function firstWriteError(err: unknown): number | undefined {
  const e = err as { writeErrors?: { index?: number }[]; result?: { writeErrors?: { index?: number }[] } };
  return (e.writeErrors ?? e.result?.writeErrors)?.[0]?.index;
}
