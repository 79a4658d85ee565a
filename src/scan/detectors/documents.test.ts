import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';
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

  it('computes 7-3-1 check digits', () => {
    expect(mrzCheckDigit('L898902C3')).toBe(6);
    expect(mrzCheckDigit('740812')).toBe(2);
  });
});
