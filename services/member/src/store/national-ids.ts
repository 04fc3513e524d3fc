/**
 * Which national ID numbers are recorded, answered without reading every member. FerretDB v1
 * decodes whole documents for any query but equality (at 100,000 members one pass over the
 * members takes about 50 s, and an import file asked it once), so every write of members also
 * writes one small document here listing their numbers, written before the members.
 *
 * The numbers here are a superset of the recorded ones: a crash between the two writes, or a
 * number changed since, leaves extra ones. A number found here is therefore confirmed against
 * the members with an equality query, which FerretDB pushes down; the members' unique index
 * stays the rule itself.
 */
import { randomUUID } from 'node:crypto';
import { isDuplicateKey, Schema, type Connection, type Model } from '@repo/db';

interface NationalIdChunk {
  _id: string;
  ids: string[];
  at: string;
}

const chunkSchema = new Schema<NationalIdChunk>(
  { _id: { type: String, required: true }, ids: { type: [String], default: [] }, at: { type: String, required: true } },
  { collection: 'memberNationalIds', versionKey: false },
);

/** Marks that the chunks cover every member written before this index existed. */
const backfilledId = 'backfilled';

export class NationalIdIndex {
  private readonly model: Model<NationalIdChunk>;
  private backfilled = false;

  constructor(
    connection: Connection,
    /** Every recorded number, by one pass over the members (used once, for members written before the index). */
    private readonly allRecorded: () => AsyncIterable<string>,
    /** Whether a member with this number is recorded (an equality query). */
    private readonly isRecorded: (nationalId: string) => Promise<boolean>,
  ) {
    this.model = connection.model<NationalIdChunk>('NationalIdChunk', chunkSchema);
  }

  /** Notes numbers about to be written. Call before writing the members. */
  async add(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.model.create({ _id: randomUUID(), ids, at: new Date().toISOString() });
  }

  /** Which of `wanted` are recorded now. */
  async recorded(wanted: Iterable<string>): Promise<Set<string>> {
    const want = new Set(wanted);
    const found = new Set<string>();
    if (want.size === 0) return found;
    await this.backfill();
    const cursor = this.model.find({}, { ids: 1 }).lean<NationalIdChunk[]>().cursor({ batchSize: 100 });
    for await (const chunk of cursor as AsyncIterable<NationalIdChunk>) {
      for (const id of chunk.ids ?? []) if (want.has(id)) found.add(id);
    }
    for (const id of found) if (!(await this.isRecorded(id))) found.delete(id);
    return found;
  }

  /** Once per database: the numbers of members written before the index existed. */
  private async backfill(): Promise<void> {
    if (this.backfilled) return;
    if (!(await this.model.exists({ _id: backfilledId }))) {
      let batch: string[] = [];
      for await (const id of this.allRecorded()) {
        batch.push(id);
        if (batch.length === 5_000) {
          await this.add(batch);
          batch = [];
        }
      }
      await this.add(batch);
      // Two replicas backfilling at once only write some numbers twice.
      await this.model.create({ _id: backfilledId, ids: [], at: new Date().toISOString() }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }
    this.backfilled = true;
  }
}
