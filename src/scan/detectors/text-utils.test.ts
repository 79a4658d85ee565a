import { describe, expect, it } from 'vitest';
import { toByteString } from '../bytes.js';
import {
  digitsOf,
  isDigitCode,
  isWordAt,
  isWordBefore,
  passesLuhn,
  toLatinLookalikes,
} from './text-utils.js';

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

describe('digit and look-alike helpers', () => {
  it('keeps only ASCII digits, 0 and 9 included', () => {
    expect(digitsOf('0 4400-4301 9x')).toBe('0440043019');
    expect([47, 48, 57, 58].map(isDigitCode)).toEqual([false, true, true, false]);
  });

  it('checks Luhn digits and refuses an empty string', () => {
    expect(passesLuhn('4400430123456789')).toBe(true);
    expect(passesLuhn('4400430123456788')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('maps Cyrillic look-alike capitals to Latin and keeps everything else', () => {
    expect(toLatinLookalikes('АВ 123 КМ, ж')).toBe('AB 123 KM, ж');
  });
});
