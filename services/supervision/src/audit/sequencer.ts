/**
 * The audit log's one writer: appends events as leaves, a batch at a time, and signs
 * checkpoints. Batches from every stream's consumer are grouped into one write (one insertMany),
 * and the tree (its compact range and right-edge tiles) is kept in memory on the lease holder.
 * A batch costs that one store write: the tiles, the bucket spans and the head are written only
 * when a checkpoint is signed (on time or on size, whichever comes first), since a proof is only
 * ever asked for a size the log signed. Entries past the stored head are what a restart takes in.
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
  /** Sign sooner once this many entries are unsigned: bounds a checkpoint's writes and what a restart takes in. */
  checkpointMaxEntries?: number;
  /** Events written in one batch at most. */
  maxBatch?: number;
}

export const defaultCheckpointMaxEntries = 8_192;

/** Another writer holds the position this one meant to write: it must stop appending. */
export class SequencerDisplaced extends Error {}

/** The stored tree does not extend what the log signed: something rewrote the store. */
export class TreeInconsistent extends Error {}

interface TreeState {
  frontier: Frontier;
  tiles: TileWriter;
  /** Spans of the buckets this writer touched since they were last stored. */
  spans: Map<number, BucketSpan>;
  signedSize: number;
  signedAt: number;
}

interface Pending {
  events: EventEnvelope[];
  /** Work to run in the writer's queue instead of a write (a flush). */
  task?: () => Promise<void>;
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

  /**
   * Stores the tree and signs a checkpoint over everything appended so far, whatever the
   * interval: a replica that lets go of the lease on its own hands over a stored head.
   */
  async flush(): Promise<void> {
    await this.enqueue(async () => {
      if (this.state) await this.checkpoint(this.state);
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

  private enqueue(task: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events: [], task, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
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
      while (
        this.pending.length > 0 &&
        (taken.length === 0 || (!taken[0]!.task && !this.pending[0]!.task && count + this.pending[0]!.events.length <= maxBatch))
      ) {
        const next = this.pending.shift()!;
        taken.push(next);
        count += next.events.length;
      }
      try {
        if (taken[0]!.task) await taken[0]!.task();
        else await this.write(taken.flatMap((p) => p.events));
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
    // The open bucket's span as stored; any bucket after it is started by this writer.
    const open = Math.floor(frontier.size / bucketSize);
    const spans = new Map<number, BucketSpan>();
    const stored = await this.store.bucketSpan(open);
    if (stored) spans.set(open, stored);
    const state: TreeState = { frontier, tiles, spans, signedSize: 0, signedAt: 0 };
    // Entries written since the last checkpoint (the head moves with checkpoints), read a bucket at a time.
    const tail = await this.store.entriesFrom(frontier.size);
    if (tail.length > 0) {
      for (const entry of tail) frontier.append(this.hasher.leaf(Buffer.from(entry.leaf)), tiles.record);
      this.logger.info({ from: tail[0]!.index, entries: tail.length }, 'audit log: entries past the stored head taken in');
      this.spanEntries(state, tail);
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
    this.spanEntries(state, written);
    await this.signIfDue(state);
  }

  /** Widens the spans of the entries' buckets; a bucket this writer started has nothing stored to read. */
  private spanEntries(state: TreeState, entries: StoredEntry[]): void {
    for (const entry of entries) {
      const bucket = Math.floor(entry.index / bucketSize);
      let span = state.spans.get(bucket);
      if (!span) {
        span = { bucket, firstOccurredAt: entry.occurredAt, lastOccurredAt: entry.occurredAt };
        state.spans.set(bucket, span);
      }
      if (entry.occurredAt < span.firstOccurredAt) span.firstOccurredAt = entry.occurredAt;
      if (entry.occurredAt > span.lastOccurredAt) span.lastOccurredAt = entry.occurredAt;
    }
  }

  /**
   * Tiles and bucket spans (one bulkWrite each, at once), then the head: the head moves after
   * them, so it never names entries whose tree is not stored.
   */
  private async persist(state: TreeState): Promise<void> {
    const size = state.frontier.size;
    await Promise.all([this.store.saveTiles(state.tiles.takeChanged()), this.store.saveBuckets([...state.spans.values()])]);
    const current = Math.floor(Math.max(size - 1, 0) / bucketSize);
    for (const bucket of state.spans.keys()) if (bucket !== current) state.spans.delete(bucket);
    await this.store.saveHead({ origin: this.origin, size, frontier: state.frontier.hashes, updatedAt: new Date().toISOString() });
  }

  private async signIfDue(state: TreeState): Promise<void> {
    if (state.frontier.size === state.signedSize) return;
    const unsigned = state.frontier.size - state.signedSize;
    const full = unsigned >= (this.options.checkpointMaxEntries ?? defaultCheckpointMaxEntries);
    const wait = full ? 0 : state.signedAt + this.options.checkpointIntervalMs - Date.now();
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
    await this.checkpoint(state);
  }

  /** Stores the tree as it is in memory, then signs it: a signed size always has its tiles stored. */
  private async checkpoint(state: TreeState): Promise<void> {
    if (state.frontier.size === state.signedSize) return;
    await this.persist(state);
    const size = state.frontier.size;
    const root = state.frontier.root();
    const text = checkpointText({ origin: this.origin, size, root });
    const signedAt = new Date();
    await this.checkpoints.add({ size, root, note: formatNote(text, [this.signer.signatureLine(text)]), signedAt: signedAt.toISOString() });
    state.signedSize = size;
    state.signedAt = signedAt.getTime();
  }
}
