import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { isWordAt, isWordBefore } from './text-utils.js';

/**
 * IBAN lengths by country (ISO 13616 registry). Kazakhstan is `KZkk` + 3-digit bank code + 13
 * alphanumerics = 20. Other countries matter because Kazakh residents hold accounts abroad and
 * leaked payment lists mix them.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 7064 mod 97-10 over an IBAN without separators: valid when the remainder is 1. */
export function ibanRemainder(iban: string): number {
  let rem = 0;
  const n = iban.length;
  for (let k = 0; k < n; k++) {
    const c = iban.charCodeAt((k + 4) % n); // the first four characters move to the end
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97; // A=10 … Z=35
  }
  return rem;
}

function isIbanChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/**
 * Reads the `length` alphanumerics of an IBAN starting at `start`, allowing one space between
 * characters as in the printed form `KZ86 125K ZT50 0410 0100`. Returns the end offset, or -1.
 */
function readIban(text: string, start: number, length: number): number {
  let i = start;
  let count = 0;
  while (count < length) {
    if (i >= text.length) return -1;
    let c = text.charCodeAt(i);
    if (c === 32 && count >= 4 && count % 4 === 0) {
      i++;
      c = i < text.length ? text.charCodeAt(i) : 0;
    }
    if (!isIbanChar(c)) return -1;
    i++;
    count++;
  }
  return i;
}

/** How far before a digit run an IBAN may start: 34 characters and a space every four. */
const MAX_PREFIX = 42;

function isCapital(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** An IBAN starting at `at` (country code, check digits, registry length, mod 97), if any. */
function tryIban(text: string, at: number, out: Candidate[]): boolean {
  if (!isCapital(text.charCodeAt(at)) || !isCapital(text.charCodeAt(at + 1))) return false;
  if (!isDigit(text.charCodeAt(at + 2)) || !isDigit(text.charCodeAt(at + 3))) return false;
  const length = IBAN_LENGTHS[text.slice(at, at + 2)];
  if (length === undefined || isWordBefore(text, at)) return false;
  const end = readIban(text, at, length);
  if (end < 0 || isWordAt(text, end)) return false;
  const compact = text.slice(at, end).replace(/ /g, '');
  if (ibanRemainder(compact) !== 1) return false;
  out.push({
    type: 'iban',
    start: at,
    end,
    score: 1,
    validated: true,
    subtype: compact.slice(0, 2),
  });
  return true;
}

/**
 * @example
 * const engine = createEngine({ types: ['iban'] });
 * engine.detect(toByteString('IBAN KZ86125KZT5004100100')); // [{ type: 'iban', start: 5, end: 25, score: 1, ... }]
 */
export const ibanDetector: Detector = {
  types: ['iban'],
  context: { iban: contextMatcher(['iban', 'иик', 'жск', 'счет', 'счёт', 'шот', 'account']) },
  /**
   * Every IBAN holds a run of three or more digits (the Kazakh check digits and bank code, or the
   * account number), so IBANs are found from the digit-run pass instead of a pass of their own:
   * from the run, walk back over IBAN characters and single spaces to a country code.
   */
  atDigits(text: string, start: number, _end: number, out: Candidate[]): void {
    // Stryker disable all: a fast path for the usual run after a space or punctuation. The walk
    // below makes the same test at its first step and then tries nothing, so no result depends on it.
    const before = text.charCodeAt(start - 1);
    if (!isIbanChar(before) && !(before === 32 && isIbanChar(text.charCodeAt(start - 2)))) return;
    // Stryker restore all
    // An IBAN starts after the last one found («DE89… DE89…» on one line holds two).
    let floor = Math.max(0, start - MAX_PREFIX);
    for (let k = out.length - 1; k >= 0 && k >= out.length - 4; k--) {
      const c = out[k]!;
      if (c.type !== 'iban') continue;
      if (c.end > start) return; // this run is inside an IBAN already found
      floor = Math.max(floor, c.end);
    }
    let s = start;
    while (s > floor) {
      const c = text.charCodeAt(s - 1);
      if (isIbanChar(c)) s--;
      else if (c === 32 && s - 1 > floor && isIbanChar(text.charCodeAt(s - 2))) s--;
      else break;
    }
    // Try country codes from the leftmost: the IBAN is the longest reading.
    for (let at = s; at <= start - 2; at++) {
      if (tryIban(text, at, out)) return;
    }
  },
};
