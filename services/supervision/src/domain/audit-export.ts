/**
 * An export of the audit log and its offline verification: with nothing but the export, a
 * checkpoint the verifier trusts (best one cosigned by the witness) and the public keys, anyone
 * can tell whether the entries are the ones the log signed, and where they stop being so.
 *
 * The export is JSON Lines: a header; then every entry in index order, each with the leaf hash the
 * log recorded in its tree when it appended the entry; after the entry that completes a signed
 * size, that checkpoint. The verifier rebuilds two trees as it reads: one from the entries'
 * contents and one from the recorded hashes. The signed roots must match the first. When they do
 * not, the second tells what happened: if the recorded hashes still give the signed root, the
 * first entry whose content no longer hashes to its recorded leaf is the one changed; if they do
 * not either, the record was rewritten too, and the change lies after the last checkpoint that
 * still verified.
 */
import { Frontier, TreeHasher, type HashName } from './merkle';
import { hashOfOrigin, parseCheckpointText, verifyNote, type NoteVerifier } from './note';

export const exportFormat = 'partybuilding-audit-export/v1';

export interface ExportHeader {
  format: typeof exportFormat;
  origin: string;
  /** First index exported. */
  start: number;
  /** One past the last index exported. */
  end: number;
  /** The compact range of the entries before `start` (base64, largest subtree first). */
  leftFrontier: string[];
}

export interface ExportedEntry {
  index: number;
  /** The canonical JSON of the event, as stored. */
  leaf: string;
  /** base64 of the leaf hash the log's tree holds for this index. */
  leafHash: string;
}

export type ExportLine = { header: ExportHeader } | { entry: ExportedEntry } | { checkpoint: string };

export interface VerificationProblem {
  kind: 'changedEntry' | 'rewrittenRecord' | 'missingEntries' | 'misplacedEntry' | 'badCheckpoint' | 'rootMismatch' | 'malformed';
  message: string;
  /** The first entry the problem concerns. */
  index?: number;
}

export interface VerificationReport {
  ok: boolean;
  origin: string;
  hash: HashName | '';
  start: number;
  /** One past the last entry read. */
  end: number;
  /** The trusted checkpoint: its size, root (base64) and who signed it. */
  trusted: { size: number; root: string; signedBy: string[] };
  /** Checkpoints of the export whose roots the entries reproduced. */
  checkpointsVerified: number;
  /** The first entry that is not what the log signed, when one can be named. */
  firstBadEntry?: number;
  problems: VerificationProblem[];
}

export interface TrustedKeys {
  log: NoteVerifier;
  /** When given, the trusted checkpoint must carry this witness's cosignature. */
  witness?: NoteVerifier;
}

const entriesNamed = (first: number, last: number) => (first === last ? `entry ${first} is` : `entries ${first}…${last} are`);

export class ExportVerifier {
  private header: ExportHeader | undefined;
  private hasher: TreeHasher | undefined;
  private content: Frontier | undefined;
  private recorded: Frontier | undefined;
  private readonly problems: VerificationProblem[] = [];
  private readonly trustedSize: number;
  private readonly trustedRoot: Buffer;
  private readonly signedBy: string[];
  private checkpointsVerified = 0;
  /** Size of the last checkpoint (or the start) the entries' contents reproduced. */
  private lastGood = 0;
  /** The first entry whose content does not hash to its recorded leaf. */
  private firstChanged: number | undefined;
  private firstBadEntry: number | undefined;
  private expectedIndex = 0;

  constructor(
    private readonly keys: TrustedKeys,
    trustedCheckpoint: string,
  ) {
    const verified = verifyNote(trustedCheckpoint, keys.witness ? [keys.log, keys.witness] : [keys.log]);
    const names = verified.verifiedBy.map((v) => v.name);
    if (!names.includes(keys.log.name)) throw new Error(`the trusted checkpoint is not signed by the log key ${keys.log.name}`);
    if (keys.witness && !names.includes(keys.witness.name))
      throw new Error(`the trusted checkpoint carries no cosignature of the witness ${keys.witness.name}`);
    const checkpoint = parseCheckpointText(verified.text);
    if (checkpoint.origin !== keys.log.name) throw new Error(`the trusted checkpoint is of ${checkpoint.origin}, not of ${keys.log.name}`);
    this.trustedSize = checkpoint.size;
    this.trustedRoot = checkpoint.root;
    this.signedBy = names;
  }

  /** One line of the export (without its newline). */
  line(text: string): void {
    if (text.trim() === '') return;
    let parsed: Partial<{ header: ExportHeader; entry: ExportedEntry; checkpoint: string }>;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return this.problem({ kind: 'malformed', message: `a line is not JSON: ${text.slice(0, 80)}` });
    }
    if (parsed.header) return this.start(parsed.header);
    if (!this.header || !this.hasher) return this.problem({ kind: 'malformed', message: 'the export does not begin with its header' });
    if (parsed.entry) return this.entry(parsed.entry);
    if (typeof parsed.checkpoint === 'string') return this.checkpoint(parsed.checkpoint);
    this.problem({ kind: 'malformed', message: `an unknown line: ${text.slice(0, 80)}` });
  }

  private start(header: ExportHeader): void {
    if (this.header) return this.problem({ kind: 'malformed', message: 'a second header' });
    const hash = hashOfOrigin(header.origin);
    if (header.format !== exportFormat || !hash)
      return this.problem({ kind: 'malformed', message: `not an export of format ${exportFormat} with a known hash` });
    if (header.origin !== this.keys.log.name)
      return this.problem({ kind: 'malformed', message: `the export is of ${header.origin}, not of ${this.keys.log.name}` });
    this.header = header;
    this.hasher = new TreeHasher(hash);
    const left = header.leftFrontier.map((h) => Buffer.from(h, 'base64'));
    try {
      this.content = new Frontier(this.hasher, header.start, left);
      this.recorded = new Frontier(this.hasher, header.start, left);
    } catch (err) {
      return this.problem({ kind: 'malformed', message: `the header's left frontier: ${(err as Error).message}` });
    }
    this.expectedIndex = header.start;
    this.lastGood = header.start;
    if (this.trustedSize < header.start) {
      this.problem({
        kind: 'malformed',
        message: `the trusted checkpoint (size ${this.trustedSize}) ends before the export starts (${header.start})`,
      });
    } else if (this.trustedSize === header.start) {
      this.compare(this.trustedSize, this.trustedRoot, 'the trusted checkpoint');
    }
  }

  private entry(entry: ExportedEntry): void {
    const { hasher, content, recorded } = this;
    if (!hasher || !content || !recorded) return;
    if (entry.index !== this.expectedIndex) {
      this.problem({
        kind: entry.index > this.expectedIndex ? 'missingEntries' : 'misplacedEntry',
        index: Math.min(entry.index, this.expectedIndex),
        message:
          entry.index > this.expectedIndex
            ? `${entriesNamed(this.expectedIndex, entry.index - 1)} missing`
            : `entry ${entry.index} appears again after entry ${this.expectedIndex - 1}`,
      });
      this.markBad(Math.min(entry.index, this.expectedIndex));
    }
    this.expectedIndex = Math.max(this.expectedIndex, entry.index) + 1;
    const computed = hasher.leaf(Buffer.from(entry.leaf, 'utf8'));
    const stored = Buffer.from(entry.leafHash, 'base64');
    if (!computed.equals(stored) && this.firstChanged === undefined) this.firstChanged = entry.index;
    content.append(computed);
    recorded.append(stored);
    if (content.size === this.trustedSize) this.compare(this.trustedSize, this.trustedRoot, 'the trusted checkpoint');
  }

  private checkpoint(note: string): void {
    const { content } = this;
    if (!content) return;
    let size: number;
    let root: Buffer;
    try {
      const checkpoint = parseCheckpointText(verifyNote(note, [this.keys.log]).text);
      ({ size, root } = checkpoint);
    } catch (err) {
      return this.problem({ kind: 'badCheckpoint', message: `a checkpoint of the export does not verify: ${(err as Error).message}` });
    }
    if (size !== content.size)
      return this.problem({ kind: 'badCheckpoint', message: `the checkpoint of size ${size} comes after entry ${content.size - 1}` });
    if (this.compare(size, root, `the checkpoint of size ${size}`)) this.checkpointsVerified++;
  }

  /** Whether the entries up to `size` give `root`; a mismatch is explained as well as it can be. */
  private compare(size: number, root: Buffer, what: string): boolean {
    if (this.content!.root().equals(root)) {
      this.lastGood = Math.max(this.lastGood, size);
      return true;
    }
    if (this.firstBadEntry !== undefined && this.firstBadEntry < size) return false;
    const recordIntact = this.recorded!.root().equals(root);
    if (recordIntact && this.firstChanged !== undefined) {
      this.problem({
        kind: 'changedEntry',
        index: this.firstChanged,
        message: `entry ${this.firstChanged} was changed after it was logged: its content no longer hashes to the leaf ${what} holds`,
      });
      this.markBad(this.firstChanged);
    } else {
      this.problem({
        kind: recordIntact ? 'rootMismatch' : 'rewrittenRecord',
        index: this.lastGood,
        message: `the entries do not give the root of ${what}: the first difference lies in entries ${this.lastGood}…${size - 1}${
          this.firstChanged !== undefined ? `, and entry ${this.firstChanged} no longer hashes to its recorded leaf` : ''
        }`,
      });
      this.markBad(this.firstChanged !== undefined && this.firstChanged >= this.lastGood ? this.firstChanged : this.lastGood);
    }
    return false;
  }

  private markBad(index: number): void {
    if (this.firstBadEntry === undefined || index < this.firstBadEntry) this.firstBadEntry = index;
  }

  private problem(problem: VerificationProblem): void {
    this.problems.push(problem);
  }

  finish(): VerificationReport {
    const end = this.content?.size ?? 0;
    if (!this.header) this.problem({ kind: 'malformed', message: 'the export has no header' });
    else if (end < this.header.end) {
      this.problem({
        kind: 'missingEntries',
        index: end,
        message: `the header announces entries up to ${this.header.end - 1}, the export stops after ${end - 1}`,
      });
    }
    if (this.content && end < this.trustedSize) {
      this.problem({
        kind: 'missingEntries',
        index: end,
        message: `the trusted checkpoint covers ${this.trustedSize} entries and the export ends at ${end}: ${entriesNamed(end, this.trustedSize - 1)} missing`,
      });
      this.markBad(end);
    }
    return {
      ok: this.problems.length === 0,
      origin: this.header?.origin ?? '',
      hash: this.hasher?.name ?? '',
      start: this.header?.start ?? 0,
      end,
      trusted: { size: this.trustedSize, root: this.trustedRoot.toString('base64'), signedBy: this.signedBy },
      checkpointsVerified: this.checkpointsVerified,
      ...(this.firstBadEntry !== undefined ? { firstBadEntry: this.firstBadEntry } : {}),
      problems: this.problems,
    };
  }
}
