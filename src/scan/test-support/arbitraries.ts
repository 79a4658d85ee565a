import fc from 'fast-check';
import { IBAN_LENGTHS } from '../detectors/iban.js';
import {
  breakCard,
  breakCheckDigit,
  breakIban,
  centuryDigit,
  groupCard,
  makeBin,
  makeCard,
  makeIban,
  makeIin,
} from './identifiers.js';
import { WORDS } from './text.js';

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Valid IINs: a real date in 1900–2025, either sex, any serial (unissued prefixes skipped). */
export const validIin = fc
  .record({
    year: fc.integer({ min: 1900, max: 2025 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    female: fc.boolean(),
    serial: fc.integer({ min: 0, max: 9999 }),
  })
  .map(({ year, month, day, female, serial }) =>
    makeIin(year, month, Math.min(day, daysIn(year, month)), centuryDigit(year, female), serial),
  )
  .filter((iin): iin is string => iin !== null);

export const validBin = fc
  .record({
    yy: fc.integer({ min: 0, max: 99 }),
    month: fc.integer({ min: 1, max: 12 }),
    type: fc.integer({ min: 4, max: 6 }),
    attribute: fc.integer({ min: 0, max: 3 }),
    serial: fc.integer({ min: 0, max: 99999 }),
  })
  .map(({ yy, month, type, attribute, serial }) => makeBin(yy, month, type, attribute, serial))
  .filter((bin): bin is string => bin !== null);

const alnum = (n: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), {
      minLength: n,
      maxLength: n,
    })
    .map((a) => a.join(''));
const digitString = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Valid IBANs: mostly Kazakh (3-digit bank code + 13 alphanumerics), some of other countries. */
export const validIban = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(digitString(3), alnum(13))
      .map(([bank, rest]) => makeIban('KZ', bank + rest)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...Object.entries(IBAN_LENGTHS))
      .chain(([country, length]) => digitString(length - 4).map((bban) => makeIban(country, bban))),
  },
);

const CARD_PREFIXES: readonly [string, number][] = [
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['2200', 16],
  ['2204', 16],
  ['34', 15],
  ['37', 15],
  ['62', 16],
  ['3528', 16],
];

/** Luhn-valid cards of known issuers. */
export const validCard = fc
  .tuple(fc.constantFrom(...CARD_PREFIXES), digitString(18))
  .map(([[prefix, length], fill]) => makeCard(prefix, length, fill));

/** A card written as people write it: compact or grouped by spaces or dashes (16 digits only). */
export const printedCard = fc
  .tuple(validCard, fc.constantFrom('', ' ', '-'))
  .map(([card, sep]) => (sep === '' || card.length !== 16 ? card : groupCard(card, sep)));

export { breakCard, breakCheckDigit, breakIban };

/** Ordinary words in Kazakh, Russian and English, plus harmless numbers. */
export const chatWords = fc.array(
  fc.constantFrom(...WORDS.kk, ...WORDS.ru, ...WORDS.en, ...WORDS.noise),
  {
    maxLength: 12,
  },
);
