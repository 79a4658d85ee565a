import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';
import { vinCheckCharacter } from './vehicle.js';

describe('car plate detector', () => {
  it('finds 2012-format plates, with Cyrillic look-alike letters', () => {
    expect(valuesOf('госномер 123 ABC 02, 777КРА05', 'plate')).toEqual(['123 ABC 02', '777КРА05']);
  });

  it('rejects regions above 20, currency codes, and two-letter series without context', () => {
    expect(valuesOf('123 ABC 21, 100 KZT 05, 123 AB 02', 'plate')).toEqual([]);
    expect(valuesOf('номер машины 123 AB 02', 'plate')).toEqual(['123 AB 02']);
  });
});

describe('VIN detector', () => {
  it('validates North American VINs by their check digit', () => {
    expect(vinCheckCharacter('1HGCM82633A004352')).toBe('3');
    expect(detect('VIN 1HGCM82633A004352', { types: ['vin'] })).toEqual([
      { type: 'vin', value: '1HGCM82633A004352', score: 1, subtype: 'north-america' },
    ]);
    expect(valuesOf('1HGCM82643A004352', 'vin')).toEqual([]);
  });

  it('finds other VINs by shape (letters in the maker code, a numeric serial)', () => {
    expect(valuesOf('кузов XTA210930Y2766789', 'vin')).toEqual(['XTA210930Y2766789']);
    expect(valuesOf('12345678901234567 ABCDEFGHJKLMNPRST', 'vin')).toEqual([]);
  });
});

describe('VIN edges', () => {
  // Check characters computed by hand from ISO 3779's letter values (P = 7, R = 9, S = 2 … Z = 9)
  // and weights; 1M8GDM9AXKP042788 is the usual worked example with the check character X.
  const valid = [
    '1PRSTUVW4XYZ12345',
    '5RSTUVWX2YZ123456',
    '1ZYXWVUT3SRP98765',
    '3ABCDEFG3H1234567',
    '4JKLMNPR1S1234567',
    '1M8GDM9AXKP042788',
  ];

  it('checks the North American check character over every letter value', () => {
    expect(valid.map(vinCheckCharacter)).toEqual(valid.map((v) => v[8]));
    for (const vin of valid) {
      expect(detect(vin, { types: ['vin'] })).toEqual([
        { type: 'vin', value: vin, score: 1, subtype: 'north-america' },
      ]);
      // One wrong character in the body fails the check.
      const broken = vin.slice(0, 16) + (vin[16] === '9' ? '8' : '9');
      expect(valuesOf(broken, 'vin')).toEqual([]);
    }
  });

  it('takes exactly 17 bounded VIN characters ending in a serial of four or more digits', () => {
    const vin = '1M8GDM9AXKP042788';
    expect(valuesOf(`A${vin}`, 'vin')).toEqual([]);
    expect(valuesOf(`${vin}A`, 'vin')).toEqual([]);
    expect(valuesOf(`${vin}я`, 'vin')).toEqual([]);
    expect(valuesOf(`я${vin}`, 'vin')).toEqual([]);
    expect(valuesOf(`-${vin}-`, 'vin')).toEqual([vin]);
    expect(valuesOf(vin.slice(1), 'vin')).toEqual([]);
    // I, O and Q are not VIN characters; a serial of three digits is too short.
    expect(valuesOf('XTAI10930Y2766789 XTA2109300Y27A789', 'vin')).toEqual([]);
    expect(valuesOf('XTA21093ZY2766789', 'vin')).toEqual(['XTA21093ZY2766789']);
  });

  it('reads VINs starting 6 or later by shape: a letter among the first three', () => {
    expect(detect('6TA210930Y2766789', { types: ['vin'] })).toEqual([
      { type: 'vin', value: '6TA210930Y2766789', score: 0.5 },
    ]);
    expect(detect('62A210930Y2766789', { types: ['vin'] })).toEqual([
      { type: 'vin', value: '62A210930Y2766789', score: 0.5 },
    ]);
    expect(valuesOf('623210930Y2766789', 'vin')).toEqual([]);
    expect(valuesOf('WVW21093012766789', 'vin')).toEqual(['WVW21093012766789']);
  });
});

describe('plate edges', () => {
  it('takes regions 01 to 20 and series of Latin A to Z', () => {
    expect(valuesOf('123 AAA 01, 456 ZZZ 20, 789AZA15', 'plate')).toEqual([
      '123 AAA 01',
      '456 ZZZ 20',
      '789AZA15',
    ]);
    expect(valuesOf('123 AAA 00, 123 ZZZ 21, 123 AAA 1, 123 aaa 02', 'plate')).toEqual([]);
    expect(valuesOf('x123 AAA 02, 123 AAA 02x', 'plate')).toEqual([]);
    expect(detect('123 ABC 02', { types: ['plate'] })).toEqual([
      { type: 'plate', value: '123 ABC 02', score: 0.5 },
    ]);
  });
});
