import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashesEqual,
  hashToText,
  joinHashes,
  joinHashText,
  leafHash,
  leafHashText,
  splitHashes,
  splitHashText,
} from './hash.js';
import { floorPow2, isIndex, isPow2 } from './math.js';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
/** Three distinct 32-byte hashes, laid out end to end. */
const three = Buffer.concat([
  sha256(Buffer.from('a')),
  sha256(Buffer.from('b')),
  sha256(Buffer.from('c')),
]);

describe('hash helpers', () => {
  it('hash a leaf in text form exactly as in bytes: SHA-256 of 0x00 and the entry', () => {
    for (const entry of [Buffer.alloc(0), Buffer.from('entry'), Buffer.alloc(300, 7)]) {
      const expected = sha256(Buffer.from([0]), entry);
      expect(Buffer.from(leafHash(entry)).equals(expected)).toBe(true);
      expect(leafHashText(entry)).toBe(expected.toString('latin1'));
      expect(leafHashText(entry)).toBe(hashToText(leafHash(entry)));
    }
  });

  it('split 32-byte hashes out of a buffer and join them back, as bytes and as text', () => {
    const hashes = splitHashes(three);
    expect(hashes).toHaveLength(3);
    hashes.forEach((h, i) =>
      expect(Buffer.from(h).equals(three.subarray(i * 32, i * 32 + 32))).toBe(true),
    );
    expect(joinHashes(hashes).equals(three)).toBe(true);
    expect(splitHashes(Buffer.alloc(0))).toEqual([]);
    expect(joinHashes([])).toHaveLength(0);
    const texts = splitHashText(three);
    expect(texts).toEqual(hashes.map(hashToText));
    expect(joinHashText(texts).equals(three)).toBe(true);
    // A view, not a copy: the hashes share the buffer's memory.
    const copy = Buffer.from(three);
    splitHashes(copy)[1]![0] = copy[32]! ^ 0xff;
    expect(copy[32]).toBe(three[32]! ^ 0xff);
  });

  it('compare hashes in constant time, and only 32-byte ones', () => {
    const [a, b] = splitHashes(three);
    expect(hashesEqual(a!, Buffer.from(a!))).toBe(true);
    expect(hashesEqual(a!, b!)).toBe(false);
    const short = Buffer.alloc(31, 1);
    const long = Buffer.alloc(33, 1);
    expect(hashesEqual(short, Buffer.from(short))).toBe(false);
    expect(hashesEqual(long, Buffer.from(long))).toBe(false);
  });
});

describe('tree coordinate helpers', () => {
  it('floorPow2 is exact where Math.log2 rounds up, just below 2^53', () => {
    expect(floorPow2(2 ** 53 - 1)).toBe(2 ** 52);
    expect(floorPow2(2 ** 53)).toBe(2 ** 53);
    expect(floorPow2(1)).toBe(1);
    expect(isPow2(2 ** 52)).toBe(true);
    expect(isPow2(2 ** 52 + 2)).toBe(false);
    expect(isPow2(0)).toBe(false);
  });

  it('isIndex accepts safe integers from 0 only', () => {
    expect(isIndex(0)).toBe(true);
    expect(isIndex(2 ** 53 - 1)).toBe(true);
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isIndex(bad), String(bad)).toBe(false);
    }
  });
});
