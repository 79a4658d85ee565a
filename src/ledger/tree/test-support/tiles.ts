/** Builds a tree in memory and answers stored-hash lookups from its tiles, as the ledger does. */
import { leafHash } from '../hash.js';
import type { Subtree } from '../proofs.js';
import { type TileData, hashInTile, locateSubtree } from '../tile-data.js';
import { TreeBuilder } from '../tree-builder.js';

export interface BuiltTree {
  readonly builder: TreeBuilder;
  /** Latest version of every tile, keyed `level/index`. */
  readonly tiles: Map<string, TileData>;
  readonly lookup: (subtree: Subtree) => Buffer | undefined;
}

export function buildTree(entries: readonly Uint8Array[], flushEvery = 1): BuiltTree {
  const builder = new TreeBuilder();
  const tiles = new Map<string, TileData>();
  const flush = () => {
    for (const tile of builder.takeChanges()) tiles.set(`${tile.level}/${tile.index}`, tile);
  };
  entries.forEach((entry, i) => {
    builder.append(leafHash(entry));
    if ((i + 1) % flushEvery === 0) flush();
  });
  flush();
  return {
    builder,
    tiles,
    lookup: (subtree) => {
      const at = locateSubtree(subtree.level, subtree.index);
      const tile = tiles.get(`${at.tileLevel}/${at.tileIndex}`);
      const hash = tile ? hashInTile(tile, at.k, at.pos) : undefined;
      return hash ? Buffer.from(hash) : undefined;
    },
  };
}

export function entriesOf(count: number, seed = 0): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`entry ${seed}:${i}`));
}
