/**
 * The checkpoints the log signed, each kept (they are small, and an export carries those of its
 * range so a verifier can place a change between two of them), with the cosignatures a witness
 * added, and two pointers: the latest signed and the latest witnessed.
 */
import { isDuplicateKey, mongoose, type Connection } from '@repo/db';
import { bucketOf, bucketSize } from './audit-tree';

type Binary = InstanceType<typeof mongoose.mongo.Binary>;

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  /** The note with the log's signature. */
  note: string;
  signedAt: string;
  /** Cosignature lines witnesses added, in the order they came. */
  cosignatures: string[];
}

interface CheckpointDoc {
  _id: string;
  /** The bucket of the entry that completes this size, so an export finds its checkpoints by equality. */
  bucket: string;
  size: number;
  root: Binary;
  note: string;
  signedAt: string;
  cosignatures: string[];
}

interface PointerDoc {
  _id: 'signed' | 'witnessed';
  size: number;
}

const toCheckpoint = ({ size, root, note, signedAt, cosignatures }: CheckpointDoc): StoredCheckpoint => ({
  size,
  root: Buffer.from(root.buffer),
  note,
  signedAt,
  cosignatures,
});

/** The note with every cosignature appended after the log's signature. */
export function cosignedNote(checkpoint: StoredCheckpoint): string {
  return checkpoint.note + checkpoint.cosignatures.join('');
}

/** Cosigned checkpoints kept in memory: a proof for a cosigned size then reads no checkpoint. */
const keptCheckpoints = 1_024;

export class CheckpointStore {
  private readonly checkpoints;
  private readonly pointers;
  /**
   * Checkpoints the witness cosigned, by size. Such a one no longer changes (one witness: its
   * cosignature is added once), so what was read is what the store holds.
   */
  private readonly cosigned = new Map<number, StoredCheckpoint>();

  constructor(connection: Connection) {
    this.checkpoints = connection.db!.collection<CheckpointDoc>('auditCheckpoints');
    this.pointers = connection.db!.collection<PointerDoc>('auditCheckpointPointers');
  }

  async ensureIndexes(): Promise<void> {
    await this.checkpoints.createIndex({ bucket: 1 });
  }

  /** Keeps a new signed checkpoint and makes it the latest; a size signed before is left as it was. */
  async add(checkpoint: Omit<StoredCheckpoint, 'cosignatures'>): Promise<void> {
    const doc: CheckpointDoc = {
      _id: String(checkpoint.size),
      bucket: bucketOf(Math.max(checkpoint.size - 1, 0)),
      size: checkpoint.size,
      root: new mongoose.mongo.Binary(checkpoint.root),
      note: checkpoint.note,
      signedAt: checkpoint.signedAt,
      cosignatures: [],
    };
    try {
      await this.checkpoints.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await this.advance('signed', checkpoint.size);
  }

  /** Moves a pointer forward only: a writer that lost its lease and signs late never takes the latest back. */
  private async advance(pointer: PointerDoc['_id'], size: number): Promise<void> {
    try {
      await this.pointers.updateOne({ _id: pointer, size: { $lt: size } }, { $set: { size } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async get(size: number): Promise<StoredCheckpoint | undefined> {
    const kept = this.cosigned.get(size);
    if (kept) return kept;
    const doc = await this.checkpoints.findOne({ _id: String(size) });
    if (!doc) return undefined;
    const checkpoint = toCheckpoint(doc);
    if (checkpoint.cosignatures.length > 0) {
      if (this.cosigned.size >= keptCheckpoints) this.cosigned.delete(this.cosigned.keys().next().value!);
      this.cosigned.set(size, checkpoint);
    }
    return checkpoint;
  }

  private async at(pointer: PointerDoc['_id']): Promise<StoredCheckpoint | undefined> {
    const doc = await this.pointers.findOne({ _id: pointer });
    return doc ? this.get(doc.size) : undefined;
  }

  latestSigned(): Promise<StoredCheckpoint | undefined> {
    return this.at('signed');
  }

  latestWitnessed(): Promise<StoredCheckpoint | undefined> {
    return this.at('witnessed');
  }

  /** Adds a witness's cosignature to the checkpoint of `size`, which becomes the latest witnessed. */
  async addCosignature(size: number, line: string): Promise<void> {
    await this.checkpoints.updateOne({ _id: String(size) }, { $addToSet: { cosignatures: line } });
    await this.advance('witnessed', size);
  }

  /** The checkpoints whose sizes lie in (start, end], in size order. */
  async between(start: number, end: number): Promise<StoredCheckpoint[]> {
    const found: StoredCheckpoint[] = [];
    if (end <= start) return found;
    for (let bucket = Math.floor(start / bucketSize); bucket <= Math.floor((end - 1) / bucketSize); bucket++) {
      const docs = await this.checkpoints.find({ bucket: `b${bucket}` }).toArray();
      found.push(...docs.map(toCheckpoint));
    }
    const unique = new Map(found.filter((c) => c.size > start && c.size <= end).map((c) => [c.size, c]));
    return [...unique.values()].sort((a, b) => a.size - b.size);
  }
}
