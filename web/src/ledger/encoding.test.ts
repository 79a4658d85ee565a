import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, decodeBase64, encodeBase64, encodeHex, equalBytes } from './encoding';

describe('encodings', () => {
  it('round-trips base64 and hex exactly as Node encodes them', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33, 68]) {
      const bytes = randomBytes(length);
      const base64 = bytes.toString('base64');
      expect(encodeBase64(bytes)).toBe(base64);
      expect(Buffer.from(decodeBase64(base64)!).equals(bytes)).toBe(true);
      expect(encodeHex(bytes)).toBe(bytes.toString('hex'));
    }
  });

  it('accepts only standard padded base64', () => {
    for (const text of ['YQ', 'YQ=', 'Y Q==', '-_8=', 'YQ==\n', 'Y===', '====']) {
      expect(decodeBase64(text), JSON.stringify(text)).toBeUndefined();
    }
    expect(Array.from(decodeBase64('+/8=')!)).toEqual([0xfb, 0xff]);
  });

  it('concatenates and compares bytes', () => {
    const joined = concatBytes(Uint8Array.of(1, 2), new Uint8Array(), Uint8Array.of(3));
    expect(Array.from(joined)).toEqual([1, 2, 3]);
    expect(equalBytes(joined, Uint8Array.of(1, 2, 3))).toBe(true);
    expect(equalBytes(joined, Uint8Array.of(1, 2, 4))).toBe(false);
    expect(equalBytes(joined, Uint8Array.of(1, 2))).toBe(false);
  });
});
