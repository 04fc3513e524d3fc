/**
 * The witness: a key held by the organisation above (上级纪委) that cosigns the log's checkpoints
 * (c2sp.org/tlog-cosignature), and only those consistent with the last one it cosigned. It checks
 * the log's signature and the consistency proof itself, from what the log hands it, and it never
 * cosigns two roots for one size. A log that rewrote or dropped entries after the witness saw them
 * cannot get that rewrite cosigned; the witness refuses and says so (supervision.witness.refused).
 *
 * It sees the log only through LogView, the log's public API (checkpoint, consistency proof, a
 * place for the cosignature), so the same code can run in the other organisation's deployment.
 */
import type { Logger } from '@repo/logging';
import { verifyConsistency, type TreeHasher } from '../domain/merkle';
import { formatNote, parseCheckpointText, parseNote, verifyNote, type NoteSigner, type NoteVerifier } from '../domain/note';
import type { WitnessStore } from '../store/witness';

export interface LogView {
  /** The latest checkpoint the log signed, as a signed note. */
  latestCheckpoint(): Promise<string | undefined>;
  consistency(first: number, second: number): Promise<Buffer[]>;
  /** Hands the cosignature line back to the log, which serves it with the checkpoint. */
  addCosignature(size: number, line: string): Promise<void>;
}

export type WitnessOutcome = { cosigned: number } | { refused: string } | { unchanged: number } | { nothing: true };

export class Witness {
  constructor(
    private readonly store: WitnessStore,
    private readonly signer: NoteSigner,
    private readonly logKey: NoteVerifier,
    private readonly hasher: TreeHasher,
    private readonly log: LogView,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.signer.name;
  }

  async observe(now = new Date()): Promise<WitnessOutcome> {
    const note = await this.log.latestCheckpoint();
    if (!note) return { nothing: true };
    const { text } = verifyNote(note, [this.logKey]);
    const checkpoint = parseCheckpointText(text);
    const { origin, size, root } = checkpoint;
    if (origin !== this.logKey.name)
      return this.refuse(origin, size, root, `the checkpoint is of ${origin}, not of ${this.logKey.name}`, now);
    const last = await this.store.head(origin);
    if (last) {
      if (size < last.size) return this.refuse(origin, size, root, `the log went back from ${last.size} to ${size} entries`, now);
      if (size === last.size) {
        return last.root.equals(root) ? { unchanged: size } : this.refuse(origin, size, root, `a second root for size ${size}`, now);
      }
      const proof = await this.log.consistency(last.size, size);
      if (!verifyConsistency(this.hasher, last.size, size, last.root, root, proof)) {
        return this.refuse(origin, size, root, `the tree of ${size} entries does not extend the one of ${last.size} it cosigned`, now);
      }
    }
    // Claimed before signing: if another root ever holds this size, nothing is signed for it.
    if ((await this.store.claim(origin, size, root, now)) === 'conflict')
      return this.refuse(origin, size, root, `a second root for size ${size}`, now);
    const line = this.signer.signatureLine(text, now);
    const cosigned = formatNote(text, [...parseNote(note).signatures.map((s) => s.line), line]);
    await this.store.saveHead(origin, { size, root, note: cosigned }, now);
    await this.log.addCosignature(size, line);
    return { cosigned: size };
  }

  private async refuse(origin: string, size: number, root: Buffer, reason: string, now: Date): Promise<WitnessOutcome> {
    this.logger.error({ origin, size, reason }, 'witness refused to cosign the audit log');
    await this.store.refuse(origin, size, root, reason, now);
    return { refused: reason };
  }
}
