import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import {
  referenceIsBin,
  referenceIsIin,
  twelveDigitCandidates,
} from '../../../test/support/kz-identifiers.js';
import { valuesOf, detect } from '../test-support/detect.js';

describe('IIN and BIN detector', () => {
  it('finds IINs proved by their check digit, including the second-pass case', () => {
    expect(valuesOf('ИИН 900515201238, ЖСН: 850412100405', 'iin')).toEqual([
      '900515201238',
      '850412100405',
    ]);
  });

  it('drops twelve digits whose check digit, date or century is wrong', () => {
    expect(valuesOf('900515201239 901315201238 900515701238', 'iin')).toEqual([]);
  });

  it('finds none of the ten numbers with the never-issued prefix 85041210048 (10 on both passes)', () => {
    const text = Array.from({ length: 10 }, (_, k) => `ИИН 85041210048${k}`).join('; ');
    expect(detect(text, { types: ['iin', 'bin'] })).toEqual([]);
  });

  it('does not map a check value of 10 to 0', () => {
    expect(valuesOf('ИИН 850412100400', 'iin')).toEqual([]);
    expect(valuesOf('ИИН 850412100405', 'iin')).toEqual(['850412100405']);
  });

  it('reports exactly the twelve-digit numbers the independent reference accepts (property)', () => {
    fc.assert(
      fc.property(twelveDigitCandidates, (s) => {
        const found = detect(`номер ${s} ок`, { types: ['iin', 'bin'] });
        const expected = referenceIsIin(s) ? 'iin' : referenceIsBin(s) ? 'bin' : null;
        expect(found).toEqual(expected === null ? [] : [{ type: expected, value: s, score: 1 }]);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('tells a BIN from an IIN by digit 5', () => {
    expect(detect('БИН 940140000385 ИИН 900515201238', { types: ['iin', 'bin'] })).toEqual([
      { type: 'bin', value: '940140000385', score: 1 },
      { type: 'iin', value: '900515201238', score: 1 },
    ]);
  });

  it('needs Unicode boundaries: no match glued to Cyrillic letters or inside longer numbers', () => {
    expect(valuesOf('иин900515201238', 'iin')).toEqual([]);
    expect(valuesOf('9005152012381', 'iin')).toEqual([]);
    expect(valuesOf('«900515201238»', 'iin')).toEqual(['900515201238']);
    expect(valuesOf('ЖСН:900515201238.', 'iin')).toEqual(['900515201238']);
  });
});
