import { describe, expect, it } from 'vitest';
import { BundleFormatError, formatTileIndex, locateEntry, parseEntryBundle } from './tiles';

function bundleOf(entries: readonly Uint8Array[]): Uint8Array {
  const parts = entries.flatMap((entry) => [
    Uint8Array.of(entry.length >> 8, entry.length & 0xff),
    entry,
  ]);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('formatTileIndex', () => {
  it('writes 3-digit groups with x prefixes on all but the last', () => {
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(5)).toBe('005');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTileIndex(2 ** 45)).toBe('x035/x184/x372/x088/832');
  });

  it('refuses negative or fractional indices', () => {
    expect(() => formatTileIndex(-1)).toThrow(RangeError);
    expect(() => formatTileIndex(1.5)).toThrow(RangeError);
  });
});

describe('locateEntry', () => {
  it('finds the bundle, its width in the tree and the offset inside it', () => {
    expect(locateEntry(0, 1)).toEqual({
      bundle: 0,
      width: 1,
      offset: 0,
      path: 'tile/entries/000.p/1',
    });
    expect(locateEntry(255, 256)).toEqual({
      bundle: 0,
      width: 256,
      offset: 255,
      path: 'tile/entries/000',
    });
    expect(locateEntry(300, 300 + 1)).toEqual({
      bundle: 1,
      width: 45,
      offset: 44,
      path: 'tile/entries/001.p/45',
    });
    expect(locateEntry(1234067 * 256 + 7, 1234068 * 256)).toEqual({
      bundle: 1234067,
      width: 256,
      offset: 7,
      path: 'tile/entries/x001/x234/067',
    });
  });

  it('refuses entries that are not in the tree', () => {
    expect(() => locateEntry(5, 5)).toThrow(RangeError);
    expect(() => locateEntry(-1, 5)).toThrow(RangeError);
  });
});

describe('parseEntryBundle', () => {
  it('splits a bundle into its length-prefixed entries, empty ones included', () => {
    const entries = [
      new TextEncoder().encode('first'),
      new Uint8Array(),
      new Uint8Array(300).fill(7),
    ];
    const parsed = parseEntryBundle(bundleOf(entries));
    expect(parsed.map((entry) => Array.from(entry))).toEqual(
      entries.map((entry) => Array.from(entry)),
    );
    expect(parseEntryBundle(new Uint8Array())).toEqual([]);
  });

  it('rejects a bundle cut inside a length or an entry', () => {
    const bundle = bundleOf([new TextEncoder().encode('abc'), new TextEncoder().encode('de')]);
    expect(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(
      BundleFormatError,
    );
    expect(() => parseEntryBundle(bundle.subarray(0, 6))).toThrow(/length of entry 1/);
  });
});
