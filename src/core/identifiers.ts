/**
 * Kazakhstan's individual (IIN / ЖСН) and business (BIN / БСН) identification numbers.
 *
 * Both are 12 digits with the same two-pass mod-11 check digit (DOMAIN.md §1). The validators are
 * pure and allocation-free on the hot path because the PII scanner calls them for every
 * 12-digit candidate in gigabytes of text.
 *
 * @example
 * checkIin('900515201238'); // { valid: true, iin: '900515201238', birthDate: '1990-05-15', sex: 'male', ... }
 * checkIin('900515201239'); // { valid: false, reason: 'checksum', message: 'IIN check digit is 9, expected 8' }
 */

import { DomainError } from './errors.js';

const FIRST_PASS_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const SECOND_PASS_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const;
const DIGIT_0 = 48;

/**
 * The check digit for the first 11 digits of `value` starting at `offset`, or `null` when both
 * passes give 10: such a prefix is never issued. Mapping 10 to 0 is another country's rule.
 * The caller guarantees the 11 characters are ASCII digits.
 */
export function computeCheckDigit(value: string, offset = 0): number | null {
  let sum = 0;
  for (let i = 0; i < 11; i++)
    sum += (value.charCodeAt(offset + i) - DIGIT_0) * FIRST_PASS_WEIGHTS[i]!;
  let digit = sum % 11;
  if (digit !== 10) return digit;
  sum = 0;
  for (let i = 0; i < 11; i++)
    sum += (value.charCodeAt(offset + i) - DIGIT_0) * SECOND_PASS_WEIGHTS[i]!;
  digit = sum % 11;
  return digit === 10 ? null : digit;
}

function isTwelveAsciiDigits(value: string, offset: number): boolean {
  if (value.length < offset + 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = value.charCodeAt(offset + i);
    if (c < DIGIT_0 || c > DIGIT_0 + 9) return false;
  }
  return true;
}

function twoDigits(value: string, offset: number): number {
  return (value.charCodeAt(offset) - DIGIT_0) * 10 + (value.charCodeAt(offset + 1) - DIGIT_0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type IinFailure = 'format' | 'century' | 'date' | 'unissued' | 'checksum';
export type BinFailure = 'format' | 'type' | 'attribute' | 'month' | 'unissued' | 'checksum';

export type Sex = 'male' | 'female';

export interface ValidIin {
  readonly valid: true;
  readonly iin: string;
  /** ISO date `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: Sex;
}

export type BinEntityType = 'resident' | 'non-resident' | 'individual-entrepreneur-joint';
export type BinAttribute = 'head-office' | 'branch' | 'representative-office' | 'farm';

export interface ValidBin {
  readonly valid: true;
  readonly bin: string;
  /** Two-digit registration year and month as written (`YYMM`); the century is not encoded. */
  readonly registered: { readonly yy: number; readonly month: number };
  readonly entityType: BinEntityType;
  readonly attribute: BinAttribute;
}

export interface InvalidIdentifier<Reason extends string> {
  readonly valid: false;
  readonly reason: Reason;
  /** A sentence for the person who typed the number; it never repeats the number in full. */
  readonly message: string;
}

export type IinCheck = ValidIin | InvalidIdentifier<IinFailure>;
export type BinCheck = ValidBin | InvalidIdentifier<BinFailure>;

function invalid<R extends string>(reason: R, message: string): InvalidIdentifier<R> {
  return { valid: false, reason, message };
}

/** The century an IIN's 7th digit encodes, or 0 when the digit is not 1–6. */
function iinCenturyBase(centuryDigit: number): number {
  if (centuryDigit === 1 || centuryDigit === 2) return 1800;
  if (centuryDigit === 3 || centuryDigit === 4) return 1900;
  if (centuryDigit === 5 || centuryDigit === 6) return 2000;
  return 0;
}

/** Validates an IIN: 12 digits, a real birth date in the century of digit 7, a correct check digit. */
export function checkIin(input: string): IinCheck {
  if (input.length !== 12 || !isTwelveAsciiDigits(input, 0)) {
    return invalid('format', `an IIN is exactly 12 digits, got ${describeShape(input)}`);
  }
  const centuryDigit = input.charCodeAt(6) - DIGIT_0;
  const base = iinCenturyBase(centuryDigit);
  if (base === 0) {
    return invalid('century', `IIN digit 7 must be 1–6 (century and sex), got ${centuryDigit}`);
  }
  const year = base + twoDigits(input, 0);
  const month = twoDigits(input, 2);
  const day = twoDigits(input, 4);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return invalid('date', `IIN digits 1–6 are not a real birth date in ${base}s`);
  }
  const expected = computeCheckDigit(input);
  if (expected === null) {
    return invalid(
      'unissued',
      'the first 11 IIN digits give a check value of 10 twice: never issued',
    );
  }
  const actual = input.charCodeAt(11) - DIGIT_0;
  if (actual !== expected) {
    return invalid('checksum', `IIN check digit is ${actual}, expected ${expected}`);
  }
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  return {
    valid: true,
    iin: input,
    birthDate: `${year}-${mm}-${dd}`,
    sex: centuryDigit % 2 === 1 ? 'male' : 'female',
  };
}

const BIN_ENTITY_TYPES: Readonly<Record<number, BinEntityType>> = {
  4: 'resident',
  5: 'non-resident',
  6: 'individual-entrepreneur-joint',
};
const BIN_ATTRIBUTES: Readonly<Record<number, BinAttribute>> = {
  0: 'head-office',
  1: 'branch',
  2: 'representative-office',
  3: 'farm',
};

/** Validates a BIN: 12 digits, month 01–12, entity type 4–6, attribute 0–3, a correct check digit. */
export function checkBin(input: string): BinCheck {
  if (input.length !== 12 || !isTwelveAsciiDigits(input, 0)) {
    return invalid('format', `a BIN is exactly 12 digits, got ${describeShape(input)}`);
  }
  const month = twoDigits(input, 2);
  if (month < 1 || month > 12) {
    return invalid(
      'month',
      `BIN digits 3–4 are the registration month 01–12, got ${input.slice(2, 4)}`,
    );
  }
  const typeDigit = input.charCodeAt(4) - DIGIT_0;
  const entityType = BIN_ENTITY_TYPES[typeDigit];
  if (entityType === undefined) {
    return invalid('type', `BIN digit 5 must be 4, 5 or 6 (entity type), got ${typeDigit}`);
  }
  const attributeDigit = input.charCodeAt(5) - DIGIT_0;
  const attribute = BIN_ATTRIBUTES[attributeDigit];
  if (attribute === undefined) {
    return invalid(
      'attribute',
      `BIN digit 6 must be 0–3 (head office, branch, representative office, farm), got ${attributeDigit}`,
    );
  }
  const expected = computeCheckDigit(input);
  if (expected === null) {
    return invalid(
      'unissued',
      'the first 11 BIN digits give a check value of 10 twice: never issued',
    );
  }
  const actual = input.charCodeAt(11) - DIGIT_0;
  if (actual !== expected) {
    return invalid('checksum', `BIN check digit is ${actual}, expected ${expected}`);
  }
  return {
    valid: true,
    bin: input,
    registered: { yy: twoDigits(input, 0), month },
    entityType,
    attribute,
  };
}

export function isValidIin(input: string): boolean {
  return checkIin(input).valid;
}

export function isValidBin(input: string): boolean {
  return checkBin(input).valid;
}

/**
 * Scanner fast path: is `text[offset..offset+12)` a valid IIN? No allocation, no message.
 */
export function isIinAt(text: string, offset: number): boolean {
  if (!isTwelveAsciiDigits(text, offset)) return false;
  const base = iinCenturyBase(text.charCodeAt(offset + 6) - DIGIT_0);
  if (base === 0) return false;
  const month = twoDigits(text, offset + 2);
  const day = twoDigits(text, offset + 4);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(base + twoDigits(text, offset), month)
  )
    return false;
  return computeCheckDigit(text, offset) === text.charCodeAt(offset + 11) - DIGIT_0;
}

/** Scanner fast path: is `text[offset..offset+12)` a valid BIN? */
export function isBinAt(text: string, offset: number): boolean {
  if (!isTwelveAsciiDigits(text, offset)) return false;
  const month = twoDigits(text, offset + 2);
  if (month < 1 || month > 12) return false;
  const typeDigit = text.charCodeAt(offset + 4) - DIGIT_0;
  const attributeDigit = text.charCodeAt(offset + 5) - DIGIT_0;
  if (typeDigit < 4 || typeDigit > 6 || attributeDigit > 3) return false;
  return computeCheckDigit(text, offset) === text.charCodeAt(offset + 11) - DIGIT_0;
}

/** Completes an 11-digit prefix into a valid identifier, or `null` if the prefix is never issued. */
export function withCheckDigit(prefix11: string): string | null {
  if (!/^\d{11}$/.test(prefix11)) throw new RangeError('withCheckDigit needs exactly 11 digits');
  const digit = computeCheckDigit(prefix11);
  return digit === null ? null : prefix11 + String(digit);
}

/** Describes what was typed without echoing it: identifiers must never be quoted back in logs. */
function describeShape(input: string): string {
  const digits = /^\d*$/.test(input);
  return digits ? `${input.length} digits` : `${input.length} characters including non-digits`;
}

/**
 * For request handling: the IIN if valid, otherwise a `core.invalid_iin` error naming the field
 * and the precise reason (without echoing the number).
 */
export function requireIin(value: string, field: string): string {
  requireIinBirthDate(value, field);
  return value;
}

/** As `requireIin`, answering the birth date the IIN encodes (`YYYY-MM-DD`). */
export function requireIinBirthDate(value: string, field: string): string {
  const check = checkIin(value);
  if (!check.valid)
    throw new DomainError('core.invalid_iin', `${field}: ${check.message}`, {
      field,
      reason: check.reason,
    });
  return check.birthDate;
}

/** As `requireIin`, for BINs. */
export function requireBin(value: string, field: string): string {
  const check = checkBin(value);
  if (!check.valid)
    throw new DomainError('core.invalid_bin', `${field}: ${check.message}`, {
      field,
      reason: check.reason,
    });
  return value;
}
