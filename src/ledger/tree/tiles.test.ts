import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  formatTileIndex,
  parseTilePath,
  tilePath,
  tileWidthAt,
  tileCountOfTree,
  tilesOfTree,
} from './tiles.js';

describe('tile paths (C2SP tlog-tiles)', () => {
  it('groups the index in threes as Go tlog does', () => {
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath({ level: 4, index: 1234067, width: 1 })).toBe('tile/4/x001/x234/067.p/1');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(entriesPath(5, 17)).toBe('tile/entries/005.p/17');
  });

  it('parses exactly what it formats (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.maxSafeNat().map((n) => Math.floor(n / 256)),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          expect(parseTilePath(tilePath({ level, index, width }))).toEqual({
            kind: 'hashes',
            level,
            index,
            width,
          });
          expect(parseTilePath(entriesPath(index, width))).toEqual({
            kind: 'entries',
            index,
            width,
          });
        },
      ),
    );
  });

  it('rejects every non-canonical or malformed spelling', () => {
    for (const bad of [
      'tile/0/x000/001',
      'tile/0/1',
      'tile/0/0001',
      'tile/0/001.p/256',
      'tile/0/001.p/0',
      'tile/0/001.p/300',
      'tile/0/001.p/007',
      'tile/01/001',
      'tile/64/001',
      'tile/8/0/001',
      'tile/data/001',
      'tile/entries/x001',
      'tile/0/001/',
      'tile/-1/001',
      'tiles/0/001',
      'tile/0/x001/234/567',
      'tile/0/../001',
      'tile/0/x999/x999/x999/x999/x999/x999/999',
    ]) {
      expect(parseTilePath(bad), bad).toBeUndefined();
    }
  });

  it('knows which tiles a tree has', () => {
    for (const size of [0, 1, 255, 256, 257, 65_535, 65_536, 65_537, 70_000, 16_777_216])
      expect(tileCountOfTree(size)).toBe(tilesOfTree(size).length);
    // 2^53 - 1 entries: about 3.5·10^13 tiles, counted, never listed.
    expect(tileCountOfTree(Number.MAX_SAFE_INTEGER)).toBe(35_322_350_018_593);
    expect(tilesOfTree(0)).toEqual([]);
    expect(tilesOfTree(1)).toEqual([{ level: 0, index: 0, width: 1 }]);
    expect(tilesOfTree(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(tilesOfTree(70_000).filter((t) => t.level > 0)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tileWidthAt(300, 0, 1)).toBe(44);
    expect(tileWidthAt(300, 0, 2)).toBe(0);
    expect(tileWidthAt(300, 1, 0)).toBe(1);
  });
});

describe('entry bundles', () => {
  it('round-trip with 2-byte big-endian length prefixes', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(300, 7)]);
    expect(bundle.subarray(0, 4)).toEqual(Buffer.from([0, 2, 0x61, 0x62]));
    expect(bundle.subarray(4, 8)).toEqual(Buffer.from([0, 0, 0x01, 0x2c]));
    const decoded = decodeEntryBundle(bundle)!;
    expect(decoded.map((e) => e.length)).toEqual([2, 0, 300]);
  });

  it('rejects truncated bundles and oversized entries', () => {
    const bundle = encodeEntryBundle([Buffer.from('abc')]);
    expect(decodeEntryBundle(bundle.subarray(0, 4))).toBeUndefined();
    expect(decodeEntryBundle(Buffer.from([0]))).toBeUndefined();
    expect(() => encodeEntryBundle([Buffer.alloc(70_000)])).toThrow(RangeError);
  });
});
