/**
 * Reading the audit log: checkpoints and consistency proofs for anyone, entries and inclusion
 * proofs for auditors within their scope, exports of the whole log for superAdmins. Every read of
 * entries and every export is recorded, and so becomes an entry itself.
 */
import { authorize, inCallerScope, scopeOf, type Caller } from '@repo/access';
import { notFound, validationFailed } from '@repo/errors';
import {
  auditPaging,
  decodePageToken,
  encodePageToken,
  entryFromLeaf,
  validateAuditQuery,
  type AuditEntry,
  type AuditQuery,
} from '../domain/audit-entry';
import type { TreeHasher } from '../domain/merkle';
import type { NoteVerifier } from '../domain/note';
import { cosignedNote, type CheckpointStore, type StoredCheckpoint } from '../store/audit-checkpoints';
import type { AuditAccessRepository } from '../store/audit-accesses';
import { bucketSize, type AuditTreeStore, type BucketSpan } from '../store/audit-tree';
import type { TreeReader } from './tree-reader';

/** Buckets one page may read before it answers with what it found and a token to go on. */
const bucketsPerPage = 64;
export const exportLimit = 5_000;

export interface CheckpointView {
  checkpoint: StoredCheckpoint & { origin: string; fullNote: string; witnessed: boolean };
  logKey: string;
  witnessKey: string;
}

export interface AuditKeys {
  origin: string;
  log: NoteVerifier;
  witness?: NoteVerifier;
}

const noEntry = (index: number | string) => notFound('AUDIT_ENTRY_NOT_FOUND', `audit entry ${index} not found`, { entry: String(index) });

export class AuditUseCases {
  private spans: BucketSpan[] = [];

  constructor(
    private readonly tree: AuditTreeStore,
    private readonly checkpoints: CheckpointStore,
    private readonly reader: TreeReader,
    private readonly accesses: AuditAccessRepository,
    private readonly keys: AuditKeys,
    private readonly hasher: TreeHasher,
  ) {}

  private view(checkpoint: StoredCheckpoint): CheckpointView {
    const witnessed = checkpoint.cosignatures.length > 0;
    return {
      checkpoint: { ...checkpoint, origin: this.keys.origin, fullNote: cosignedNote(checkpoint), witnessed },
      logKey: this.keys.log.vkey,
      witnessKey: this.keys.witness?.vkey ?? '',
    };
  }

  async checkpoint(caller: Caller, witnessed: boolean): Promise<CheckpointView> {
    authorize(caller, 'audit.verify');
    const checkpoint = witnessed ? await this.checkpoints.latestWitnessed() : await this.checkpoints.latestSigned();
    if (!checkpoint)
      throw notFound(
        'AUDIT_NO_CHECKPOINT',
        witnessed ? 'the witness has cosigned no checkpoint yet' : 'the log has signed no checkpoint yet',
      );
    return this.view(checkpoint);
  }

  /** The size proofs are made for by default, and their upper bound: the latest signed checkpoint's. */
  private async signedSize(): Promise<number> {
    return (await this.checkpoints.latestSigned())?.size ?? 0;
  }

  async consistency(caller: Caller, first: number, second: number): Promise<Buffer[]> {
    authorize(caller, 'audit.verify');
    const signed = await this.signedSize();
    if (first < 0 || first > second) throw validationFailed([{ field: 'firstSize', problem: 'must be between 0 and secondSize' }]);
    if (second > signed) throw validationFailed([{ field: 'secondSize', problem: `must be at most ${signed}, the latest signed size` }]);
    return this.reader.consistency(first, second);
  }

  async inclusion(caller: Caller, target: { index?: number; eventId?: string }, treeSize: number) {
    authorize(caller, 'audit.read');
    // Asked by index for a size, as a verifier holding a checkpoint asks: the entry, the checkpoint
    // of that size and the proof are read at once, one round trip to the store. The proof is
    // answered only once the entry is known to be in the caller's scope and the size signed.
    const index = target.eventId ? undefined : (target.index ?? -1);
    const early = index !== undefined && index >= 0 && index < treeSize;
    const [stored, checkpoint, earlyProof] = await Promise.all([
      target.eventId ? this.tree.entryByEvent(target.eventId) : this.tree.entry(index ?? -1),
      treeSize ? this.checkpoints.get(treeSize) : this.checkpoints.latestSigned(),
      // A size past the stored tree has no tiles for it: that proof fails, and the size is refused below.
      early ? this.reader.inclusion(index, treeSize).catch(() => undefined) : undefined,
    ]);
    if (!stored || !inCallerScope(caller, stored.orgPath || '/')) throw noEntry(target.eventId ?? target.index ?? '');
    const size = treeSize || (checkpoint?.size ?? 0);
    // A size the log signed a checkpoint of is in the log; any other must not pass the latest signed one.
    if (!checkpoint) {
      const signed = await this.signedSize();
      if (size > signed) throw validationFailed([{ field: 'treeSize', problem: `must be at most ${signed}, the latest signed size` }]);
    }
    if (stored.index >= size)
      throw validationFailed([{ field: 'treeSize', problem: `entry ${stored.index} is not in the tree of ${size}` }]);
    return {
      index: stored.index,
      treeSize: size,
      leafHash: this.hasher.leaf(Buffer.from(stored.leaf)),
      hashes: earlyProof ?? (await this.reader.inclusion(stored.index, size)),
      ...(checkpoint ? { checkpoint: this.view(checkpoint).checkpoint } : {}),
    };
  }

  async get(caller: Caller, index: number): Promise<AuditEntry> {
    authorize(caller, 'audit.read');
    const stored = await this.tree.entry(index);
    // An entry outside the caller's scope answers as a missing one; one without an organisation is a superAdmin's.
    if (!stored || !inCallerScope(caller, stored.orgPath || '/')) throw noEntry(index);
    await this.accesses.record(caller, 'read', { index }, 1);
    return entryFromLeaf(stored, this.hasher);
  }

  async list(caller: Caller, input: AuditQuery): Promise<{ entries: AuditEntry[]; nextPageToken: string; logSize: number }> {
    authorize(caller, 'audit.read');
    const query = validateAuditQuery(input);
    const scope = scopeOf(caller);
    if (query.orgPath && !inCallerScope(caller, query.orgPath))
      throw validationFailed([{ field: 'orgPath', problem: 'lies outside your organisation' }]);
    const orgScope = query.orgPath ?? scope;
    const head = await this.tree.head();
    const size = head?.size ?? 0;
    const before = Math.min(decodePageToken(query) ?? size, size);
    const spans = await this.bucketSpans(size);
    const found: AuditEntry[] = [];
    let bucket = Math.floor((before - 1) / bucketSize);
    let read = 0;
    let next: number | undefined;
    for (; bucket >= 0 && read < bucketsPerPage; bucket--) {
      const span = spans[bucket];
      // Buckets wholly outside the period are not read.
      if (span && ((query.from && span.lastOccurredAt < query.from) || (query.to && span.firstOccurredAt >= query.to))) continue;
      read++;
      const matching = (
        await this.tree.bucketEntries(bucket, {
          ...(query.type ? { type: query.type } : {}),
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.subjectId ? { subjectId: query.subjectId } : {}),
          orgScope,
          ...(query.from ? { occurredFrom: query.from } : {}),
          ...(query.to ? { occurredTo: query.to } : {}),
        })
      ).filter((e) => e.index < before);
      for (const entry of matching) {
        if (found.length === query.pageSize) {
          next = found[found.length - 1]!.index;
          break;
        }
        found.push(entryFromLeaf(entry, this.hasher));
      }
      if (next !== undefined) break;
    }
    // The page filled up, or the page's budget of buckets ran out with older ones left.
    if (next === undefined && bucket >= 0) next = (bucket + 1) * bucketSize;
    const filters = { type: query.type, actor: query.actor, subjectId: query.subjectId, orgPath: orgScope, from: query.from, to: query.to };
    await this.accesses.record(caller, 'read', Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), found.length);
    return { entries: found, nextPageToken: next !== undefined && next > 0 ? encodePageToken(query, next) : '', logSize: size };
  }

  /** Spans of every bucket below `size`, read once and then only the newest again. */
  private async bucketSpans(size: number): Promise<BucketSpan[]> {
    const buckets = Math.ceil(size / bucketSize);
    if (this.spans.length < buckets - 1 || this.spans.length === 0) this.spans = await this.tree.bucketSpans();
    else {
      const newest = await this.tree.bucketSpan(buckets - 1);
      if (newest) this.spans[buckets - 1] = newest;
    }
    return this.spans;
  }

  async export(caller: Caller, start: number, requestedEnd: number) {
    authorize(caller, 'audit.export');
    const signed = await this.signedSize();
    const end = requestedEnd || signed;
    if (start < 0 || start > end) throw validationFailed([{ field: 'start', problem: `must be between 0 and ${end}` }]);
    if (end > signed) throw validationFailed([{ field: 'end', problem: `must be at most ${signed}, the latest signed size` }]);
    if (end - start > exportLimit)
      throw validationFailed([{ field: 'end', problem: `at most ${exportLimit} entries a call: end ≤ ${start + exportLimit}` }]);
    const stored = async () => {
      const entries = [];
      for await (const batch of this.tree.range(start, end)) entries.push(...batch);
      return entries;
    };
    // The leaf hashes come from the tree's tiles, not from the entries: they are what was signed.
    // A missing entry is exported as missing, for the verifier to find.
    const [entries, leafHashes, leftFrontier, checkpoints] = await Promise.all([
      stored(),
      this.reader.leafHashes(start, end),
      this.reader.frontier(start),
      this.checkpoints.between(start, end),
    ]);
    await this.accesses.record(caller, 'exported', { start, end }, entries.length);
    return {
      origin: this.keys.origin,
      start,
      end,
      leftFrontier,
      entries: entries.map((e) => ({ index: e.index, leaf: e.leaf, leafHash: leafHashes[e.index - start] ?? Buffer.alloc(0) })),
      checkpoints: checkpoints.map((c) => ({ size: c.size, note: cosignedNote(c) })),
    };
  }
}

export { auditPaging };
