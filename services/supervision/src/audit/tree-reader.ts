/**
 * Proofs from the stored tiles, on any replica. A full tile never changes, so full tiles are
 * cached; the right edge's tiles are read each time they are needed.
 */
import { consistencyRanges, inclusionRanges, perfectNodes, type LeafRange, type TreeHasher } from '../domain/merkle';
import { nodeHash, rangeHash, tileKey, tilesFor, tileWidth, type TileId } from '../domain/tiles';
import type { AuditTreeStore } from '../store/audit-tree';

export class TreeReader {
  private readonly fullTiles = new Map<string, Buffer[]>();

  constructor(
    private readonly store: AuditTreeStore,
    private readonly hasher: TreeHasher,
    /** Full tiles kept in memory (8 KiB each). */
    private readonly cachedTiles = 4_096,
  ) {}

  private async load(tiles: TileId[]): Promise<Map<string, Buffer[]>> {
    const loaded = new Map<string, Buffer[]>();
    await Promise.all(
      tiles.map(async (tile) => {
        const key = tileKey(tile);
        let hashes = this.fullTiles.get(key);
        if (!hashes) {
          hashes = await this.store.tile(tile);
          if (hashes.length === tileWidth) this.remember(key, hashes);
        }
        loaded.set(key, hashes);
      }),
    );
    return loaded;
  }

  private remember(key: string, hashes: Buffer[]): void {
    if (this.fullTiles.size >= this.cachedTiles) this.fullTiles.delete(this.fullTiles.keys().next().value!);
    this.fullTiles.set(key, hashes);
  }

  /** The hash of each range, in order. */
  async hashes(ranges: LeafRange[]): Promise<Buffer[]> {
    const tiles = await this.load(tilesFor(ranges));
    const of = (tile: TileId) => tiles.get(tileKey(tile)) ?? [];
    return ranges.map((range) => rangeHash(this.hasher, range, of));
  }

  inclusion(index: number, size: number): Promise<Buffer[]> {
    return this.hashes(inclusionRanges(index, size));
  }

  consistency(first: number, second: number): Promise<Buffer[]> {
    return this.hashes(consistencyRanges(first, second));
  }

  /** The leaf hashes of [start, end), from the level-0 tiles. */
  async leafHashes(start: number, end: number): Promise<Buffer[]> {
    const tiles: TileId[] = [];
    for (let index = Math.floor(start / tileWidth); index * tileWidth < end; index++) tiles.push({ level: 0, index });
    const loaded = await this.load(tiles);
    const hashes: Buffer[] = [];
    for (let leaf = start; leaf < end; leaf++)
      hashes.push(loaded.get(tileKey({ level: 0, index: Math.floor(leaf / tileWidth) }))![leaf % tileWidth]!);
    return hashes;
  }

  /** The compact range of [0, size): what a partial export starts from. */
  async frontier(size: number): Promise<Buffer[]> {
    const nodes = perfectNodes({ start: 0, end: size });
    const tiles = await this.load(
      tilesFor(nodes.map((node) => ({ start: node.index * 2 ** node.level, end: (node.index + 1) * 2 ** node.level }))),
    );
    return nodes.map((node) => nodeHash(this.hasher, node, (tile) => tiles.get(tileKey(tile)) ?? []));
  }
}
