/**
 * Many documents set by `_id` in one round trip. Replacements upsert; deletions may carry a
 * condition (a token, a revision) so a newer write is spared.
 *
 * Two writers upserting one new `_id` at once (two replicas, a tick and a catch-up): the store
 * refuses the second insert with E11000 although the document now exists. Those replacements
 * are made again without upsert, which is what the writer meant; any other failure is thrown.
 */
import type { mongo } from 'mongoose';

type Document = mongo.Document;

export interface Replacements<T extends { _id: string }> {
  replace?: T[];
  /** `_id` and any further equality the document must still match to be deleted. */
  remove?: ({ _id: string } & Record<string, unknown>)[];
}

interface IndexedWriteError {
  index: number;
  code?: number;
}

function writeErrorsOf(err: unknown): IndexedWriteError[] | undefined {
  const errors = (err as { writeErrors?: IndexedWriteError[] | IndexedWriteError } | null)?.writeErrors;
  if (errors === undefined) return undefined;
  return Array.isArray(errors) ? errors : [errors];
}

export async function bulkReplace<T extends { _id: string }>(
  collection: mongo.Collection<Document>,
  { replace = [], remove = [] }: Replacements<T>,
): Promise<void> {
  const operations = [
    ...replace.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc as Document, upsert: true } })),
    ...remove.map((filter) => ({ deleteOne: { filter } })),
  ];
  if (operations.length === 0) return;
  try {
    await collection.bulkWrite(operations as never, { ordered: false });
  } catch (err) {
    const failed = writeErrorsOf(err);
    if (!failed?.length || failed.some((e) => e.code !== 11000 || e.index >= replace.length)) throw err;
    await collection.bulkWrite(
      failed.map(({ index }) => ({
        replaceOne: { filter: { _id: replace[index]!._id }, replacement: replace[index] as Document },
      })) as never,
      { ordered: false },
    );
  }
}
