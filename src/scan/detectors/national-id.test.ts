import { describe, expect, it } from 'vitest';
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
