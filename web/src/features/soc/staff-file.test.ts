import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStaffList } from './staff-csv';
import { ibm866, koi8r } from '../../test-support/dos-unix-cyrillic';
import { kz1048, pt154 } from '../../test-support/kazakh-code-pages';
import { kazakhList } from '../../test-support/kazakh-names';
import { windows1251 } from '../../test-support/windows-1251';
import { decodeLegacy, LEGACY_ENCODINGS } from './cyrillic-encoding';
import { decodeStaffFile, MAX_FILE_BYTES, readStaffFile } from './staff-file';

const utf8 = (text: string) => new TextEncoder().encode(text);
const utf16le = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le'));
const utf16be = (text: string) => utf16le(text).map((_, i, le) => le[i ^ 1]!);

/** Any text without U+0000 (which no list holds: `notText`). */
const text = fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !s.includes('\0'));

const cyrillic = (from: string, to: string) =>
  fc.integer({ min: from.codePointAt(0)!, max: to.codePointAt(0)! }).map(String.fromCodePoint);
/** A name as a register writes it: a capital, then small letters (ё and і are tested apart). */
const name = fc
  .tuple(cyrillic('А', 'Я'), fc.array(cyrillic('а', 'я'), { minLength: 1, maxLength: 12 }))
  .map(([first, rest]) => first + rest.join(''));
/** Lines of a list with Cyrillic labels: digits, an ASCII actor id, names. */
const cyrillicList = fc
  .array(
    fc.tuple(
      fc.stringMatching(/^\d{12}$/),
      fc.stringMatching(/^[a-z0-9-]{0,10}$/),
      fc.array(name, { minLength: 1, maxLength: 3 }),
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((lines) =>
    lines.map(([iin, actor, names]) => `${iin};${actor};${names.join(' ')}\r\n`).join(''),
  );
/**
 * Such a list with 24 letters of names or more. Random letters are harder to place than real
 * names: a list of one or two short ones can read likelier in another encoding (CP866's "Ню" is
 * "Қо" in KZ-1048; docs/MONITOR.md gives the rates), which more names settle.
 */
const longCyrillicList = cyrillicList.filter(
  (list) => [...list].filter((c) => c.charCodeAt(0) >= 0x80).length >= 24,
);

describe('decoding a staff list file', () => {
  it('reads any UTF-8 text back as itself, a byte-order mark included', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (s, bom) => {
        const written = bom ? `\uFEFF${s}` : s;
        expect(decodeStaffFile(utf8(written))).toEqual({ text: written, encoding: 'utf-8' });
      }),
    );
  });

  it('reads a list Excel saved as plain “CSV” in a Russian or Kazakh Windows as Windows-1251', () => {
    // "ИИН" in Windows-1251: the bytes, not the test's table.
    expect(decodeStaffFile(Uint8Array.of(0xc8, 0xc8, 0xcd))).toEqual({
      text: 'ИИН',
      encoding: 'windows-1251',
    });
    const list = 'ИИН;Метка\r\n900515201234;Сёмина Алёна\r\n850303300114;Серікова Іңкәр\r\n';
    const kazakhLost = list.replace('ң', '?').replace('ә', '?');
    const decoded = decodeStaffFile(windows1251(kazakhLost));
    expect(decoded).toEqual({ text: kazakhLost, encoding: 'windows-1251' });
    fc.assert(
      fc.property(cyrillicList, (written) => {
        expect(decodeStaffFile(windows1251(written))).toEqual({
          text: written,
          encoding: 'windows-1251',
        });
      }),
    );
  });

  it('reads a list saved in DOS (CP866) or KOI8-R as such, not as Windows-1251', () => {
    const list = 'ИИН;Идентификатор исполнителя;Метка\r\n900515201238;nurse-07;Сёмина Алёна\r\n';
    expect(decodeStaffFile(ibm866(list))).toEqual({ text: list, encoding: 'ibm866' });
    const read = decodeStaffFile(koi8r(list));
    expect(read).toEqual({ text: list, encoding: 'koi8-r' });
    // The IIN and the Latin actor id read as written, whichever encoding the names are in.
    expect('text' in read && parseStaffList(read.text).entries).toEqual([
      { line: 2, iin: '900515201238', actorId: 'nurse-07', label: 'Сёмина Алёна' },
    ]);
    fc.assert(
      fc.property(longCyrillicList, (written) => {
        expect(decodeStaffFile(ibm866(written))).toEqual({ text: written, encoding: 'ibm866' });
        expect(decodeStaffFile(koi8r(written))).toEqual({ text: written, encoding: 'koi8-r' });
      }),
    );
  });

  it('reads a list saved in a Kazakh code page (KZ-1048, PT154) with its Kazakh letters', () => {
    const list = 'ЖСН;Белгі\r\n900515201238;Әлібек Құрманғали\r\n850303300114;Ғалия Үсенова\r\n';
    expect(decodeStaffFile(kz1048(list))).toEqual({ text: list, encoding: 'kz-1048' });
    expect(decodeStaffFile(pt154(list))).toEqual({ text: list, encoding: 'pt154' });
    // Their letters at bytes 0x80 to 0xBF follow capitals from 0xC2 as UTF-8 would ("Нұ" is
    // CD A2, valid UTF-8), yet such a list is not taken for damaged UTF-8: each small Russian
    // letter fails as UTF-8.
    fc.assert(
      fc.property(kazakhList, fc.constantFrom(kz1048, pt154), (written, encode) => {
        const bytes = encode(written);
        const first = LEGACY_ENCODINGS.find((e) => decodeLegacy(e, bytes) === written);
        expect(decodeStaffFile(bytes)).toEqual({ text: written, encoding: first });
      }),
    );
  });

  it('reads UTF-16 with its byte-order mark: Excel’s “Unicode text”, tabs between columns', () => {
    const list = '\uFEFFiin\tlabel\r\n900515201234\tҚайрат Әлиев\r\n';
    expect(decodeStaffFile(utf16le(list))).toEqual({ text: list, encoding: 'utf-16le' });
    expect(decodeStaffFile(utf16be(list))).toEqual({ text: list, encoding: 'utf-16be' });
    expect(parseStaffList(list).header).toBe(true);
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeStaffFile(utf16le(`\uFEFF${s}`))).toEqual({
          text: `\uFEFF${s}`,
          encoding: 'utf-16le',
        });
        expect(decodeStaffFile(utf16be(`\uFEFF${s}`))).toEqual({
          text: `\uFEFF${s}`,
          encoding: 'utf-16be',
        });
      }),
    );
  });

  it('refuses what is no text list rather than read it as Windows-1251', () => {
    // A workbook (a zip archive), UTF-16 without its mark, a NUL in UTF-8 or UTF-16 text.
    expect(decodeStaffFile(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00))).toEqual({
      problem: 'notText',
    });
    expect(decodeStaffFile(utf16le('iin\tlabel\r\n900515201234\tҚайрат\r\n'))).toEqual({
      problem: 'notText',
    });
    expect(decodeStaffFile(utf8('900515201234,a\0b'))).toEqual({ problem: 'notText' });
    expect(decodeStaffFile(utf16le('\uFEFF900515201234\0'))).toEqual({ problem: 'notText' });
  });

  it('refuses UTF-8 or UTF-16 with bytes that are not, rather than read it as Windows-1251', () => {
    const list = 'iin,label\n900515201234,Медсестра Алия\n';
    const bytes = utf8(list);
    // A stray byte in UTF-8 Cyrillic: with or without the UTF-8 mark, it would read as "РњРµ…".
    const stray = Uint8Array.from([...bytes.subarray(0, 30), 0xff, ...bytes.subarray(30)]);
    expect(decodeStaffFile(stray)).toEqual({ problem: 'damaged' });
    expect(decodeStaffFile(Uint8Array.of(0xef, 0xbb, 0xbf, ...windows1251('Алия')))).toEqual({
      problem: 'damaged',
    });
    // UTF-16 cut in the middle of a character, or holding half of a surrogate pair.
    const le = utf16le(`\uFEFF${list}`);
    expect(decodeStaffFile(le.subarray(0, le.length - 1))).toEqual({ problem: 'damaged' });
    expect(decodeStaffFile(utf16le('\uFEFF900515201234,\uD800x'))).toEqual({ problem: 'damaged' });
  });
});

describe('reading a chosen staff list file', () => {
  it('refuses a file over the limit without reading it', async () => {
    class Unread extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        throw new Error('a file over the limit is read');
      }
    }
    expect(await readStaffFile(new Unread([new Uint8Array(MAX_FILE_BYTES + 1)]))).toEqual({
      problem: 'tooBig',
    });
    expect(await readStaffFile(new Blob([new Uint8Array(MAX_FILE_BYTES).fill(0x31)]))).toEqual({
      text: '1'.repeat(MAX_FILE_BYTES),
      encoding: 'utf-8',
    });
  });

  it('says a file the browser could not read is unreadable', async () => {
    // What the browser does when the file changed or went away after it was chosen.
    class Vanished extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new DOMException('The file could not be read.', 'NotReadableError'));
      }
    }
    expect(await readStaffFile(new Vanished(['900515201234']))).toEqual({
      problem: 'unreadable',
    });
  });

  it('decodes a file it could read', async () => {
    expect(await readStaffFile(new Blob([windows1251('900515201234;Медсестра')]))).toEqual({
      text: '900515201234;Медсестра',
      encoding: 'windows-1251',
    });
  });
});
