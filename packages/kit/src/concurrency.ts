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
