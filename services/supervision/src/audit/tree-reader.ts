/**
 * Proofs from the stored tiles, on any replica. A tile only grows and a hash in it never changes,
 * so every tile read is kept (full ones for good, up to a bound) and read again only when a
 * proof needs a hash past what the kept copy holds: proofs for one tree size read no tile twice.
 */
import { consistencyRanges, inclusionRanges, perfectNodes, type LeafRange, type TreeHasher } from '../domain/merkle';
import { nodeHash, rangeHash, tileKey, tilesFor, tileWidth, type TileId, type TileNeed } from '../domain/tiles';
import type { AuditTreeStore } from '../store/audit-tree';

export class TreeReader {
  private readonly kept = new Map<string, Buffer[]>();

  constructor(
    private readonly store: AuditTreeStore,
    private readonly hasher: TreeHasher,
    /** Tiles kept in memory (8 KiB each when full): 4,096 cover the leaves of a million entries. */
    private readonly keptTiles = 4_096,
  ) {}

  private async load(needs: TileNeed[]): Promise<Map<string, Buffer[]>> {
    const loaded = new Map<string, Buffer[]>();
    await Promise.all(
      needs.map(async ({ tile, width }) => {
        const key = tileKey(tile);
        let hashes = this.kept.get(key);
        if (!hashes || hashes.length < width) {
          hashes = await this.store.tile(tile);
          this.keep(key, hashes);
        }
        loaded.set(key, hashes);
      }),
    );
    return loaded;
  }

  private keep(key: string, hashes: Buffer[]): void {
    const before = this.kept.get(key);
    if (before && before.length >= hashes.length) return;
    this.kept.delete(key);
    // The oldest kept tile makes room; the right edge's few partial tiles are read again often, so they stay newest.
    if (this.kept.size >= this.keptTiles) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, hashes);
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
    const tiles: TileNeed[] = [];
    for (let index = Math.floor(start / tileWidth); index * tileWidth < end; index++)
      tiles.push({ tile: { level: 0, index }, width: Math.min(end - index * tileWidth, tileWidth) });
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
