import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ibm866, koi8r } from '../../test-support/dos-unix-cyrillic';
import { kz1048, pt154 } from '../../test-support/kazakh-code-pages';
import { kazakhList } from '../../test-support/kazakh-names';
import { windows1251 } from '../../test-support/windows-1251';
import {
  KAZAKH_LETTERS_LACKING,
  LEGACY_ENCODINGS,
  cyrillicScore,
  decodeLegacy,
  type LegacyEncoding,
  losesKazakhLetters,
  readLegacyCyrillic,
  SCORED_BYTES,
} from './cyrillic-encoding';

/** The encodings without the Kazakh letters, in which names are Russian letters (and і). */
type RussianEncoding = 'windows-1251' | 'ibm866' | 'koi8-r';
type KazakhCodePage = Exclude<LegacyEncoding, RussianEncoding>;

const ENCODERS: Readonly<Record<RussianEncoding, (text: string) => Uint8Array>> = {
  'windows-1251': windows1251,
  ibm866,
  'koi8-r': koi8r,
};
const KAZAKH_ENCODERS: Readonly<Record<KazakhCodePage, (text: string) => Uint8Array>> = {
  'kz-1048': kz1048,
  pt154,
};

const RUSSIAN_CAPITALS = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ';
const RUSSIAN_SMALL = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
/**
 * The letters of Russian and Kazakh names each encoding can write: Windows-1251 has і (Серікова)
 * beside the Russian alphabet; CP866 and KOI8-R have the Russian alphabet only.
 */
const ALPHABETS: Readonly<Record<RussianEncoding, { capitals: string; small: string }>> = {
  'windows-1251': { capitals: `${RUSSIAN_CAPITALS}І`, small: `${RUSSIAN_SMALL}і` },
  ibm866: { capitals: RUSSIAN_CAPITALS, small: RUSSIAN_SMALL },
  'koi8-r': { capitals: RUSSIAN_CAPITALS, small: RUSSIAN_SMALL },
};

const letterOf = (letters: string) => fc.constantFrom(...letters);

/** A name as a register writes it: a capital, then small letters. */
const nameIn = (encoding: RussianEncoding) => {
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
 * random letters, harder to place than real ones; with only a few of them, any of the readings
 * can look the likelier (docs/MONITOR.md gives the rates), so a list holds 24 or more.
 */
const listIn = (encoding: RussianEncoding) =>
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
        fc.property(listIn(encoding as RussianEncoding), (written) => {
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

describe('reading a Kazakh list in KZ-1048 or PT154', () => {
  const list =
    'ЖСН;Орындаушы идентификаторы;Белгі\r\n900515201234;nurse-07;Әлібек Құрманғали\r\n' +
    '850303300114;;Нұрлан Өмірзақ\r\n910101400123;reception-02;Ғалия Үсенова\r\n' +
    '920202500234;;Іңкәр\r\n';

  it('reads each Kazakh code page’s bytes in it, the Kazakh letters, IINs and Latin ids as written', () => {
    for (const [encoding, encode] of Object.entries(KAZAKH_ENCODERS))
      expect(readLegacyCyrillic(encode(list)), encoding).toEqual({ text: list, encoding });
    // The browser's decoders would make Serbian and Ukrainian letters of them.
    expect(decodeLegacy('windows-1251', kz1048('Әлібек Құрманғали'))).toBe('Јлібек Ќўрманєали');
  });

  it('tells the two apart where a byte is a Kazakh letter in both: the one in a Kazakh word wins', () => {
    // The byte of ғ in KZ-1048 is ә in PT154: "Ғалия" and "Бағдат" would read "Әалия" and
    // "Баәдат", two vowels side by side; "Әсел" and "Сәрсен" in PT154 would read "Ғсел" and
    // "Сғрсен" in KZ-1048, three consonants or two at the start.
    const kz = 'Ғалия Бағдат';
    expect(decodeLegacy('pt154', kz1048(kz))).toBe('Әалия Баәдат');
    expect(readLegacyCyrillic(kz1048(kz))).toEqual({ text: kz, encoding: 'kz-1048' });
    const pt = 'Әсел Сәрсен';
    expect(decodeLegacy('kz-1048', pt154(pt))).toBe('Ғсел Сғрсен');
    expect(readLegacyCyrillic(pt154(pt))).toEqual({ text: pt, encoding: 'pt154' });
  });

  it('reads any list of Kazakh names back as written, naming the first encoding that reads so', () => {
    // Russian letters, қ, һ and і are the same bytes in both code pages (and all but қ and һ in
    // Windows-1251): a list with no other Kazakh letter reads the same in each, and the first of
    // them on the tie is named.
    for (const [encoding, encode] of Object.entries(KAZAKH_ENCODERS))
      fc.assert(
        fc.property(kazakhList, (written) => {
          const bytes = encode(written);
          const readAsWritten = LEGACY_ENCODINGS.filter((e) => decodeLegacy(e, bytes) === written);
          expect(readAsWritten, encoding).toContain(encoding);
          expect(readLegacyCyrillic(bytes)).toEqual({ text: written, encoding: readAsWritten[0] });
        }),
      );
  });

  it('reads a Russian list, the same bytes in Windows-1251 and both code pages, as Windows-1251', () => {
    fc.assert(
      fc.property(listIn('windows-1251'), (written) => {
        const bytes = windows1251(written);
        expect(kz1048(written)).toEqual(bytes);
        expect(pt154(written)).toEqual(bytes);
        expect(readLegacyCyrillic(bytes)).toEqual({ text: written, encoding: 'windows-1251' });
      }),
    );
  });

  it('keeps Windows-1251 where a Kazakh code page makes Kazakh letters of signs, not of words', () => {
    // ± µ ‰ are ұ ө ү in PT154, but alone or beside Latin letters: no Kazakh word.
    const bytes = Uint8Array.from([
      ...windows1251('900515201234;Медсестра '),
      0xb1, // ±
      ...windows1251('1 '),
      0xb5, // µ
      ...windows1251('g 5'),
      0x89, // ‰
    ]);
    expect(decodeLegacy('pt154', bytes)).toBe('900515201234;Медсестра ұ1 өg 5ү');
    expect(readLegacyCyrillic(bytes)).toEqual({
      text: '900515201234;Медсестра ±1 µg 5‰',
      encoding: 'windows-1251',
    });
  });

  it('reads Ukrainian є, ї, ґ in Windows-1251 as the Kazakh letters at their bytes (docs/MONITOR.md)', () => {
    // Ukrainian letters score as foreign, as what wrong readings make of Russian text; a Kazakh
    // letter, even where Kazakh syllables would not have it, costs less. Є is Ә in PT154 and ї
    // is ү in KZ-1048.
    const ukrainian = Uint8Array.from([0xaa, ...windows1251('вгенія')]);
    expect(readLegacyCyrillic(ukrainian)).toEqual({ text: 'Әвгенія', encoding: 'pt154' });
    const ukraine = Uint8Array.from([...windows1251('Укра'), 0xbf, ...windows1251('на')]);
    expect(readLegacyCyrillic(ukraine)).toEqual({ text: 'Украүна', encoding: 'kz-1048' });
  });
});

describe('decodeLegacy', () => {
  it('decodes every byte of the Kazakh code pages as iconv-lite does, ASCII below 0x80', () => {
    // The tables are iconv-lite's (test/web/kazakh-code-pages.test.ts); this holds their use.
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeLegacy('kz-1048', all)).toBe(iconv.decode(all, 'rk1048'));
    expect(decodeLegacy('pt154', all)).toBe(iconv.decode(all, 'pt154'));
    // More bytes than one piece (`PIECE`) of the decoding, in order.
    const long = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    expect(decodeLegacy('pt154', long)).toBe(iconv.decode(long, 'pt154'));
  });
});

describe('KAZAKH_LETTERS_LACKING', () => {
  it('names exactly the Kazakh letters each encoding has no byte for', () => {
    for (const encoding of LEGACY_ENCODINGS) {
      const all = decodeLegacy(
        encoding,
        Uint8Array.from({ length: 256 }, (_, i) => i),
      );
      const lacking = [...'әғқңөұүһі'].filter((letter) => !all.includes(letter));
      expect(KAZAKH_LETTERS_LACKING[encoding], encoding).toEqual(lacking);
      // Capitals too, or a "?" could be a capital lost.
      expect(
        lacking.filter((letter) => !all.includes(letter.toUpperCase())),
        encoding,
      ).toEqual(lacking);
      expect(losesKazakhLetters(encoding), encoding).toBe(lacking.length > 0);
    }
    expect(losesKazakhLetters('utf-8')).toBe(false);
    expect(losesKazakhLetters(undefined)).toBe(false);
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

  it('scores a Kazakh letter as a letter only in a Kazakh-looking word', () => {
    // Where Kazakh syllables have it: no two vowels side by side, no three consonants, no two at
    // a word's start, ң never first, қ and ғ before back vowels.
    expect(cyrillicScore('Әсел')).toBeGreaterThan(cyrillicScore('Ғсел'));
    expect(cyrillicScore('Әуезов')).toBeGreaterThan(cyrillicScore('Ғуезов'));
    expect(cyrillicScore('Бағдат')).toBeGreaterThan(cyrillicScore('Баәдат'));
    expect(cyrillicScore('Сәрсен')).toBeGreaterThan(cyrillicScore('Сғрсен'));
    expect(cyrillicScore('Қа')).toBeGreaterThan(cyrillicScore('Ңа'));
    // Where they break, a letter costs, but less than a Serbian one ("Аяұлым", a compound).
    expect(cyrillicScore('Аяұлым')).toBeLessThan(cyrillicScore('Аялым'));
    expect(cyrillicScore('Аяұлым')).toBeGreaterThan(cyrillicScore('Аяўлым'));
    // Alone or beside Latin letters, as foreign as any sign.
    expect(cyrillicScore('ұ5')).toBe(cyrillicScore('±5'));
    expect(cyrillicScore('өg')).toBe(cyrillicScore('µg'));
    // An initial is a word of one capital and a full stop.
    expect(cyrillicScore('Сейітқали Ә.')).toBeGreaterThan(cyrillicScore('Сейітқали Ј.'));
  });

  it('costs a word a capital after a small letter, not a capital first or all capitals', () => {
    expect(cyrillicScore('Алия')).toBeGreaterThan(0);
    expect(cyrillicScore('АЛИЯ')).toBe(cyrillicScore('алия'));
    expect(cyrillicScore('алИя')).toBeLessThan(0);
  });
});
