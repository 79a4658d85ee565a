import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';
import {
  breakCard,
  breakIban,
  groupCard,
  makeCard,
  makeIban,
} from '../test-support/identifiers.js';
import { cardBrand } from './card.js';
import { ibanRemainder } from './iban.js';

describe('IBAN detector', () => {
  it('finds Kazakh IBANs, compact or grouped by four', () => {
    expect(valuesOf('счёт KZ86125KZT5004100100 и KZ86 125K ZT50 0410 0100.', 'iban')).toEqual([
      'KZ86125KZT5004100100',
      'KZ86 125K ZT50 0410 0100',
    ]);
  });

  it('knows other countries’ lengths and drops a failing mod 97', () => {
    const de = makeIban('DE', '370400440532013000');
    const gb = makeIban('GB', 'WEST12345698765432');
    expect(valuesOf(`${de} ${gb} ${breakIban(de)}`, 'iban')).toEqual([de, gb]);
    expect(valuesOf(`${de}0`, 'iban')).toEqual([]); // one character too many
  });

  it('computes the ISO 7064 remainder', () => {
    expect(ibanRemainder('KZ86125KZT5004100100')).toBe(1);
  });
});

describe('bank card detector', () => {
  it('finds Luhn-valid cards of known issuers, grouped or not', () => {
    const visa = makeCard('4400', 16, '43012345678');
    const mir = makeCard('2202', 16, '20012345678');
    const mc2 = makeCard('2221', 16, '00012345678');
    const amex = makeCard('37', 15, '8282246310005');
    const text = `Visa ${groupCard(visa)}, Мир ${mir}, MC ${groupCard(mc2, '-')}, Amex ${amex.slice(0, 4)} ${amex.slice(4, 10)} ${amex.slice(10)}`;
    expect(detect(text, { types: ['card'] }).map((d) => d.subtype)).toEqual([
      'visa',
      'mir',
      'mastercard',
      'amex',
    ]);
  });

  it('drops failing Luhn digits and unknown issuer ranges', () => {
    const visa = makeCard('4400', 16, '43012345678');
    expect(valuesOf(`${breakCard(visa)} ${makeCard('9999', 16, '1')}`, 'card')).toEqual([]);
    expect(cardBrand('2720990000000000')).toBe('mastercard');
    expect(cardBrand('2721000000000000')).toBeNull();
    expect(cardBrand('2204000000000000')).toBe('mir');
  });

  it('finds a grouped card right after another number', () => {
    const visa = makeCard('4400', 16, '43012345678');
    expect(valuesOf(`оплата 2024 ${groupCard(visa)}`, 'card')).toEqual([groupCard(visa)]);
  });
});

describe('cards inside printed IBANs', () => {
  it('does not read the digit groups of a printed IBAN as a card', () => {
    for (const country of ['KZ', 'FR', 'TR', 'DE']) {
      for (let k = 0; k < 200; k++) {
        const bban = String(1e17 + k * 7919)
          .padEnd(country === 'FR' ? 23 : 18, '3')
          .slice(0, country === 'KZ' ? 16 : country === 'FR' ? 23 : country === 'TR' ? 22 : 18);
        const printed = makeIban(country, bban)
          .match(/.{1,4}/g)!
          .join(' ');
        expect(valuesOf(`IBAN ${printed}`, 'card')).toEqual([]);
      }
    }
  });
});
