/**
 * A stored tile: the C2SP tile bytes (`width` hashes of tree level 8·L) plus its interior — the
 * roots of the complete subtrees inside the tile at in-tile levels 1..7. The interior is what the
 * appender computes anyway; keeping it makes every stored hash of the tree a lookup, so an
 * inclusion proof reads one tile per tile level and hashes nothing.
 *
 * Interior layout: in-tile level 1, then 2, … then 7; level k holds ⌊width / 2^k⌋ hashes.
 */
import {
  HASH_SIZE,
  type Hash,
  type HashText,
  joinHashText,
  nodeHash,
  nodeHashText,
  splitHashText,
} from './hash.js';
import { TILE_HEIGHT, TILE_WIDTH, type TileCoord } from './tiles.js';

export interface TileData extends TileCoord {
  /** The tile as served: `width` concatenated hashes. */
  readonly hashes: Uint8Array;
  /** Interior hashes, in-tile levels 1..7 (see the module comment). */
  readonly nodes: Uint8Array;
}

/** Number of interior hashes a tile of `width` holds. */
export function interiorCount(width: number): number {
  let total = 0;
  for (let k = 1; k < TILE_HEIGHT; k++) total += Math.floor(width / 2 ** k);
  return total;
}

function interiorOffset(width: number, k: number): number {
  let offset = 0;
  for (let j = 1; j < k; j++) offset += Math.floor(width / 2 ** j);
  return offset;
}

/**
 * The root of the complete subtree at in-tile level `k` (0..7), position `pos` within that
 * level, or undefined when the tile is too narrow to hold it.
 */
export function hashInTile(tile: TileData, k: number, pos: number): Hash | undefined {
  if (pos < 0 || (pos + 1) * 2 ** k > tile.width) return undefined;
  if (k === 0) return tile.hashes.subarray(pos * HASH_SIZE, (pos + 1) * HASH_SIZE);
  const at = (interiorOffset(tile.width, k) + pos) * HASH_SIZE;
  return tile.nodes.subarray(at, at + HASH_SIZE);
}

/** The in-tile levels 0..7 of a tile, each a list of hashes (text form). */
export type TileLevels = HashText[][];

/** Computes the interior levels of a tile from its level-0 hashes. */
export function expandTile(hashes: readonly HashText[]): TileLevels {
  const levels: TileLevels = [hashes.slice()];
  for (let k = 1; k < TILE_HEIGHT; k++) {
    const below = levels[k - 1]!;
    const level: HashText[] = [];
    for (let i = 0; i + 1 < below.length; i += 2)
      level.push(nodeHashText(below[i]!, below[i + 1]!));
    levels.push(level);
  }
  return levels;
}

/** Whether a tile's stored interior is what its hashes hash to. */
export function tileIsSelfConsistent(tile: TileData): boolean {
  return sameTile(
    tile,
    tileFromLevels(tile.level, tile.index, expandTile(splitHashText(tile.hashes))),
  );
}

/**
 * Serialises in-tile levels as a TileData. This runs for every tile a batch touches (the growing
 * right-edge tile is rewritten per batch), so each level is joined natively and written straight
 * into its place: concatenating all levels first (`flat()`, then one join) cost three times more.
 */
export function tileFromLevels(level: number, index: number, levels: TileLevels): TileData {
  const base = levels[0] ?? [];
  let interior = 0;
  for (let k = 1; k < TILE_HEIGHT; k++) interior += levels[k]?.length ?? 0;
  const nodes = Buffer.allocUnsafe(interior * HASH_SIZE);
  let offset = 0;
  for (let k = 1; k < TILE_HEIGHT; k++) {
    const hashes = levels[k] ?? [];
    if (hashes.length === 0) continue;
    nodes.write(hashes.join(''), offset, 'latin1');
    offset += hashes.length * HASH_SIZE;
  }
  return { level, index, width: base.length, hashes: joinHashText(base), nodes };
}

/** Splits a TileData back into in-tile levels; undefined if its sizes are inconsistent. */
export function levelsOfTile(tile: TileData): TileLevels | undefined {
  const { width } = tile;
  if (width < 1 || width > TILE_WIDTH) return undefined;
  if (tile.hashes.length !== width * HASH_SIZE) return undefined;
  if (tile.nodes.length !== interiorCount(width) * HASH_SIZE) return undefined;
  const levels: TileLevels = [splitHashText(tile.hashes)];
  const interior = splitHashText(tile.nodes);
  let offset = 0;
  for (let k = 1; k < TILE_HEIGHT; k++) {
    const count = Math.floor(width / 2 ** k);
    levels.push(interior.slice(offset, offset + count));
    offset += count;
  }
  return levels;
}

/** The root of a full tile (its subtree of 256 hashes), computed from its interior. */
export function fullTileRoot(tile: TileData): Hash | undefined {
  if (tile.width !== TILE_WIDTH) return undefined;
  const top = TILE_HEIGHT - 1;
  const left = hashInTile(tile, top, 0);
  const right = hashInTile(tile, top, 1);
  return left && right ? nodeHash(left, right) : undefined;
}

/** Whether two tiles have identical coordinates and bytes. */
export function sameTile(a: TileData, b: TileData): boolean {
  return (
    a.level === b.level &&
    a.index === b.index &&
    a.width === b.width &&
    Buffer.compare(a.hashes, b.hashes) === 0 &&
    Buffer.compare(a.nodes, b.nodes) === 0
  );
}

/** Where the root of a complete subtree (tree level, index at that level) is stored. */
export interface SubtreeLocation {
  readonly tileLevel: number;
  readonly tileIndex: number;
  /** In-tile level (0..7). */
  readonly k: number;
  /** Position within in-tile level k. */
  readonly pos: number;
}

export function locateSubtree(level: number, index: number): SubtreeLocation {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const k = level - tileLevel * TILE_HEIGHT;
  const perTile = 2 ** (TILE_HEIGHT - k);
  const tileIndex = Math.floor(index / perTile);
  return { tileLevel, tileIndex, k, pos: index - tileIndex * perTile };
}
