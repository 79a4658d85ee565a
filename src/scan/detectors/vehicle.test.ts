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
