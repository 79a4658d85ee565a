import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { fromByteString } from '../bytes.js';
import {
  LATIN_OR_LOOKALIKE_CAPITAL,
  isBounded,
  isWordAt,
  isWordBefore,
  toLatinLookalikes,
} from './text-utils.js';

/**
 * Car plates and VINs. Plates since 2012 are `NNN LLL RR` (individuals) or `NNN LL RR` (legal
 * entities) with region 01–20; Cyrillic look-alike letters are mapped to Latin first because
 * people type plates on Russian keyboards (DOMAIN.md §1). Three-letter plates are specific enough
 * to pass alone; two-letter ones need a context word. Currency codes are not plate series.
 */
const PLATE = new RegExp(`\\d{3} ?${LATIN_OR_LOOKALIKE_CAPITAL}{2,3} ?\\d{2}`, 'y');
const NOT_A_SERIES = new Set([
  'KZT',
  'USD',
  'EUR',
  'RUB',
  'KGS',
  'UZS',
  'CNY',
  'GBP',
  'TRY',
  'AED',
  'MM',
  'KM',
  'KG',
  'ML',
  'MG',
  'CM',
]);
export const PLATE_BASE_SCORE = 0.5;
export const PLATE_TWO_LETTER_SCORE = 0.35;

/**
 * VINs: 17 characters without I, O, Q. The check digit in position 9 applies only to North
 * American VINs (first character 1–5), so only those are validated; others need letters in the
 * manufacturer code and a numeric serial tail (ISO 3779) and score below a validated one.
 */
export const VIN_BASE_SCORE = 0.5;
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function vinValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const letter = String.fromCharCode(c);
  return 'ABCDEFGH'.includes(letter)
    ? 'ABCDEFGH'.indexOf(letter) + 1
    : 'JKLMN'.includes(letter)
      ? 'JKLMN'.indexOf(letter) + 1
      : letter === 'P'
        ? 7
        : letter === 'R'
          ? 9
          : 'STUVWXYZ'.indexOf(letter) + 2;
}

/** The North American check character of a 17-character VIN: `0`–`9` or `X`. */
export function vinCheckCharacter(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += vinValue(vin.charCodeAt(i)) * VIN_WEIGHTS[i]!;
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

function isVinChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90 && c !== 73 && c !== 79 && c !== 81);
}

function findPlate(text: string, start: number, out: Candidate[]): void {
  // Most three-digit runs are amounts and room numbers: a series letter (Latin, or Cyrillic whose
  // UTF-8 starts with D0) must follow, after at most one space, before the regex is worth a call.
  const at = text.charCodeAt(start + 3) === 32 ? start + 4 : start + 3;
  const c = text.charCodeAt(at);
  if (!((c >= 65 && c <= 90) || c === 0xd0)) return;
  PLATE.lastIndex = start;
  if (!PLATE.test(text)) return;
  const end = PLATE.lastIndex;
  if (!isBounded(text, start, end)) return;
  const latin = toLatinLookalikes(fromByteString(text.slice(start, end))).replace(/ /g, '');
  const series = latin.slice(3, latin.length - 2);
  const region = Number(latin.slice(-2));
  if (region < 1 || region > 20 || NOT_A_SERIES.has(series)) return;
  const score = series.length === 3 ? PLATE_BASE_SCORE : PLATE_TWO_LETTER_SCORE;
  out.push({ type: 'plate', start, end, score, validated: false });
}

/** A VIN ends in digits (ISO 3779 serial), so it is examined from the digit run that ends it. */
function findVin(text: string, runStart: number, runEnd: number, out: Candidate[]): void {
  if (runEnd - runStart < 4 || isVinChar(text.charCodeAt(runEnd))) return;
  let start = runStart;
  while (start > 0 && runEnd - start < 17 && isVinChar(text.charCodeAt(start - 1))) start--;
  if (runEnd - start !== 17 || isWordBefore(text, start) || isWordAt(text, runEnd)) return;
  const vin = text.slice(start, runEnd);
  if (!hasLetter(vin, 0, 17)) return;
  const first = vin.charCodeAt(0);
  if (first >= 49 && first <= 53) {
    if (vinCheckCharacter(vin) !== vin[8]) return;
    out.push({
      type: 'vin',
      start,
      end: runEnd,
      score: 1,
      validated: true,
      subtype: 'north-america',
    });
  } else if (hasLetter(vin, 0, 3)) {
    out.push({ type: 'vin', start, end: runEnd, score: VIN_BASE_SCORE, validated: false });
  }
}

function hasLetter(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/**
 * @example
 * const engine = createEngine({ types: ['plate'] });
 * engine.detect(toByteString('госномер 123 ABC 02')); // plate, 0.5 + context
 */
export const vehicleDetector: Detector = {
  types: ['plate', 'vin'],
  context: {
    plate: contextMatcher([
      'госномер',
      'гос номер',
      'гос. номер',
      'грз',
      'номер авто',
      'номер машин',
      'авто',
      'машин',
      'автомоб',
      'көлік',
      'plate',
      'car',
      'vehicle',
    ]),
    vin: contextMatcher(['vin', 'вин', 'кузов', 'шасси', 'chassis']),
  },
  atDigits(text: string, start: number, end: number, out: Candidate[]): void {
    if (end - start === 3) findPlate(text, start, out);
    findVin(text, start, end, out);
  },
};
