/**
 * Runs `work` over `items`, at most `concurrency` at a time, in order of start; rejects with the
 * first failure (work already started finishes). For jobs whose items are each a few store round
 * trips: the store serves several at once better than one after another.
 */
export async function eachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

/**
 * The items of `source`, with the next one already asked for while the caller works on this one:
 * a job that reads a batch and then writes it keeps the store busy with the next read during the
 * write, instead of one after the other. At most one item is read ahead; stopping early (break,
 * throw) returns the source, and a read ahead that fails meanwhile is not left unhandled.
 */
export async function* readingAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const current = await pending;
      if (current.done) {
        finished = true;
        return;
      }
      pending = iterator.next();
      // Observed now: if the caller stops before awaiting it, its failure is not unhandled.
      pending.catch(() => undefined);
      yield current.value;
    }
  } finally {
    if (!finished) {
      // Let the read ahead settle before the source is closed (a cursor cannot close mid-read).
      await pending.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
