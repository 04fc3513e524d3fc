/**
 * The audit log's one writer: appends events as leaves, a batch at a time, and signs
 * checkpoints. Batches from every stream's consumer are grouped into one write (one insertMany),
 * and the tree's new nodes are computed in memory from the compact range, so a batch costs a few
 * store writes whatever its size.
 *
 * It refuses to sign a tree that does not extend the last checkpoint it signed: a log must never
 * sign two inconsistent checkpoints (c2sp.org/tlog-checkpoint), and a head or tiles edited in the
 * store would make it do so.
 */
import type { EventEnvelope } from '@repo/bus';
import type { Logger } from '@repo/logging';
import { factsOf, leafOf } from '../domain/audit-entry';
import { Frontier, verifyConsistency, type TreeHasher } from '../domain/merkle';
import { checkpointText, formatNote, type NoteSigner } from '../domain/note';
import { edgeTiles, TileWriter } from '../domain/tiles';
import type { CheckpointStore } from '../store/audit-checkpoints';
import { bucketSize, type AuditTreeStore, type BucketSpan, type StoredEntry } from '../store/audit-tree';
import type { TreeReader } from './tree-reader';

export interface SequencerOptions {
  /** Sign at most this often; a batch is in a signed checkpoint within it. */
  checkpointIntervalMs: number;
  /** Events written in one batch at most. */
  maxBatch?: number;
}

/** Another writer holds the position this one meant to write: it must stop appending. */
export class SequencerDisplaced extends Error {}

/** The stored tree does not extend what the log signed: something rewrote the store. */
export class TreeInconsistent extends Error {}

interface TreeState {
  frontier: Frontier;
  tiles: TileWriter;
  /** Spans of the buckets this writer touched since the last write. */
  spans: Map<number, BucketSpan>;
  signedSize: number;
  signedAt: number;
}

interface Pending {
  events: EventEnvelope[];
  done: (err?: Error) => void;
}

export class Sequencer {
  private state: TreeState | undefined;
  private readonly pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private signTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: AuditTreeStore,
    private readonly checkpoints: CheckpointStore,
    private readonly reader: TreeReader,
    private readonly signer: NoteSigner,
    private readonly hasher: TreeHasher,
    private readonly logger: Logger,
    private readonly options: SequencerOptions,
  ) {}

  get origin(): string {
    return this.signer.name;
  }

  /** Appends the events (those already logged are skipped); resolves once they are stored. */
  append(events: EventEnvelope[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
  }

  /** Waits for everything handed in so far, then drops the in-memory tree (another replica may write next). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.signTimer) clearTimeout(this.signTimer);
    while (this.draining) await this.draining;
    this.state = undefined;
  }

  resume(): void {
    this.stopped = false;
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 2_000;
    while (this.pending.length > 0) {
      const taken: Pending[] = [];
      let count = 0;
      while (this.pending.length > 0 && (taken.length === 0 || count + this.pending[0]!.events.length <= maxBatch)) {
        const next = this.pending.shift()!;
        taken.push(next);
        count += next.events.length;
      }
      try {
        await this.write(taken.flatMap((p) => p.events));
        for (const p of taken) p.done();
      } catch (err) {
        // What is in memory may be ahead of the store now: read it again before the next write.
        this.state = undefined;
        for (const p of taken) p.done(err as Error);
      }
    }
  }

  /** The tree as stored, with any entries a crash left past the head taken in. */
  private async ready(): Promise<TreeState> {
    if (this.state) return this.state;
    const head = await this.store.head();
    if (head && head.origin !== this.origin) throw new TreeInconsistent(`the stored log is ${head.origin}, not ${this.origin}`);
    const frontier = new Frontier(this.hasher, head?.size ?? 0, head?.frontier ?? []);
    const tiles = new TileWriter();
    for (const { tile, width } of edgeTiles(frontier.size)) tiles.load(tile, (await this.store.tile(tile)).slice(0, width));
    const state: TreeState = { frontier, tiles, spans: new Map(), signedSize: 0, signedAt: 0 };
    const tail: StoredEntry[] = [];
    for (let entry = await this.store.entry(frontier.size); entry; entry = await this.store.entry(frontier.size)) {
      frontier.append(this.hasher.leaf(Buffer.from(entry.leaf)), tiles.record);
      tail.push(entry);
    }
    if (tail.length > 0) {
      this.logger.warn({ from: tail[0]!.index, entries: tail.length }, 'audit log: entries past the stored head taken in');
      await this.spanEntries(state, tail);
      await this.persist(state);
    }
    const signed = await this.checkpoints.latestSigned();
    if (signed) {
      const proof = signed.size <= frontier.size ? await this.reader.consistency(signed.size, frontier.size) : [];
      if (signed.size > frontier.size || !verifyConsistency(this.hasher, signed.size, frontier.size, signed.root, frontier.root(), proof)) {
        throw new TreeInconsistent(
          `the stored tree of ${frontier.size} entries does not extend the checkpoint the log signed at ${signed.size}`,
        );
      }
      state.signedSize = signed.size;
      state.signedAt = Date.parse(signed.signedAt);
    }
    this.state = state;
    return state;
  }

  private async write(events: EventEnvelope[]): Promise<void> {
    const state = await this.ready();
    const loggedAt = new Date().toISOString();
    // One leaf per event id: repeats within the batch are dropped here, events logged before by the store.
    let queue = [...new Map(events.map((e) => [e.id, e])).values()];
    const written: StoredEntry[] = [];
    while (queue.length > 0) {
      const entries = queue.map((event, k) => ({ ...factsOf(event), index: state.frontier.size + k, loggedAt, leaf: leafOf(event) }));
      const { inserted, stopped } = await this.store.insertEntries(entries);
      for (const entry of entries.slice(0, inserted)) state.frontier.append(this.hasher.leaf(Buffer.from(entry.leaf)), state.tiles.record);
      written.push(...entries.slice(0, inserted));
      if (stopped === 'taken') throw new SequencerDisplaced(`index ${state.frontier.size} was written by another sequencer`);
      // The event at `inserted` is logged already: go on with the ones after it.
      queue = stopped === 'duplicate' ? queue.slice(inserted + 1) : [];
    }
    if (written.length > 0) {
      await this.spanEntries(state, written);
      await this.persist(state);
    }
    await this.signIfDue(state);
  }

  private async spanEntries(state: TreeState, entries: StoredEntry[]): Promise<void> {
    for (const entry of entries) {
      const bucket = Math.floor(entry.index / bucketSize);
      let span = state.spans.get(bucket);
      if (!span) {
        span = (await this.store.bucketSpan(bucket)) ?? { bucket, firstOccurredAt: entry.occurredAt, lastOccurredAt: entry.occurredAt };
        state.spans.set(bucket, span);
      }
      if (entry.occurredAt < span.firstOccurredAt) span.firstOccurredAt = entry.occurredAt;
      if (entry.occurredAt > span.lastOccurredAt) span.lastOccurredAt = entry.occurredAt;
    }
  }

  /** Tiles, bucket spans, then the head: the head moves last, so it never names entries whose tree is not stored. */
  private async persist(state: TreeState): Promise<void> {
    await this.store.saveTiles(state.tiles.takeChanged());
    await this.store.saveBuckets([...state.spans.values()]);
    const current = Math.floor(Math.max(state.frontier.size - 1, 0) / bucketSize);
    for (const bucket of state.spans.keys()) if (bucket !== current) state.spans.delete(bucket);
    await this.store.saveHead({
      origin: this.origin,
      size: state.frontier.size,
      frontier: state.frontier.hashes,
      updatedAt: new Date().toISOString(),
    });
  }

  private async signIfDue(state: TreeState): Promise<void> {
    if (state.frontier.size === state.signedSize) return;
    const wait = state.signedAt + this.options.checkpointIntervalMs - Date.now();
    if (wait > 0) {
      // Sign what is written by then, in the same queue as the writes.
      if (!this.signTimer && !this.stopped) {
        this.signTimer = setTimeout(() => {
          this.signTimer = undefined;
          if (!this.stopped)
            void this.append([]).catch((err: unknown) => this.logger.error({ err }, 'audit log: signing a checkpoint failed'));
        }, wait);
        this.signTimer.unref();
      }
      return;
    }
    const size = state.frontier.size;
    const root = state.frontier.root();
    const text = checkpointText({ origin: this.origin, size, root });
    const signedAt = new Date();
    await this.checkpoints.add({ size, root, note: formatNote(text, [this.signer.signatureLine(text)]), signedAt: signedAt.toISOString() });
    state.signedSize = size;
    state.signedAt = signedAt.getTime();
  }
}
