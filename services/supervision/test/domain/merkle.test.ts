import { createHash } from 'node:crypto';
import {
  consistencyRanges,
  Frontier,
  inclusionRanges,
  perfectNodes,
  rootFromInclusion,
  rootOf,
  TreeHasher,
  verifyConsistency,
  verifyInclusion,
  type LeafRange,
} from '../../src/domain/merkle';
import { edgeTiles, rangeHash, tileKey, TileWriter, tileWidth, type TileId } from '../../src/domain/tiles';
import { askReference } from '../reference/merkle-reference';

const sha256 = new TreeHasher('sha256');
const sm3 = new TreeHasher('sm3');

// RFC 6962's test data, as Certificate Transparency's and transparency-dev/merkle's own tests use it.
const vectorLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const vectorRoots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** MTH straight from the RFC's recursive definition, to check the fast code against. */
function definitionRoot(hasher: TreeHasher, leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return hasher.empty();
  if (leaves.length === 1) return hasher.leaf(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hasher.children(definitionRoot(hasher, leaves.slice(0, k)), definitionRoot(hasher, leaves.slice(k)));
}

/** A tree kept as the log keeps it: tiles filled by the frontier's completed nodes. */
function tiledTree(hasher: TreeHasher, leaves: Buffer[]) {
  const writer = new TileWriter();
  const stored = new Map<string, Buffer[]>();
  const frontier = new Frontier(hasher);
  const roots = [frontier.root()];
  for (const leaf of leaves) {
    frontier.append(hasher.leaf(leaf), writer.record);
    for (const { tile, hashes } of writer.takeChanged()) stored.set(tileKey(tile), hashes);
    roots.push(frontier.root());
  }
  const tiles = (tile: TileId) => stored.get(tileKey(tile)) ?? [];
  const hashesOf = (ranges: LeafRange[]) => ranges.map((range) => rangeHash(hasher, range, tiles));
  return {
    roots,
    frontier,
    stored,
    inclusion: (index: number, size: number) => hashesOf(inclusionRanges(index, size)),
    consistency: (first: number, second: number) => hashesOf(consistencyRanges(first, second)),
  };
}

const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));

describe('RFC 6962 hashing', () => {
  test('the roots of the first 0…8 test leaves are the published ones', () => {
    for (let n = 0; n <= vectorLeaves.length; n++) {
      expect(rootOf(sha256, vectorLeaves.slice(0, n)).toString('hex')).toBe(vectorRoots[n]);
    }
  });

  test('leaf and node hashes are domain separated', () => {
    const leaf = Buffer.from('00', 'hex');
    expect(sha256.leaf(leaf).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.from([0, 0]))
        .digest('hex'),
    );
    expect(sha256.children(leaf, leaf).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.from([1, 0, 0]))
        .digest('hex'),
    );
  });

  test('SM3 is GB/T 32905 SM3 and gives its own tree', () => {
    // The standard's first example: SM3("abc").
    expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(sm3.leaf(Buffer.alloc(0)).toString('hex')).toBe(
      createHash('sm3')
        .update(Buffer.from([0]))
        .digest('hex'),
    );
    expect(rootOf(sm3, vectorLeaves).equals(definitionRoot(sm3, vectorLeaves))).toBe(true);
    expect(rootOf(sm3, vectorLeaves).toString('hex')).not.toBe(vectorRoots[8]);
  });

  test('the frontier gives the definition root at every size, across tile boundaries', () => {
    const leaves = Array.from({ length: 600 }, (_, i) => Buffer.from(`leaf ${i}`));
    const tree = tiledTree(sha256, leaves);
    for (const n of [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 600]) {
      expect(tree.roots[n]!.equals(definitionRoot(sha256, leaves.slice(0, n)))).toBe(true);
    }
  });

  test('a frontier restored from its hashes carries on as the original', () => {
    const leaves = Array.from({ length: 77 }, (_, i) => Buffer.from([i]));
    const first = new Frontier(sha256);
    for (const leaf of leaves.slice(0, 45)) first.append(sha256.leaf(leaf));
    const restored = new Frontier(sha256, first.size, first.hashes);
    for (const leaf of leaves.slice(45)) restored.append(sha256.leaf(leaf));
    expect(restored.root().equals(rootOf(sha256, leaves))).toBe(true);
    expect(() => new Frontier(sha256, 45, first.hashes.slice(1))).toThrow(/45 leaves has 4 nodes, not 3/);
  });

  test('perfect subtrees of a range are aligned and cover it exactly', () => {
    expect(perfectNodes({ start: 0, end: 13 })).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(perfectNodes({ start: 8, end: 11 })).toEqual([
      { level: 1, index: 4 },
      { level: 0, index: 10 },
    ]);
  });
});

describe('tiles', () => {
  test('the right edge of a tree names the filling tile of each level', () => {
    expect(edgeTiles(0)).toEqual([]);
    expect(edgeTiles(300)).toEqual([
      { tile: { level: 0, index: 1 }, width: 44 },
      { tile: { level: 1, index: 0 }, width: 1 },
    ]);
    expect(edgeTiles(tileWidth * tileWidth)).toEqual([{ tile: { level: 2, index: 0 }, width: 1 }]);
  });

  test('a writer refuses a node that would leave a gap in its tile', () => {
    const writer = new TileWriter();
    expect(() => writer.record({ level: 0, index: 5 }, Buffer.alloc(32))).toThrow(/was not loaded/);
    writer.load({ level: 0, index: 0 }, [Buffer.alloc(32)]);
    expect(() => writer.record({ level: 0, index: 2 }, Buffer.alloc(32))).toThrow(/goes at 2/);
  });
});

describe('proofs, checked against github.com/transparency-dev/merkle', () => {
  // Over two tile levels, with sizes around the tile boundaries and powers of two.
  const leaves = Array.from({ length: 530 }, (_, i) =>
    createHash('sha256')
      .update(`entry ${i}`)
      .digest()
      .subarray(0, 1 + (i % 40)),
  );
  const tree = tiledTree(sha256, leaves);
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 255, 256, 257, 300, 511, 512, 513, 530];
  const inclusionPairs: [number, number][] = sizes.flatMap((size) =>
    [0, 1, Math.floor(size / 2), size - 2, size - 1].filter((i) => i >= 0 && i < size).map((i): [number, number] => [i, size]),
  );
  const consistencyPairs: [number, number][] = sizes.flatMap((second) =>
    [0, 1, 2, 3, 4, 7, 8, 255, 256, 257, 300, second - 1, second]
      .filter((f) => f >= 0 && f <= second)
      .map((f): [number, number] => [f, second]),
  );
  const reference = askReference({
    leaves,
    inclusionProofs: inclusionPairs,
    consistencyProofs: consistencyPairs,
    inclusion: inclusionPairs.map(([index, size]) => ({ index, size, proof: tree.inclusion(index, size) })),
    consistency: consistencyPairs.map(([first, second]) => ({ first, second, proof: tree.consistency(first, second) })),
  });

  test('roots of every size agree', () => {
    expect(hex(tree.roots)).toEqual(reference.roots);
  });

  test('inclusion proofs made from tiles equal the reference proofs, and the reference verifies them', () => {
    for (const [index, size] of inclusionPairs)
      expect([index, size, hex(tree.inclusion(index, size))]).toEqual([index, size, reference.inclusion[`${index}:${size}`]]);
    expect(reference.verified.inclusion).toEqual(inclusionPairs.map(() => true));
  });

  test('consistency proofs made from tiles equal the reference proofs, and the reference verifies them', () => {
    for (const [first, second] of consistencyPairs)
      expect([first, second, hex(tree.consistency(first, second))]).toEqual([
        first,
        second,
        reference.consistency[`${first}:${second}`] ?? [],
      ]);
    expect(reference.verified.consistency).toEqual(consistencyPairs.map(() => true));
  });

  test('the reference proofs verify here, and altered ones do not', () => {
    const unhex = (values: string[]) => values.map((v) => Buffer.from(v, 'hex'));
    for (const [index, size] of inclusionPairs) {
      const proof = unhex(reference.inclusion[`${index}:${size}`]!);
      const root = tree.roots[size]!;
      const leafHash = sha256.leaf(leaves[index]!);
      expect(verifyInclusion(sha256, index, size, leafHash, proof, root)).toBe(true);
      // Another leaf, another position, a flipped bit or a missing step: all refused.
      expect(verifyInclusion(sha256, index, size, sha256.leaf(Buffer.from('forged')), proof, root)).toBe(false);
      if (size > 1) expect(verifyInclusion(sha256, (index + 1) % size, size, leafHash, proof, root)).toBe(false);
      if (proof.length > 0) {
        const flipped = proof.map((p) => Buffer.from(p));
        flipped[0]![0]! ^= 1;
        expect(verifyInclusion(sha256, index, size, leafHash, flipped, root)).toBe(false);
        expect(rootFromInclusion(sha256, index, size, leafHash, proof.slice(1))).toBeUndefined();
      }
    }
    for (const [first, second] of consistencyPairs) {
      const proof = unhex(reference.consistency[`${first}:${second}`] ?? []);
      const [firstRoot, secondRoot] = [tree.roots[first]!, tree.roots[second]!];
      expect([first, second, verifyConsistency(sha256, first, second, firstRoot, secondRoot, proof)]).toEqual([first, second, true]);
      if (first > 0 && first < second) {
        const otherRoot = sha256.leaf(Buffer.from('another history'));
        expect(verifyConsistency(sha256, first, second, otherRoot, secondRoot, proof)).toBe(false);
        expect(verifyConsistency(sha256, first, second, firstRoot, otherRoot, proof)).toBe(false);
        expect(verifyConsistency(sha256, first, second, firstRoot, secondRoot, proof.slice(0, -1))).toBe(false);
      }
    }
    // A tree never "extends" a bigger one, and two roots of one size are never consistent.
    expect(verifyConsistency(sha256, 9, 8, tree.roots[9]!, tree.roots[8]!, [])).toBe(false);
    expect(verifyConsistency(sha256, 8, 8, tree.roots[8]!, tree.roots[9]!, [])).toBe(false);
  });
});
