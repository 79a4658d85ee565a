import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { digitsOf, isBounded, passesLuhn } from './text-utils.js';

/**
 * Payment card numbers: 13–19 digits, contiguous or in the printed groups (4-4-4-4[-1..3], Amex
 * 4-6-5, Diners 4-6-4), with a known issuer prefix and a passing Luhn digit. Mir (2200–2204) and
 * the 2-series Mastercard range (2221–2720) are listed explicitly because older card regexes
 * miss them, and most cards issued in Kazakhstan today are in those ranges or Visa.
 */
const GROUPED = /\d{4}(?:([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|[ -]\d{6}[ -]\d{4,5})/y;

interface Brand {
  readonly name: string;
  readonly lengths: readonly number[];
  readonly matches: (p6: number) => boolean;
}

const range = (lo: number, hi: number, digits: number) => (p6: number) => {
  const p = Math.floor(p6 / 10 ** (6 - digits));
  return p >= lo && p <= hi;
};
const span = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

/** Issuer ranges, most specific first (Mir before UnionPay's 62, JCB before Diners' 3). */
const BRANDS: readonly Brand[] = [
  { name: 'mir', lengths: span(16, 19), matches: range(2200, 2204, 4) },
  {
    name: 'mastercard',
    lengths: [16],
    matches: (p) => range(51, 55, 2)(p) || range(2221, 2720, 4)(p),
  },
  { name: 'visa', lengths: [13, 16, 19], matches: range(4, 4, 1) },
  { name: 'amex', lengths: [15], matches: (p) => range(34, 34, 2)(p) || range(37, 37, 2)(p) },
  { name: 'jcb', lengths: span(16, 19), matches: range(3528, 3589, 4) },
  {
    name: 'diners',
    lengths: span(14, 19),
    matches: (p) => range(300, 305, 3)(p) || range(36, 36, 2)(p) || range(38, 39, 2)(p),
  },
  {
    name: 'discover',
    lengths: span(16, 19),
    matches: (p) => range(6011, 6011, 4)(p) || range(644, 649, 3)(p) || range(65, 65, 2)(p),
  },
  { name: 'unionpay', lengths: span(16, 19), matches: range(62, 62, 2) },
  {
    name: 'maestro',
    lengths: span(13, 19),
    matches: (p) => range(50, 50, 2)(p) || range(56, 69, 2)(p),
  },
];

/**
 * «KZ82 5450 0086 8934 9469», «FR76 3000 6000 0112 3456 7890 189»: a printed IBAN's digit groups
 * are not a card. A chain of four-character groups before the number that holds a letter marks
 * such a number.
 */
function followsAlphanumericGroup(text: string, start: number): boolean {
  // Walk back over the chain of four-character groups before the number.
  for (let at = start; at >= 5; at -= 5) {
    const sep = text.charCodeAt(at - 1);
    if (sep !== 32 && sep !== 45) return false;
    let letters = 0;
    for (let i = at - 5; i < at - 1; i++) {
      const c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) letters++;
      else if (c < 48 || c > 57) return false;
    }
    if (letters > 0) return true;
  }
  return false;
}

function accept(
  text: string,
  start: number,
  end: number,
  digits: string,
  out: Candidate[],
): boolean {
  if (!isBounded(text, start, end) || digits.length < 13 || !passesLuhn(digits)) return false;
  const brand = cardBrand(digits);
  if (brand === null) return false;
  out.push({ type: 'card', start, end, score: 1, validated: true, subtype: brand });
  return true;
}

/** The card brand of a digit string, or `null` when no issuer range and length fit. */
export function cardBrand(digits: string): string | null {
  const p6 = Number(digits.slice(0, 6));
  for (const brand of BRANDS) {
    if (brand.matches(p6) && brand.lengths.includes(digits.length)) return brand.name;
  }
  return null;
}

/**
 * @example
 * const engine = createEngine({ types: ['card'] });
 * engine.detect(toByteString('карта 4400 4301 2345 6789')); // Luhn-valid Visa → score 1
 */
export const cardDetector: Detector = {
  types: ['card'],
  context: {
    card: contextMatcher([
      'карт',
      'card',
      'visa',
      'mastercard',
      'мир',
      'kaspi',
      'каспи',
      'перевод',
      'аудар',
    ]),
  },
  atDigits(text: string, start: number, end: number, out: Candidate[]): void {
    const length = end - start;
    if (length >= 13 && length <= 19) {
      accept(text, start, end, text.slice(start, end), out);
      return;
    }
    if (length !== 4) return;
    // The first group of a printed number («4400 4301 2345 6789»), even after another number.
    const sep = text.charCodeAt(end);
    if (sep !== 32 && sep !== 45) return;
    // Most four-digit runs are years and amounts: no digit after the separator, no regex.
    const next = text.charCodeAt(end + 1);
    if (next < 48 || next > 57) return;
    if (followsAlphanumericGroup(text, start)) return;
    GROUPED.lastIndex = start;
    if (!GROUPED.test(text)) return;
    const stop = GROUPED.lastIndex;
    // With a fifth group («4400 4301 2345 6789 204») both readings may pass Luhn; 16-digit cards
    // are by far the most common, so that reading wins and the 19-digit one is tried second.
    if (
      stop - start > 19 &&
      accept(text, start, start + 19, digitsOf(text.slice(start, start + 19)), out)
    ) {
      return;
    }
    accept(text, start, stop, digitsOf(text.slice(start, stop)), out);
  },
};
