import { describe, expect, it } from 'vitest';
import { fromByteString, toByteString } from '../bytes.js';
import { createEngine } from '../engine.js';
import { detect, valuesOf } from '../test-support/detect.js';
import {
  breakCard,
  breakIban,
  groupCard,
  makeCard,
  makeIban,
} from '../test-support/identifiers.js';
import type { Candidate } from '../types.js';
import { cardBrand } from './card.js';
import { ibanDetector, ibanRemainder } from './iban.js';

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

describe('card brands at the edges of each issuer range', () => {
  /** A digit string of `length` starting with `prefix` (cardBrand reads only prefix and length). */
  const digits = (prefix: string, length: number) => prefix.padEnd(length, '0');

  it('names the brand of each range’s first and last prefix, and nothing just outside', () => {
    const cases: [string, number, string | null][] = [
      ['2200', 16, 'mir'],
      ['2204', 19, 'mir'],
      ['2205', 16, null],
      ['2200', 15, null],
      ['51', 16, 'mastercard'],
      ['55', 16, 'mastercard'],
      ['51', 15, null],
      ['2221', 16, 'mastercard'],
      ['2220', 16, null],
      ['4', 13, 'visa'],
      ['4', 16, 'visa'],
      ['4', 19, 'visa'],
      ['4', 14, null],
      ['34', 15, 'amex'],
      ['37', 15, 'amex'],
      ['35', 15, null],
      ['3528', 16, 'jcb'],
      ['3589', 19, 'jcb'],
      ['3527', 16, null],
      ['3590', 16, null],
      ['300', 14, 'diners'],
      ['305', 19, 'diners'],
      ['306', 14, null],
      ['36', 14, 'diners'],
      ['38', 14, 'diners'],
      ['39', 14, 'diners'],
      ['37', 14, null],
      ['6011', 16, 'discover'],
      ['6012', 16, 'maestro'],
      ['644', 16, 'discover'],
      ['649', 19, 'discover'],
      ['643', 16, 'maestro'],
      ['65', 16, 'discover'],
      ['62', 16, 'unionpay'],
      ['62', 15, 'maestro'],
      ['50', 13, 'maestro'],
      ['56', 19, 'maestro'],
      ['69', 16, 'maestro'],
      ['70', 16, null],
      ['49', 15, null],
    ];
    expect(cases.map(([p, n]) => cardBrand(digits(p, n)))).toEqual(cases.map(([, , b]) => b));
  });
});

describe('IBAN edges', () => {
  it('computes the ISO 7064 remainder of the standard’s examples, and not 1 for a changed one', () => {
    expect(ibanRemainder('GB82WEST12345698765432')).toBe(1);
    expect(ibanRemainder('DE89370400440532013000')).toBe(1);
    // Digits and letters both count: GB82 WEST… with one letter or one digit changed fails.
    expect(ibanRemainder('GB82WEST12345698765433')).not.toBe(1);
    expect(ibanRemainder('GB82WESU12345698765432')).not.toBe(1);
  });

  it('takes an IBAN only at its registry length, bounded, with spaces only between groups of four', () => {
    const kz = 'KZ86125KZT5004100100';
    expect(valuesOf(`${kz}`, 'iban')).toEqual([kz]);
    expect(valuesOf(`x${kz}`, 'iban')).toEqual([]);
    expect(valuesOf(`${kz}5`, 'iban')).toEqual([]);
    expect(valuesOf(`${kz}я`, 'iban')).toEqual([]);
    expect(valuesOf(kz.slice(0, 19), 'iban')).toEqual([]);
    expect(valuesOf('KZ86 125K ZT50 0410 010', 'iban')).toEqual([]);
    expect(valuesOf('KZ 86125KZT5004100100', 'iban')).toEqual([]);
    expect(valuesOf('KZ861 25KZT5004100100', 'iban')).toEqual([]);
    expect(valuesOf('KZ86  125KZT5004100100', 'iban')).toEqual([]);
    expect(valuesOf('KZ86125kzt5004100100', 'iban')).toEqual([]);
    // An unknown country code, and lower-case or non-digit check characters, start nothing.
    expect(valuesOf(`QQ${kz.slice(2)}`, 'iban')).toEqual([]);
    expect(valuesOf(`kz${kz.slice(2)}`, 'iban')).toEqual([]);
  });

  it('finds the longest IBANs, printed, and two in a row', () => {
    const lc = makeIban('LC', 'HEMM000100010012001200023015');
    const mt = makeIban('MT', 'MALT011000012345MTLCAST001S');
    expect(lc).toHaveLength(32);
    const printed = lc.match(/.{1,4}/g)!.join(' ');
    expect(valuesOf(`счёт ${printed}, ${mt}`, 'iban')).toEqual([printed, mt]);
    const de = makeIban('DE', '370400440532013000');
    expect(valuesOf(`${de} ${de}`, 'iban')).toEqual([de, de]);
    expect(detect(`${de}`, { types: ['iban'] })).toEqual([
      { type: 'iban', value: de, score: 1, subtype: 'DE' },
    ]);
  });
});

describe('bank card groups', () => {
  const visa = '4400430123456789'; // Luhn-valid (makeCard('4400', 16, '43012345678'))
  const grouped = '4400 4301 2345 6789';

  it('skips the digit groups of a printed IBAN, walking back over digit-only groups', () => {
    const kz = makeIban('KZ', visa);
    const printed = kz.match(/.{1,4}/g)!.join(' ');
    expect(printed.endsWith(grouped)).toBe(true);
    expect(valuesOf(printed, 'card')).toEqual([]);
    expect(valuesOf(printed.replace(/ /g, '-'), 'card')).toEqual([]);
    // Two digit-only groups between the letters and the card-like digits.
    expect(valuesOf(`A090 1234 5678 ${grouped}`, 'card')).toEqual([]);
    expect(valuesOf(`ZZ12 ${grouped}`, 'card')).toEqual([]);
  });

  it('reads a card after groups with no capital letter, or not four characters long', () => {
    for (const before of ['ab12', '@B12', '[Z12', 'A/12', 'A:12', 'AB1', 'AB12_', 'AB12 1234 5']) {
      expect(valuesOf(`${before} ${grouped}`, 'card')).toEqual([grouped]);
    }
  });

  it('finds 19-digit cards whole or grouped, and prefers a 16-digit reading of five groups', () => {
    const visa19 = '4400111100000000002'; // Luhn-valid; its first 16 digits are not
    expect(valuesOf(visa19, 'card')).toEqual([visa19]);
    const grouped19 = '4400 1111 0000 0000 002';
    expect(valuesOf(grouped19, 'card')).toEqual([grouped19]);
    // Both readings pass Luhn: the 16-digit one wins.
    expect(valuesOf(`${grouped} 005`, 'card')).toEqual([grouped]);
    expect(valuesOf(`${grouped} 204`, 'card')).toEqual([grouped]);
    expect(valuesOf(`x${visa19}`, 'card')).toEqual([]);
    expect(valuesOf(`${visa.slice(0, 12)}`, 'card')).toEqual([]);
  });

  it('takes a second group starting with 0 or 9, and reports the card as validated', () => {
    expect(valuesOf('4400 9301 2345 6788, 4400 0301 2345 6787', 'card')).toEqual([
      '4400 9301 2345 6788',
      '4400 0301 2345 6787',
    ]);
    expect(valuesOf('4400 4301-2345 6789', 'card')).toEqual([]);
    expect(detect(grouped, { types: ['card'] })).toEqual([
      { type: 'card', value: grouped, score: 1, subtype: 'visa' },
    ]);
  });
});

describe('IBANs found from their digit runs', () => {
  const kz = 'KZ86125KZT5004100100';
  const printed = 'KZ86 125K ZT50 0410 0100';

  it('walks back over capitals and single spaces to the country code', () => {
    expect(valuesOf(`IBAN ${kz}, IBAN ${printed}`, 'iban')).toEqual([kz, printed]);
    expect(valuesOf(`счёт:${printed}; iban ${kz}`, 'iban')).toEqual([printed, kz]);
    expect(valuesOf(`BA ${kz}`, 'iban')).toEqual([kz]);
    const lc = makeIban('LC', 'HEMMABCDEFGHIJKLMNOPQRSTU123');
    expect(lc).toHaveLength(32);
    expect(valuesOf(lc, 'iban')).toEqual([lc]);
    expect(valuesOf(lc.match(/.{1,4}/g)!.join(' '), 'iban')).toEqual([
      lc.match(/.{1,4}/g)!.join(' '),
    ]);
  });

  it('finds an IBAN after other numbers and one right after another', () => {
    const de = makeIban('DE', '370400440532013000');
    expect(valuesOf(`2024 123 456 789 ${printed} ${de}`, 'iban')).toEqual([printed, de]);
    expect(valuesOf(`${printed} ${printed}`, 'iban')).toEqual([printed, printed]);
  });
});

describe('IBAN rules (ISO 13616)', () => {
  it('finds the standard’s examples of countries whose codes begin or end with A or Z', () => {
    // ISO 13616 / SWIFT registry examples: the first and last capitals A and Z in either place.
    const examples = [
      'AT611904300234573201',
      'SA0380000000608010167519',
      'AZ21NABZ00000000137010001944',
      'QA58DOHB00001234567890ABCDEFG',
    ];
    for (const iban of examples) expect(valuesOf(`IBAN ${iban}`, 'iban')).toEqual([iban]);
  });

  it('takes check digits 0 and 9 in either place', () => {
    for (const iban of [
      'DE02370400440532016700',
      'DE90370400440532014340',
      'DE09370400440532022200',
      'DE89370400440532013000',
    ]) {
      expect(valuesOf(iban, 'iban')).toEqual([iban]);
      expect(valuesOf(iban.match(/.{1,4}/g)!.join(' '), 'iban')).toHaveLength(1);
    }
  });

  it('rejects letters in place of the check digits even when mod 97 gives 1', () => {
    // Each of these leaves remainder 1, but an IBAN's third and fourth characters are digits.
    for (const fake of [
      'DECZ370400440532013000',
      'DEA5370400440532013000',
      'DE6B370400440532013001',
    ]) {
      expect(ibanRemainder(fake)).toBe(1);
      expect(valuesOf(`IBAN ${fake}`, 'iban')).toEqual([]);
    }
  });

  it('reads letters A to Z and digits 0 to 9 inside the account part', () => {
    const iban = makeIban('LC', 'AZAZ09090909ZAZA0909AZAZ0909');
    expect(valuesOf(`счёт ${iban}`, 'iban')).toEqual([iban]);
    const printed = iban.match(/.{1,4}/g)!.join(' ');
    expect(valuesOf(`счёт ${printed}`, 'iban')).toEqual([printed]);
  });

  it('reports a found IBAN as validated by its checksum, with its offsets', () => {
    const text = toByteString('счёт: KZ86 125K ZT50 0410 0100.');
    const [found] = createEngine({ types: ['iban'] }).detect(text);
    expect(found).toMatchObject({ type: 'iban', score: 1, validated: true, subtype: 'KZ' });
    expect(fromByteString(text.slice(found!.start, found!.end))).toBe('KZ86 125K ZT50 0410 0100');
  });

  it('finds each of several IBANs in a row at its own place', () => {
    const de = 'DE89370400440532013000';
    const kz = 'KZ86 125K ZT50 0410 0100';
    const text = toByteString(`${de} ${kz} ${de}`);
    const found = createEngine({ types: ['iban'] }).detect(text);
    expect(found.map((c) => [c.start, c.end])).toEqual([
      [0, 22],
      [23, 47],
      [48, 70],
    ]);
  });

  it('takes only capitals and digits, even where another character happens to give mod 97 = 1', () => {
    // ibanRemainder reads any character as a letter value; the detector must not rely on that.
    for (const fake of ['KZ96125kzt5004100100', 'DE5137040044-532013000']) {
      expect(ibanRemainder(fake)).toBe(1);
      expect(valuesOf(`IBAN ${fake}`, 'iban')).toEqual([]);
    }
  });

  it('is not hidden by a failing reading just before it', () => {
    const kz = 'KZ86125KZT5004100100';
    const de = 'DE89370400440532013000';
    // A capital pair and two digits that name no country, and a country code whose reading runs
    // into the IBAN and ends inside a word.
    expect(valuesOf(`REF QQ12 ${kz}`, 'iban')).toEqual([kz]);
    expect(valuesOf(`GB82 ${kz}`, 'iban')).toEqual([kz]);
    // An IBAN with a typo (mod 97 fails) in a list, then a good one.
    expect(valuesOf(`${breakIban(de)} ${kz}`, 'iban')).toEqual([kz]);
  });

  it('reads an IBAN whose account part holds another valid IBAN once, whole', () => {
    // What the detector reports from the digit runs (as the plain reference search calls it),
    // before the engine settles overlaps.
    const readings = (text: string) => {
      const out: Candidate[] = [];
      for (const m of text.matchAll(/\d{3,}/g)) {
        ibanDetector.atDigits!(text, m.index, m.index + m[0].length, out);
      }
      return out.map((c) => text.slice(c.start, c.end));
    };
    const lc = makeIban('LC', 'ABCDEFGHKZ86125KZT5004100100');
    const printed = lc.match(/.{1,4}/g)!.join(' ');
    expect(printed.endsWith('KZ86 125K ZT50 0410 0100')).toBe(true);
    expect(readings(`счёт ${printed}`)).toEqual([printed]);
    expect(valuesOf(`счёт ${printed}`, 'iban')).toEqual([printed]);
  });

  it('finds an IBAN after a run of other numbers that follow an earlier IBAN', () => {
    const de = 'DE89370400440532013000';
    // The standard's British example holds a single run of three or more digits.
    const gb = 'GB82WEST12345698765432';
    const phones = '87011234567 87011234568 87011234569 87011234560';
    const found = detect(`${de} ${phones} ${gb}`, { types: ['iban', 'phone'] });
    expect(found.map((d) => d.value)).toEqual([de, ...phones.split(' '), gb]);
  });
});
