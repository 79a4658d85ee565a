import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';
import type { Candidate } from '../types.js';
import { toByteString } from '../bytes.js';
import { documentDetector } from './documents.js';
import { mrzCheckDigit } from './mrz.js';

describe('ID card and passport detector', () => {
  it('needs a context word before or just after the number', () => {
    expect(valuesOf('удостоверение личности № 043218765', 'id-card')).toEqual(['043218765']);
    expect(valuesOf('жеке куәлік 043218765', 'id-card')).toEqual(['043218765']);
    expect(valuesOf('043218765 — моё удостоверение', 'id-card')).toEqual(['043218765']);
    expect(valuesOf('заказ 043218765 доставлен', 'id-card')).toEqual([]);
  });

  it('finds passports with a Latin or Cyrillic N, only with context', () => {
    expect(valuesOf('паспорт N12345678, төлқұжат Н87654321', 'passport')).toEqual([
      'N12345678',
      'Н87654321',
    ]);
    expect(valuesOf('артикул N12345678', 'passport')).toEqual([]);
  });
});

describe('ID card and passport detector, called directly on a digit run', () => {
  /** What atDigits proposes for the run of digits in `text` (a UTF-8 byte string). */
  function candidates(text: string): Candidate[] {
    const bytes = toByteString(text);
    const start = bytes.search(/\d/);
    let end = start;
    while (end < bytes.length && /\d/.test(bytes[end]!)) end++;
    const out: Candidate[] = [];
    documentDetector.atDigits!(bytes, start, end, out);
    return out;
  }

  it('proposes nine bounded digits as an ID card, nothing glued to a letter', () => {
    expect(candidates(' 043218765 ')).toEqual([
      { type: 'id-card', start: 1, end: 10, score: 0.2, validated: false },
    ]);
    expect(candidates('x043218765')).toEqual([]);
    expect(candidates('043218765x')).toEqual([]);
  });

  it('proposes eight digits after a Latin N or a Cyrillic Н as a passport, from the letter', () => {
    expect(candidates(' N12345678 ')).toEqual([
      { type: 'passport', start: 1, end: 10, score: 0.3, validated: false },
    ]);
    // Н is two bytes in UTF-8 (D0 9D): the passport starts at the first.
    expect(candidates(' Н12345678 ')).toEqual([
      { type: 'passport', start: 1, end: 11, score: 0.3, validated: false },
    ]);
  });

  it('proposes nothing for eight digits without N, glued on, or after another letter', () => {
    expect(candidates(' 12345678 ')).toEqual([]);
    expect(candidates(' N12345678x')).toEqual([]);
    expect(candidates('xN12345678 ')).toEqual([]);
    // Another Cyrillic letter ending in byte 9D (Э is D0 AD, Ѝ is D0 8D; ѝ is D1 9D): not Н.
    expect(candidates(' ѝ12345678 ')).toEqual([]);
    expect(candidates(' Э12345678 ')).toEqual([]);
    expect(candidates(' M12345678 ')).toEqual([]);
  });

  it('proposes nothing for runs of other lengths, even after an N', () => {
    expect(candidates(' N1234567 ')).toEqual([]);
    expect(candidates(' N123456789 ')).toEqual([]);
    expect(candidates(' 0432187650 ')).toEqual([]);
  });
});

describe('MRZ detector', () => {
  // ICAO 9303 part 4 specimen (Utopia), which carries valid check digits.
  const td3 =
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';
  // ICAO 9303 part 5 TD1 specimen.
  const td1 =
    'I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<';

  it('finds a passport zone and covers both lines', () => {
    expect(valuesOf(`Скан паспорта:\n${td3}\n`, 'mrz')).toEqual([td3]);
  });

  it('finds an ID card zone (TD1) and covers its three lines', () => {
    expect(detect(td1, { types: ['mrz'] })).toEqual([
      { type: 'mrz', value: td1, score: 1, subtype: 'td1' },
    ]);
  });

  it('drops a zone whose check digits fail', () => {
    expect(valuesOf(td3.replace('7408122', '7408123'), 'mrz')).toEqual([]);
  });

  it('finds a TD2 zone, zones with CRLF line ends, and a lone data line', () => {
    // ICAO 9303 part 6 TD2 specimen.
    const td2 = `${'I<UTOERIKSSON<<ANNA<MARIA'.padEnd(36, '<')}\nD231458907UTO7408122F1204159<<<<<<<6`;
    expect(detect(td2, { types: ['mrz'] })).toEqual([
      { type: 'mrz', value: td2, score: 1, subtype: 'td2' },
    ]);
    const crlf = td3.replace('\n', '\r\n');
    expect(valuesOf(`скан\r\n${crlf}\r\nконец`, 'mrz')).toEqual([crlf]);
    const line2 = td3.split('\n')[1]!;
    expect(detect(`данные ${line2}.`, { types: ['mrz'] })).toEqual([
      { type: 'mrz', value: line2, score: 1, subtype: 'td3' },
    ]);
  });

  it('drops a data line when any check digit fails, or when it touches a letter or digit', () => {
    const line2 = td3.split('\n')[1]!;
    // Document number, birth date, expiry date and composite check digits in turn.
    for (const [at, digit] of [
      [9, '7'],
      [19, '3'],
      [27, '8'],
      [43, '1'],
    ] as const) {
      const broken = line2.slice(0, at) + digit + line2.slice(at + 1);
      expect(valuesOf(broken, 'mrz')).toEqual([]);
    }
    expect(valuesOf(`x${line2}`, 'mrz')).toEqual([]);
    expect(valuesOf(`${line2}x`, 'mrz')).toEqual([]);
    expect(valuesOf(`<${line2}`, 'mrz')).toEqual([]);
    const td1Line2 = td1.split('\n')[1]!;
    expect(valuesOf(td1Line2, 'mrz')).toEqual([td1Line2]);
    expect(valuesOf(td1Line2.replace('7408122', '7408121'), 'mrz')).toEqual([]);
    expect(valuesOf(td1Line2.replace('1204159', '1204158'), 'mrz')).toEqual([]);
    expect(valuesOf(`9${td1Line2}`, 'mrz')).toEqual([]);
  });

  it('widens a zone only over neighbouring lines of the same width and alphabet', () => {
    const [line1, line2] = td3.split('\n') as [string, string];
    // A shorter line, a line with lower case, or a line not starting at a line start stays out.
    expect(valuesOf(`${line1.slice(1)}\n${line2}`, 'mrz')).toEqual([line2]);
    expect(valuesOf(`${line1.toLowerCase()}\n${line2}`, 'mrz')).toEqual([line2]);
    expect(valuesOf(`a ${line1}\n${line2}`, 'mrz')).toEqual([line2]);
    expect(valuesOf(`a\n${line1}\n${line2}`, 'mrz')).toEqual([td3]);
    expect(valuesOf(`${line2}\n${line1.slice(1)}`, 'mrz')).toEqual([line2]);
    expect(valuesOf(`${line2}\n${line1}x`, 'mrz')).toEqual([line2]);
    expect(valuesOf(`${line2}\n${line1}\nnext`, 'mrz')).toEqual([`${line2}\n${line1}`]);
    // TD1: at most two lines on each side of the data line.
    const [a, b, c] = td1.split('\n') as [string, string, string];
    expect(valuesOf(`${c}\n${a}\n${b}\n${c}\n${a}`, 'mrz')).toEqual([
      `${c}\n${a}\n${b}\n${c}\n${a}`,
    ]);
    expect(valuesOf(`${a}\n${c}\n${a}\n${b}\n${c}\n${a}\n${c}`, 'mrz')).toEqual([
      `${c}\n${a}\n${b}\n${c}\n${a}`,
    ]);
  });

  it('computes 7-3-1 check digits', () => {
    expect(mrzCheckDigit('L898902C3')).toBe(6);
    expect(mrzCheckDigit('740812')).toBe(2);
  });
});
