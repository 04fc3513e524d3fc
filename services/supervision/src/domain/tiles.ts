/**
 * How the log stores its tree: tiles, as the tiled transparency logs do (Go's sumdb, Sunlight,
 * Tessera). Tile level T, index t holds the hashes of the nodes at tree level 8T with node
 * indices [256t, 256t + 256): level 0 holds leaf hashes, level 1 the roots of 256-leaf subtrees,
 * and so on. Every perfect subtree hash is at most 255 hashing steps from one tile, so a proof at
 * a million leaves reads about three tiles, and appending rewrites only the right edge's tiles.
 * A tile only grows: a hash in it never changes once written.
 */
import { foldRange, perfectNodes, type LeafRange, type NodeId, type TreeHasher } from './merkle';

export const tileHeight = 8;
export const tileWidth = 2 ** tileHeight;

export interface TileId {
  level: number;
  index: number;
}

export const tileKey = ({ level, index }: TileId) => `${level}/${index}`;

/** Where a node's hash can be computed from: a run of hashes in one tile. */
export interface TileSpan {
  tile: TileId;
  offset: number;
  count: number;
  /** Hashing steps from the tile's level up to the node. */
  climb: number;
}

export function spanOf(node: NodeId): TileSpan {
  const level = Math.floor(node.level / tileHeight);
  const climb = node.level % tileHeight;
  const first = node.index * 2 ** climb;
  return { tile: { level, index: Math.floor(first / tileWidth) }, offset: first % tileWidth, count: 2 ** climb, climb };
}

/** The tile a completed node belongs in, when its level is a tile level; undefined otherwise. */
export function tileSlotOf(node: NodeId): { tile: TileId; offset: number } | undefined {
  if (node.level % tileHeight !== 0) return undefined;
  return { tile: { level: node.level / tileHeight, index: Math.floor(node.index / tileWidth) }, offset: node.index % tileWidth };
}

/** A tile, and how many of its first hashes are needed (a tile only grows, so a longer copy serves). */
export interface TileNeed {
  tile: TileId;
  width: number;
}

/** Every tile the hashes of these ranges need, once each, with how much of it. */
export function tilesFor(ranges: readonly LeafRange[]): TileNeed[] {
  const tiles = new Map<string, TileNeed>();
  for (const range of ranges) {
    for (const node of perfectNodes(range)) {
      const { tile, offset, count } = spanOf(node);
      const key = tileKey(tile);
      tiles.set(key, { tile, width: Math.max(tiles.get(key)?.width ?? 0, offset + count) });
    }
  }
  return [...tiles.values()];
}

/** A tile's hashes, in order, as read from the store. */
export type TileHashes = (tile: TileId) => readonly Uint8Array[];

export function nodeHash(hasher: TreeHasher, node: NodeId, tiles: TileHashes): Buffer {
  const span = spanOf(node);
  const hashes = tiles(span.tile);
  if (hashes.length < span.offset + span.count) {
    throw new Error(
      `tile ${tileKey(span.tile)} holds ${hashes.length} hashes; node ${node.level}/${node.index} needs ${span.offset + span.count}`,
    );
  }
  let row: Buffer[] = hashes.slice(span.offset, span.offset + span.count).map((h) => Buffer.from(h));
  for (let step = 0; step < span.climb; step++) {
    const next: Buffer[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hasher.children(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

/** MTH of a range, from the tiles. */
export function rangeHash(hasher: TreeHasher, range: LeafRange, tiles: TileHashes): Buffer {
  return foldRange(
    hasher,
    perfectNodes(range).map((node) => nodeHash(hasher, node, tiles)),
  );
}

/** The tile that is still filling at each tile level of a tree of `size` leaves, with how many hashes it holds. */
export function edgeTiles(size: number): { tile: TileId; width: number }[] {
  const edge: { tile: TileId; width: number }[] = [];
  for (let level = 0, nodes = size; nodes > 0; level++, nodes = Math.floor(nodes / tileWidth)) {
    if (nodes % tileWidth !== 0) edge.push({ tile: { level, index: Math.floor(nodes / tileWidth) }, width: nodes % tileWidth });
  }
  return edge;
}

/**
 * The tiles a writer is filling: it starts from the right edge's tiles of the stored tree, hears
 * every completed node (Frontier.append), and hands back the tiles that changed since the last
 * write. A full tile is handed back once more and then forgotten: it never changes again.
 */
export class TileWriter {
  private readonly tiles = new Map<string, { tile: TileId; hashes: Buffer[] }>();
  private readonly changed = new Set<string>();

  load(tile: TileId, hashes: readonly Uint8Array[]): void {
    this.tiles.set(tileKey(tile), { tile, hashes: hashes.map((h) => Buffer.from(h)) });
  }

  /** Frontier.append's `completed` callback. */
  readonly record = (node: NodeId, hash: Buffer): void => {
    const slot = tileSlotOf(node);
    if (!slot) return;
    const key = tileKey(slot.tile);
    let entry = this.tiles.get(key);
    if (!entry) {
      if (slot.offset !== 0) throw new Error(`tile ${key} was not loaded before node ${node.level}/${node.index}`);
      entry = { tile: slot.tile, hashes: [] };
      this.tiles.set(key, entry);
    }
    if (entry.hashes.length !== slot.offset)
      throw new Error(`tile ${key} holds ${entry.hashes.length} hashes; node ${node.level}/${node.index} goes at ${slot.offset}`);
    entry.hashes.push(hash);
    this.changed.add(key);
  };

  /** The tiles changed since the last call. */
  takeChanged(): { tile: TileId; hashes: Buffer[] }[] {
    const out = [...this.changed].map((key) => this.tiles.get(key)!);
    this.changed.clear();
    for (const { tile, hashes } of out) if (hashes.length === tileWidth) this.tiles.delete(tileKey(tile));
    return out.map(({ tile, hashes }) => ({ tile, hashes: [...hashes] }));
  }
}
