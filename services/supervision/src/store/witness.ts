/**
 * What the witness remembers, apart from the log's own records: the last checkpoint it cosigned
 * per log, and one claim per (log, size) naming the root it cosigned there. The claim is inserted
 * before the witness signs, and its unique `_id` is what makes "never two roots for one size"
 * hold, whatever the replicas or a retry do.
 */
import { outboxSchemaFields, type OutboxRecord, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, mongoose, Schema, type Connection } from '@repo/db';
import { aborted } from '@repo/errors';
import { witnessEvents } from '../events/catalogue';

type Binary = InstanceType<typeof mongoose.mongo.Binary>;

export interface WitnessedHead {
  size: number;
  root: Buffer;
  /** The checkpoint with the log's signature and this witness's cosignature. */
  note: string;
}

interface HeadDoc {
  _id: string;
  size: number;
  root: Binary;
  note: string;
  cosignedAt: string;
}

interface ClaimDoc {
  _id: string;
  root: Binary;
  at: string;
}

interface RefusalRecord extends OutboxRecord {
  origin: string;
  size: number;
  root: string;
  reason: string;
  at: string;
}

const refusalSchema = new Schema(
  {
    _id: { type: String, required: true },
    origin: { type: String, required: true },
    size: { type: Number, required: true },
    root: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'witnessRefusals', versionKey: false },
);

export class WitnessStore {
  private readonly heads;
  private readonly claims;
  private readonly refusals: OutboxStore<RefusalRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.heads = connection.db!.collection<HeadDoc>('witnessHeads');
    this.claims = connection.db!.collection<ClaimDoc>('witnessClaims');
    const conflict = (id: string) => aborted('WITNESS_REFUSAL_CONFLICT', `refusal ${id} changed`, { id });
    this.refusals = outboxes.register(connection.model<RefusalRecord>('WitnessRefusal', refusalSchema), { conflict });
  }

  async head(origin: string): Promise<WitnessedHead | undefined> {
    const doc = await this.heads.findOne({ _id: origin });
    return doc ? { size: doc.size, root: Buffer.from(doc.root.buffer), note: doc.note } : undefined;
  }

  async saveHead(origin: string, head: WitnessedHead, at: Date): Promise<void> {
    await this.heads.updateOne(
      { _id: origin },
      { $set: { size: head.size, root: new mongoose.mongo.Binary(head.root), note: head.note, cosignedAt: at.toISOString() } },
      { upsert: true },
    );
  }

  /**
   * Claims `size` for `root`: `claimed` the first time, `same` when this root was claimed before,
   * `conflict` when another root holds the size.
   */
  async claim(origin: string, size: number, root: Buffer, at: Date): Promise<'claimed' | 'same' | 'conflict'> {
    const _id = `${origin}#${size}`;
    try {
      await this.claims.insertOne({ _id, root: new mongoose.mongo.Binary(root), at: at.toISOString() });
      return 'claimed';
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.claims.findOne({ _id });
      return existing && Buffer.from(existing.root.buffer).equals(root) ? 'same' : 'conflict';
    }
  }

  /**
   * Keeps a refusal and publishes it (supervision.witness.refused), once per checkpoint refused:
   * someone must look at the log.
   */
  async refuse(origin: string, size: number, root: Buffer, reason: string, at: Date): Promise<void> {
    const record = {
      _id: `${origin}#${size}#${root.toString('base64')}`,
      origin,
      size,
      root: root.toString('base64'),
      reason,
      at: at.toISOString(),
      revision: 1,
    };
    try {
      await this.refusals.insert(record, [
        {
          type: witnessEvents.refused,
          actor: 'system:witness',
          orgPath: '/',
          subjectId: origin,
          data: { size, root: record.root, reason },
        },
      ]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}
