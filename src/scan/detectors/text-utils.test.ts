import { describe, expect, it } from 'vitest';
import { toByteString } from '../bytes.js';
import { isWordAt, isWordBefore } from './text-utils.js';

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;

describe('Unicode-aware word characters over byte strings', () => {
  it('agree with \\p{L}\\p{N} for every code point up to U+2FFF and in the supplementary planes sampled', () => {
    const wrong: string[] = [];
    const check = (cp: number) => {
      if (cp >= 0xd800 && cp <= 0xdfff) return;
      const ch = String.fromCodePoint(cp);
      const bytes = toByteString(`${ch}`);
      const expected = LETTER_OR_NUMBER.test(ch);
      if (isWordAt(bytes, 0) !== expected || isWordBefore(bytes, bytes.length) !== expected)
        wrong.push(cp.toString(16));
    };
    for (let cp = 0; cp <= 0x2fff; cp++) check(cp);
    for (let cp = 0x3000; cp <= 0x10ffff; cp += 97) check(cp);
    expect(wrong).toEqual([]);
  });
});
