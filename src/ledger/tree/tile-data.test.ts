import { describe, expect, it } from 'vitest';
import { fullTileRoot, levelsOfTile, locateSubtree, sameTile, type TileData } from './tile-data.js';
import { referenceRoot } from './test-support/reference.js';
import { buildTree, entriesOf } from './test-support/tiles.js';

const ENTRIES = entriesOf(300);
const { tiles } = buildTree(ENTRIES, 300);
const full = tiles.get('0/0')!;
const partial = tiles.get('0/1')!;

describe('tile data', () => {
  it('splits a consistent tile into levels, and refuses one whose sizes disagree', () => {
    const levels = levelsOfTile(full)!;
    expect(levels.map((l) => l.length)).toEqual([256, 128, 64, 32, 16, 8, 4, 2]);
    expect(levelsOfTile(partial)!.map((l) => l.length)).toEqual([44, 22, 11, 5, 2, 1, 0, 0]);
    const broken: TileData[] = [
      { ...full, width: 0, hashes: Buffer.alloc(0), nodes: Buffer.alloc(0) },
      { ...full, width: 257 },
      { ...full, hashes: full.hashes.subarray(32) },
      { ...full, nodes: full.nodes.subarray(32) },
    ];
    for (const tile of broken) expect(levelsOfTile(tile)).toBeUndefined();
  });

  it('computes the root of a full tile only', () => {
    expect(
      Buffer.from(fullTileRoot(full)!).equals(Buffer.from(referenceRoot(ENTRIES.slice(0, 256)))),
    ).toBe(true);
    expect(fullTileRoot(partial)).toBeUndefined();
  });

  it('compares tiles by every coordinate and byte', () => {
    expect(sameTile(full, { ...full })).toBe(true);
    const flipped = Buffer.from(full.nodes);
    flipped[0]! ^= 1;
    for (const other of [
      { ...full, level: 1 },
      { ...full, index: 1 },
      { ...full, width: 255 },
      { ...full, hashes: Buffer.from(full.hashes).fill(full.hashes[0]! ^ 1, 0, 1) },
      { ...full, nodes: flipped },
    ]) {
      expect(sameTile(full, other)).toBe(false);
    }
  });

  it('locates a subtree root in its tile', () => {
    expect(locateSubtree(0, 0)).toEqual({ tileLevel: 0, tileIndex: 0, k: 0, pos: 0 });
    expect(locateSubtree(0, 300)).toEqual({ tileLevel: 0, tileIndex: 1, k: 0, pos: 44 });
    expect(locateSubtree(3, 100)).toEqual({ tileLevel: 0, tileIndex: 3, k: 3, pos: 4 });
    expect(locateSubtree(8, 5)).toEqual({ tileLevel: 1, tileIndex: 0, k: 0, pos: 5 });
    expect(locateSubtree(10, 70)).toEqual({ tileLevel: 1, tileIndex: 1, k: 2, pos: 6 });
  });
});
