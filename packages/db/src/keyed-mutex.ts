/**
 * Serialises async work per key within one process.
 *
 * Why: FerretDB v1 (the local document store) applies an update by reading the document and
 * writing it back, without isolation between the two, so two concurrent updates of one
 * document can lose one of them. MongoDB applies single-document updates atomically and needs
 * none of this; on FerretDB, every writer of a collection's documents in the process (the
 * repository and the outbox relay) takes the document's lock, which makes the single-replica
 * local stack as safe as MongoDB.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
