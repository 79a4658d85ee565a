import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ibm866, koi8r } from '../../test-support/dos-unix-cyrillic';
import { windows1251 } from '../../test-support/windows-1251';
import {
  KAZAKH_LETTERS_LACKING,
  LEGACY_ENCODINGS,
  cyrillicScore,
  type LegacyEncoding,
  readLegacyCyrillic,
  SCORED_BYTES,
} from './cyrillic-encoding';

const ENCODERS: Readonly<Record<LegacyEncoding, (text: string) => Uint8Array>> = {
  'windows-1251': windows1251,
  ibm866,
  'koi8-r': koi8r,
};

const RUSSIAN_CAPITALS = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ';
const RUSSIAN_SMALL = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
/**
 * The letters of Russian and Kazakh names each encoding can write: Windows-1251 has і (Серікова)
 * beside the Russian alphabet; CP866 and KOI8-R have the Russian alphabet only.
 */
const ALPHABETS: Readonly<Record<LegacyEncoding, { capitals: string; small: string }>> = {
  'windows-1251': { capitals: `${RUSSIAN_CAPITALS}І`, small: `${RUSSIAN_SMALL}і` },
  ibm866: { capitals: RUSSIAN_CAPITALS, small: RUSSIAN_SMALL },
  'koi8-r': { capitals: RUSSIAN_CAPITALS, small: RUSSIAN_SMALL },
};

const letterOf = (letters: string) => fc.constantFrom(...letters);

/** A name as a register writes it: a capital, then small letters. */
const nameIn = (encoding: LegacyEncoding) => {
  const { capitals, small } = ALPHABETS[encoding];
  return fc
    .tuple(letterOf(capitals), fc.array(letterOf(small), { minLength: 1, maxLength: 12 }))
    .map(([first, rest]) => first + rest.join(''));
};

/** How many letters of names `text` holds (its header aside): what the choice has to go on. */
const nameLetters = (text: string) =>
  [...text.replace(/^\D[^\n]*\n/, '')].filter((c) => c.charCodeAt(0) >= 0x80).length;

/**
 * A staff list: maybe a header, then an IIN, a Latin actor id and names a line. Names here are
 * random letters, harder to place than real ones; with only a few of them, any of the three
 * readings can look the likelier (docs/MONITOR.md gives the rates), so a list holds 24 or more.
 */
const listIn = (encoding: LegacyEncoding) =>
  fc
    .tuple(
      fc.constantFrom('', 'ИИН;Идентификатор;Метка\r\n', 'iin;actorId;label\r\n'),
      fc.array(
        fc.tuple(
          fc.stringMatching(/^\d{12}$/),
          fc.stringMatching(/^[A-Za-z0-9-]{0,10}$/),
          fc.array(nameIn(encoding), { minLength: 1, maxLength: 3 }),
        ),
        { minLength: 1, maxLength: 10 },
      ),
    )
    .map(
      ([header, lines]) =>
        header +
        lines.map(([iin, actor, names]) => `${iin};${actor};${names.join(' ')}\r\n`).join(''),
    )
    .filter((list) => nameLetters(list) >= 24);

describe('reading a Cyrillic file that is not UTF-8', () => {
  const list = 'ИИН;Метка\r\n900515201234;loan-officer-14;Сёмина Алёна\r\n850303300114;;Ким Ли\r\n';

  it('reads each encoding’s bytes in that encoding, the IINs and Latin ids as written', () => {
    for (const [encoding, encode] of Object.entries(ENCODERS))
      expect(readLegacyCyrillic(encode(list)), encoding).toEqual({ text: list, encoding });
    expect(readLegacyCyrillic(windows1251('Серікова Іңкәр'.replace(/[ңә]/g, '?')))).toEqual({
      text: 'Серікова І?к?р',
      encoding: 'windows-1251',
    });
  });

  it('tells apart a header alone, in capitals: the letters’ frequencies decide', () => {
    // "ИИН" in KOI8-R read as Windows-1251 is "ййо", and the other way round "ххм": small letters
    // in a good case pattern, but rarer ones. (Not always: "ФИО" alone in Windows-1251 reads as
    // "тхн" in KOI8-R, commoner letters than Ф; a list's names settle it.)
    expect(readLegacyCyrillic(koi8r('ИИН'))).toEqual({ text: 'ИИН', encoding: 'koi8-r' });
    expect(readLegacyCyrillic(windows1251('ИИН'))).toEqual({
      text: 'ИИН',
      encoding: 'windows-1251',
    });
    expect(readLegacyCyrillic(ibm866('ИИН'))).toEqual({ text: 'ИИН', encoding: 'ibm866' });
  });

  it('reads any list of names in the encoding it was written in', () => {
    for (const [encoding, encode] of Object.entries(ENCODERS))
      fc.assert(
        fc.property(listIn(encoding as LegacyEncoding), (written) => {
          expect(readLegacyCyrillic(encode(written))).toEqual({ text: written, encoding });
        }),
      );
  });

  it('can misread a single short name, which more names settle (docs/MONITOR.md)', () => {
    // "Ёц" in CP866 is "рж" in Windows-1251: two common small letters, the likelier reading.
    expect(readLegacyCyrillic(ibm866('000000000000;;Ёц\r\n'))).toEqual({
      text: '000000000000;;рж\r\n',
      encoding: 'windows-1251',
    });
    const longer = '000000000000;;Ёц\r\n900515201234;;Сёмина Алёна\r\n';
    expect(readLegacyCyrillic(ibm866(longer))).toEqual({ text: longer, encoding: 'ibm866' });
  });

  it('reads all of a file longer than the part scored in the one encoding chosen', () => {
    const names = ibm866('900515201238;;Сёмина Алёна\r\n'.repeat(3000));
    expect(names.length).toBeGreaterThan(SCORED_BYTES);
    // Past the part scored, lines in Windows-1251: one file, one encoding, read to its end.
    const tail = windows1251('Серикова Алия\r\n'.repeat(10));
    const read = readLegacyCyrillic(Uint8Array.from([...names, ...tail]));
    expect(read.encoding).toBe('ibm866');
    expect(read.text).toBe(new TextDecoder('ibm866').decode(Uint8Array.from([...names, ...tail])));
    expect(read.text.startsWith('900515201238;;Сёмина Алёна\r\n')).toBe(true);
  });

  it('reads bytes that are no letter in any of them as Windows-1251, the most common', () => {
    // "°" in Windows-1251, "░" in CP866, "═" in KOI8-R: a tie.
    expect(readLegacyCyrillic(Uint8Array.of(0xb0))).toEqual({
      text: '°',
      encoding: 'windows-1251',
    });
    // "ЂЃ" in Windows-1251 and box drawing in KOI8-R, but "АБ" in CP866.
    expect(readLegacyCyrillic(Uint8Array.of(0x80, 0x81))).toEqual({
      text: 'АБ',
      encoding: 'ibm866',
    });
  });
});

describe('KAZAKH_LETTERS_LACKING', () => {
  it('names exactly the Kazakh letters each encoding has no byte for', () => {
    for (const encoding of LEGACY_ENCODINGS) {
      const all = new TextDecoder(encoding).decode(Uint8Array.from({ length: 256 }, (_, i) => i));
      const lacking = [...'әғқңөұүһі'].filter((letter) => !all.includes(letter));
      expect(KAZAKH_LETTERS_LACKING[encoding], encoding).toEqual(lacking);
    }
  });
});

describe('cyrillicScore', () => {
  it('scores names above what the wrong encodings make of them', () => {
    const right = cyrillicScore('Серикова Алия');
    expect(right).toBeGreaterThan(cyrillicScore('яЕПХЙНБЮ юКХЪ')); // Windows-1251 read as KOI8-R
    expect(right).toBeGreaterThan(cyrillicScore('╤хЁшъютр └ышџ')); // Windows-1251 read as CP866
  });

  it('adds nothing for ASCII and nothing for the marks Russian text holds', () => {
    expect(cyrillicScore('900515201234;loan-officer-14;Aliya')).toBe(0);
    expect(cyrillicScore('«»—–№\u00a0')).toBe(0);
    expect(cyrillicScore('╤')).toBeLessThan(0);
  });

  it('costs a word a capital after a small letter, not a capital first or all capitals', () => {
    expect(cyrillicScore('Алия')).toBeGreaterThan(0);
    expect(cyrillicScore('АЛИЯ')).toBe(cyrillicScore('алия'));
    expect(cyrillicScore('алИя')).toBeLessThan(0);
  });
});
