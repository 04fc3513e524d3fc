/**
 * Published documents by id, in memory, for reads (GET /documents/:id is the portals' hottest
 * call; a document changes a handful of times and is read thousands). Only published documents
 * are kept (anyone may read them, so the answer is the same for every caller), at most
 * `maxEntries` (least recently read out first), each at most `ttlMs`.
 *
 * Kept right across replicas by the bus: every replica hears every `content.document.*` event
 * (a plain NATS subscription next to the durable consumers) and forgets that document; this
 * replica's own writes forget it at once. The cache is only used while those notices can arrive:
 * when the connection to NATS drops it is emptied and bypassed until it is back. A read that
 * raced a notice (started before it, finished after) is not kept. What remains is the time an
 * event takes from the write to the other replicas (the outbox relay publishes right after the
 * write), during which they may still answer the previous version, as a read from a replica
 * of the store may.
 */
import type { ContentDocument } from '../domain/document';

export class PublishedCache {
  private readonly entries = new Map<string, { document: ContentDocument; expiresAt: number }>();
  private listening = false;
  /** Raised by every forget: a read that saw it change while it ran is not kept. */
  private forgets = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.maxEntries > 0 && this.listening;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether change notices are arriving; false also empties the cache. */
  listen(on: boolean): void {
    this.listening = on;
    if (!on) this.entries.clear();
  }

  get(id: string): ContentDocument | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    // Most recently read last: the first key is the one to drop.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.document;
  }

  /** A mark to give back to `keep`: taken before reading the store. */
  mark(): number {
    return this.forgets;
  }

  /** Keeps a document just read from the store, if it is published and nothing changed meanwhile. */
  keep(document: ContentDocument, mark: number): void {
    if (!this.enabled || document.status !== 'published' || mark !== this.forgets) return;
    this.entries.delete(document.id);
    this.entries.set(document.id, { document, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(id: string): void {
    this.forgets += 1;
    this.entries.delete(id);
  }
}
