import fc from 'fast-check';
import { IBAN_LENGTHS } from '../detectors/iban.js';
import {
  breakCard,
  breakCheckDigit,
  breakIban,
  groupCard,
  makeCard,
  makeIban,
} from './identifiers.js';
import { WORDS } from './text.js';

/**
 * Valid IINs and BINs, constructed directly (date or registration month, century digit, serial,
 * check digit from the independent reference) with a quarter steered to the second checksum pass;
 * see test/support/kz-identifiers.ts.
 */
export { validBin, validIin } from '../../../test/support/kz-identifiers.js';

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
