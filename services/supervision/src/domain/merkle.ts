/**
 * The Merkle tree of the audit log, as RFC 9162 (Certificate Transparency 2.0, §2.1) defines it:
 * leaf hash H(0x00 ‖ leaf), node hash H(0x01 ‖ left ‖ right), the split point of n leaves the
 * largest power of two below n; inclusion and consistency proofs of O(log n) hashes and their
 * verification. The hash is SHA-256 or SM3 (GB/T 32905, the national standard), chosen per log.
 *
 * Sizes and indices are plain numbers: exact up to 2^53 leaves, far beyond any log here. Bit
 * operators are avoided on purpose, since they truncate to 32 bits.
 */
import { createHash } from 'node:crypto';

export const hashNames = ['sha256', 'sm3'] as const;
export type HashName = (typeof hashNames)[number];

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

export class TreeHasher {
  constructor(readonly name: HashName) {}

  /** The root of the empty tree: the hash of the empty string. */
  empty(): Buffer {
    return createHash(this.name).digest();
  }

  leaf(data: Uint8Array): Buffer {
    return createHash(this.name).update(leafPrefix).update(data).digest();
  }

  children(left: Uint8Array, right: Uint8Array): Buffer {
    return createHash(this.name).update(nodePrefix).update(left).update(right).digest();
  }
}

/** Leaves [start, end) of the tree: the subtree whose hash a proof step carries. */
export interface LeafRange {
  start: number;
  end: number;
}

/** A perfect subtree: 2^level leaves from index × 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees that make up leaves [start, end), largest first. RFC 9162's recursion
 * only produces ranges whose start is a multiple of a power of two at least their length, so
 * each piece is aligned.
 */
export function perfectNodes({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let size = 1;
    let level = 0;
    // The biggest aligned power of two that starts here and fits.
    while (at % (size * 2) === 0 && at + size * 2 <= end) {
      size *= 2;
      level++;
    }
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}

/** MTH(D[start:end]) from the hashes of its perfect subtrees (perfectNodes order). */
export function foldRange(hasher: TreeHasher, hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) return hasher.empty();
  let root: Buffer = Buffer.from(hashes[hashes.length - 1]!);
  for (let i = hashes.length - 2; i >= 0; i--) root = hasher.children(hashes[i]!, root);
  return root;
}

/** The subtrees whose hashes form the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1), leaf end first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (lo: number, hi: number): LeafRange[] => {
    if (hi - lo === 1) return [];
    const k = splitPoint(hi - lo);
    return index < lo + k ? [...path(lo, lo + k), { start: lo + k, end: hi }] : [...path(lo + k, hi), { start: lo, end: lo + k }];
  };
  return path(0, size);
}

/** The subtrees whose hashes form the consistency proof from `first` to `second` leaves (RFC 9162 §2.1.4.1). */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  const subproof = (lo: number, hi: number, complete: boolean): LeafRange[] => {
    if (first === hi) return complete ? [] : [{ start: lo, end: hi }];
    const k = splitPoint(hi - lo);
    return first <= lo + k
      ? [...subproof(lo, lo + k, complete), { start: lo + k, end: hi }]
      : [...subproof(lo + k, hi, false), { start: lo, end: lo + k }];
  };
  return subproof(0, second, true);
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** RFC 9162: "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0". */
function shiftToOdd(fn: number, sn: number): [number, number] {
  while (!isOdd(fn) && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2); undefined when the proof has the wrong shape. */
export function rootFromInclusion(
  hasher: TreeHasher,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
): Buffer | undefined {
  if (!(index >= 0 && index < size)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = hasher.children(p, r);
      [fn, sn] = shiftToOdd(fn, sn);
    } else {
      r = hasher.children(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(
  hasher: TreeHasher,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusion(hasher, index, size, leafHash, proof);
  return computed !== undefined && equal(computed, root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `second` leaves extends the one of `first`. */
export function verifyConsistency(
  hasher: TreeHasher,
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: Uint8Array[],
): boolean {
  if (first > second || first < 0) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  // Every tree extends the empty one.
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  let fn = first - 1;
  let sn = second - 1;
  // A first tree that is one perfect subtree is its own first proof node.
  if (Number.isInteger(Math.log2(first))) path.unshift(firstRoot);
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hasher.children(c, fr);
      sr = hasher.children(c, sr);
      [fn, sn] = shiftToOdd(fn, sn);
    } else {
      sr = hasher.children(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/**
 * The compact range of leaves [0, size): the roots of its perfect subtrees, largest first. Enough
 * to append leaves and compute the root without the leaves themselves (the log keeps it in
 * memory and in its head record; the offline verifier streams through an export with it).
 */
export class Frontier {
  private readonly nodes: Buffer[];

  constructor(
    private readonly hasher: TreeHasher,
    private count = 0,
    nodes: Uint8Array[] = [],
  ) {
    this.nodes = nodes.map((n) => Buffer.from(n));
    const expected = perfectNodes({ start: 0, end: count }).length;
    if (this.nodes.length !== expected)
      throw new RangeError(`a frontier of ${count} leaves has ${expected} nodes, not ${this.nodes.length}`);
  }

  get size(): number {
    return this.count;
  }

  /** The perfect subtree roots, largest first (what the head record stores). */
  get hashes(): Buffer[] {
    return [...this.nodes];
  }

  /**
   * Appends a leaf hash. `completed` hears of every node this completes, the leaf first, so
   * the log can store the node levels it keeps (its tiles).
   */
  append(leafHash: Uint8Array, completed?: (node: NodeId, hash: Buffer) => void): void {
    let node: Buffer = Buffer.from(leafHash);
    let level = 0;
    const leafIndex = this.count;
    completed?.({ level: 0, index: leafIndex }, node);
    // Each trailing one bit of the old size is a left sibling waiting for this node.
    for (let size = this.count; isOdd(size); size = half(size)) {
      node = this.hasher.children(this.nodes.pop()!, node);
      level++;
      completed?.({ level, index: Math.floor(leafIndex / 2 ** level) }, node);
    }
    this.nodes.push(node);
    this.count++;
  }

  root(): Buffer {
    return foldRange(this.hasher, this.nodes);
  }

  clone(): Frontier {
    return new Frontier(this.hasher, this.count, this.nodes);
  }
}

/** The root of a whole list of leaves (tests and small trees). */
export function rootOf(hasher: TreeHasher, leaves: Uint8Array[]): Buffer {
  const frontier = new Frontier(hasher);
  for (const leaf of leaves) frontier.append(hasher.leaf(leaf));
  return frontier.root();
}
