/**
 * The appender: keeps only the right edge of the tree — for each tile level, the tile being
 * filled, with its interior — and updates it per leaf in amortised O(1) hashes (O(log n) worst
 * case), like Go's `tlog.StoredHashes`. Every hash it computes is a stored hash of some tile, so
 * the tiles a batch changed fall out of the appends for free.
 *
 * ```ts
 * const tree = new TreeBuilder();
 * tree.append(leafHash(entry));
 * const root = tree.root();            // RFC 6962 MTH of the entries so far
 * const changed = tree.takeChanges();  // full tiles completed + right-edge partial tiles
 * ```
 */
import {
  EMPTY_ROOT,
  type Hash,
  type HashText,
  hashToText,
  nodeHashText,
  textToHash,
} from './hash.js';
import { type TileData, type TileLevels, levelsOfTile, tileFromLevels } from './tile-data.js';
import { MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH, hashCountAtTileLevel } from './tiles.js';

function emptyLevels(): TileLevels {
  return [[], [], [], [], [], [], [], []];
}

export class TreeBuilder {
  #size = 0;
  /** Hashes at tree level 8·L, per tile level L. */
  #counts: number[] = [];
  /** The tile being filled at each tile level (undefined when that level's count is a multiple of 256). */
  #edge: (TileLevels | undefined)[] = [];
  #completed: TileData[] = [];
  /** Bit L set when tile level L received a hash since the last takeChanges (a Set cost a hash-table insert per leaf). */
  #touched = 0;

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash. */
  append(leaf: Hash): void {
    this.appendText(hashToText(leaf));
  }

  /** Appends one leaf hash given in text form (the sequencer's hot path). */
  appendText(leaf: HashText): void {
    this.#push(0, leaf);
    this.#size++;
  }

  #push(level: number, hash: HashText): void {
    const count = this.#counts[level] ?? 0;
    let levels = this.#edge[level];
    if (!levels) {
      levels = emptyLevels();
      this.#edge[level] = levels;
    }
    levels[0]!.push(hash);
    this.#counts[level] = count + 1;
    this.#touched |= 1 << level;
    let k = 0;
    let below = levels[0]!;
    while (below.length % 2 === 0) {
      const combined = nodeHashText(below[below.length - 2]!, below[below.length - 1]!);
      k++;
      if (k === TILE_HEIGHT) {
        // The tile is full: it becomes immutable, and its root is the next hash one tile level up.
        this.#completed.push(tileFromLevels(level, Math.floor(count / TILE_WIDTH), levels));
        this.#edge[level] = undefined;
        this.#push(level + 1, combined);
        return;
      }
      below = levels[k]!;
      below.push(combined);
    }
  }

  /** The RFC 6962 root hash of the tree so far (SHA-256("") when empty). */
  root(): Hash {
    let acc: HashText | undefined;
    // The right edge's complete subtrees, smallest first: fold them as RFC 6962 MTH does.
    for (const levels of this.#edge) {
      if (!levels) continue;
      for (let k = 0; k < TILE_HEIGHT; k++) {
        const hashes = levels[k]!;
        if (hashes.length % 2 === 1) {
          const subtree = hashes[hashes.length - 1]!;
          acc = acc ? nodeHashText(subtree, acc) : subtree;
        }
      }
    }
    return acc === undefined ? EMPTY_ROOT : textToHash(acc);
  }

  /** The right-edge (partial) tile at a tile level, if that level has one. */
  edgeTile(level: number): TileData | undefined {
    const levels = this.#edge[level];
    if (!levels || levels[0]!.length === 0) return undefined;
    return tileFromLevels(level, Math.floor((this.#counts[level] ?? 0) / TILE_WIDTH), levels);
  }

  /** The right-edge tiles of every level. */
  edgeTiles(): TileData[] {
    const tiles: TileData[] = [];
    for (let level = 0; level < this.#edge.length; level++) {
      const tile = this.edgeTile(level);
      if (tile) tiles.push(tile);
    }
    return tiles;
  }

  /**
   * The tiles changed since the last call: every tile completed, then the current partial tile
   * of each level that received hashes.
   */
  takeChanges(): TileData[] {
    const changed = this.#completed;
    for (let level = 0; level < this.#edge.length; level++) {
      if ((this.#touched & (1 << level)) === 0) continue;
      const tile = this.edgeTile(level);
      if (tile) changed.push(tile);
    }
    this.#completed = [];
    this.#touched = 0;
    return changed;
  }

  /** An independent copy (pending changes are not copied). */
  clone(): TreeBuilder {
    const copy = new TreeBuilder();
    copy.#size = this.#size;
    copy.#counts = this.#counts.slice();
    copy.#edge = this.#edge.map((levels) => levels?.map((hashes) => hashes.slice()));
    return copy;
  }

  /**
   * Rebuilds the appender of a tree of `size` leaves from its right-edge partial tiles (one per
   * tile level whose hash count is not a multiple of 256). Throws if they do not fit that size.
   */
  static restore(size: number, edgeTiles: readonly TileData[]): TreeBuilder {
    const builder = new TreeBuilder();
    builder.#size = size;
    for (let level = 0; level <= MAX_TILE_LEVEL; level++) {
      const count = hashCountAtTileLevel(size, level);
      if (count === 0) break;
      builder.#counts[level] = count;
      const width = count % TILE_WIDTH;
      const tile = edgeTiles.find((t) => t.level === level);
      if (width === 0) {
        if (tile)
          throw new Error(
            `tile level ${level} has no partial tile at size ${size}, got width ${tile.width}`,
          );
        continue;
      }
      const expectedIndex = Math.floor(count / TILE_WIDTH);
      if (!tile || tile.index !== expectedIndex || tile.width !== width) {
        const got = tile ? `${tile.index} width ${tile.width}` : 'none';
        throw new Error(
          `tile level ${level} needs partial tile ${expectedIndex} width ${width}, got ${got}`,
        );
      }
      const levels = levelsOfTile(tile);
      if (!levels) throw new Error(`tile ${level}/${tile.index} has inconsistent byte lengths`);
      builder.#edge[level] = levels.map((hashes) => hashes.slice());
    }
    return builder;
  }
}
