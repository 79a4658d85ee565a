/**
 * Character helpers shared by the detectors, over byte strings (see `bytes.ts`). JavaScript's
 * `\b` treats Cyrillic and Kazakh letters as non-word characters, so every boundary here is
 * Unicode-aware (DOMAIN.md §1): a match may not touch a letter or a digit of any script. The
 * ASCII and Cyrillic fast paths matter because boundary checks run for every candidate.
 */
import { codePointAtByte, codePointBeforeByte } from '../bytes.js';

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
/** ª ² ³ µ ¹ º ¼ ½ ¾: the letters and numbers among U+0080–U+00BF. */
const LATIN1_WORD_SIGNS = new Set([0xaa, 0xb2, 0xb3, 0xb5, 0xb9, 0xba, 0xbc, 0xbd, 0xbe]);

function isWordCodePoint(cp: number): boolean {
  // Both callers answer an ASCII byte themselves; what reaches here below U+0080 is -1 (no whole
  // character at that byte) or an overlong encoding, judged as the code point it spells.
  if (cp < 0x80) return isAsciiWord(cp);
  // Cyrillic and Cyrillic Supplement (Kazakh letters live in both): letters except a few signs.
  if (cp >= 0x400 && cp <= 0x52f) return cp < 0x482 || cp > 0x489;
  // General Punctuation (dashes, quotes, U+202F, …) holds no letter or digit: the scanner meets
  // these after every «—» in chat text, where a regex test per character cost 20 ms per 200 MB.
  if (cp >= 0x2000 && cp <= 0x206f) return false;
  // Latin-1 signs (U+00A0 no-break space, «, », §, °, …): letters and digits among them listed.
  if (cp < 0xc0) return LATIN1_WORD_SIGNS.has(cp);
  return LETTER_OR_NUMBER.test(String.fromCodePoint(cp));
}

function isAsciiWord(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** Is there a letter or digit (any script) ending just before byte `index`? */
export function isWordBefore(text: string, index: number): boolean {
  if (index <= 0) return false;
  const c = text.charCodeAt(index - 1);
  if (c < 0x80) return isAsciiWord(c);
  return isWordCodePoint(codePointBeforeByte(text, index));
}

/** Is there a letter or digit (any script) starting at byte `index`? */
export function isWordAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  const c = text.charCodeAt(index);
  if (c < 0x80) return isAsciiWord(c);
  return isWordCodePoint(codePointAtByte(text, index));
}

/** True when `text[start, end)` touches no letter or digit on either side. */
export function isBounded(text: string, start: number, end: number): boolean {
  return !isWordBefore(text, start) && !isWordAt(text, end);
}

export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The ASCII digits of `value`, separators dropped. */
export function digitsOf(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) out += value[i];
  }
  return out;
}

/** Luhn (ISO/IEC 7812) over a string of ASCII digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Cyrillic capitals that look like Latin ones. People type plates and codes on Russian keyboards,
 * so the plate and ICD-10 detectors accept these and map them before validating (DOMAIN.md §1).
 */
export const CYRILLIC_LOOKALIKES: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
};

/**
 * A byte-string regex fragment for one Latin capital or a Cyrillic look-alike capital (all of
 * which are `\xD0` + one byte in UTF-8).
 */
export const LATIN_OR_LOOKALIKE_CAPITAL = `(?:[A-Z]|\\xD0[${Object.keys(CYRILLIC_LOOKALIKES)
  .map((ch) => `\\x${((ch.codePointAt(0)! & 63) | 0x80).toString(16).toUpperCase()}`)
  .join('')}])`;

/** Maps Cyrillic look-alike letters of a decoded string to Latin. */
export function toLatinLookalikes(value: string): string {
  let out = '';
  for (const ch of value) out += CYRILLIC_LOOKALIKES[ch] ?? ch;
  return out;
}
