/**
 * Builders of valid (and deliberately broken) identifiers for tests and the labelled benchmark
 * corpus. They restate the rules of DOMAIN.md §1 independently of the detectors and of
 * `core/identifiers`: the IIN/BIN check digit comes from the reference in test/support, so a
 * checksum bug in production code cannot also build the numbers the detector tests expect.
 */
import { completeWithReference } from '../../../test/support/kz-identifiers.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A valid IIN for a birth date, century-and-sex digit (1–6) and serial, or null if never issued. */
export function makeIin(
  year: number,
  month: number,
  day: number,
  sexDigit: number,
  serial: number,
): string | null {
  return completeWithReference(
    `${pad(year % 100, 2)}${pad(month, 2)}${pad(day, 2)}${sexDigit}${pad(serial, 4)}`,
  );
}

/** The century-and-sex digit for a birth year (male when `female` is false). */
export function centuryDigit(year: number, female: boolean): number {
  const base = year < 1900 ? 1 : year < 2000 ? 3 : 5;
  return base + (female ? 1 : 0);
}

/** A valid BIN (type 4–6, attribute 0–3), or null if never issued. */
export function makeBin(
  yy: number,
  month: number,
  type: number,
  attribute: number,
  serial: number,
): string | null {
  return completeWithReference(`${pad(yy, 2)}${pad(month, 2)}${type}${attribute}${pad(serial, 5)}`);
}

/** The same 12-digit identifier with a wrong check digit. */
export function breakCheckDigit(id: string): string {
  const last = Number(id[id.length - 1]);
  return id.slice(0, -1) + String((last + 1) % 10);
}

function mod97(digits: string): number {
  let rem = 0;
  for (const ch of digits) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

/** A valid IBAN for a country and BBAN (the check digits are computed, ISO 7064 mod 97-10). */
export function makeIban(country: string, bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${pad(check, 2)}${bban}`;
}

/** The same IBAN with its check digits changed, so mod 97 fails. */
export function breakIban(iban: string): string {
  const check = Number(iban.slice(2, 4));
  return `${iban.slice(0, 2)}${pad(((check + 1) % 97) + 2, 2)}${iban.slice(4)}`;
}

function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A Luhn-valid card number: `prefix`, then `fill` digits, then the check digit, `length` in all. */
export function makeCard(prefix: string, length: number, fill: string): string {
  const body = (prefix + fill).slice(0, length - 1).padEnd(length - 1, '0');
  return body + String(luhnDigit(body));
}

/** The same card number with a wrong Luhn digit. */
export function breakCard(card: string): string {
  const last = Number(card[card.length - 1]);
  return card.slice(0, -1) + String((last + 5) % 10);
}

/** Groups a card number as printed: 4-4-4-4(-3). */
export function groupCard(card: string, separator = ' '): string {
  return card.match(/.{1,4}/g)!.join(separator);
}
