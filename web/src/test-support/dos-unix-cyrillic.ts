/**
 * Text as DOS (CP866) and older Unix systems and mail (KOI8-R) save Russian, for tests (neither
 * Node nor the browser has an encoder for either), written from the code pages' tables rather
 * than from a decoder: ASCII as itself, then the Cyrillic letters each code page has. Any other
 * character throws rather than encode wrongly — neither has a Kazakh letter, nor even і.
 */

function encoder(table: ReadonlyMap<string, number>, name: string) {
  return (text: string): Uint8Array<ArrayBuffer> =>
    Uint8Array.from([...text], (c) => {
      const code = c.codePointAt(0)!;
      if (code < 0x80) return code;
      const byte = table.get(c);
      if (byte === undefined) throw new Error(`${c} is not in the test's ${name} table`);
      return byte;
    });
}

const at = (letters: string, from: number) => [...letters].map((c, i) => [c, from + i] as const);

/** CP866: А–Я from 0x80, а–п from 0xA0, р–я from 0xE0 (box drawing between), Ё 0xF0, ё 0xF1. */
export const ibm866 = encoder(
  new Map([
    ...at('АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ', 0x80),
    ...at('абвгдежзийклмноп', 0xa0),
    ...at('рстуфхцчшщъыьэюя', 0xe0),
    ['Ё', 0xf0],
    ['ё', 0xf1],
  ]),
  'CP866',
);

/**
 * KOI8-R: small letters from 0xC0 and capitals from 0xE0, in the order of the Latin letters they
 * sound like (so that text with its eighth bit lost still reads, in capitals swapped), ё 0xA3,
 * Ё 0xB3; box drawing from 0x80.
 */
export const koi8r = encoder(
  new Map([
    ...at('юабцдефгхийклмнопярстужвьызшэщчъ', 0xc0),
    ...at('ЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ', 0xe0),
    ['ё', 0xa3],
    ['Ё', 0xb3],
  ]),
  'KOI8-R',
);
