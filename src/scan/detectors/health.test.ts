import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import { toByteString } from '../bytes.js';
import { detect, valuesOf } from '../test-support/detect.js';
import { WEAK_HEALTH_TERMS, findWeak, isTermStart } from './health.js';
import { termsSource } from './terms.js';

/** Weak terms the plain way: the sticky regex tried at every word start in turn. */
function weakAtEveryStart(text: string, from: number, to: number, resume: number): number[] {
  const sticky = new RegExp(termsSource(WEAK_HEALTH_TERMS), 'y');
  const spans: number[] = [];
  for (let p = Math.max(from, resume); p < to && p < text.length; p++) {
    if (!isTermStart(text, p)) continue;
    sticky.lastIndex = p;
    if (!sticky.test(text)) continue;
    spans.push(p, sticky.lastIndex);
    p = sticky.lastIndex - 1;
  }
  return spans;
}

describe('health detector', () => {
  it('finds health terms in Russian, Kazakh and English, in any usual case', () => {
    const text =
      'Диагноз: ОРВИ. Больничный лист. Справка 086/у. ВИЧ. Мүгедектік тобы. Емханаға бару. Sick leave, HIV test.';
    expect(valuesOf(text, 'health')).toEqual([
      'Диагноз',
      'Больничный',
      'Справка',
      '086/у',
      'ВИЧ',
      'Мүгедектік',
      'Емханаға',
      'Sick leave',
      'HIV',
    ]);
  });

  it('finds multi-word terms across white space', () => {
    expect(valuesOf('еңбекке уақытша жарамсыздық парағы', 'health')).toEqual([
      'еңбекке уақытша жарамсыздық парағы',
    ]);
    expect(valuesOf('лист временной\nнетрудоспособности', 'health')).toEqual([
      'лист временной\nнетрудоспособности',
    ]);
  });

  it('takes ICD-10 codes only near a health word, with Cyrillic look-alike letters', () => {
    expect(valuesOf('диагноз J45.0 и Е11', 'health')).toEqual(['диагноз', 'J45.0', 'Е11']);
    expect(valuesOf('кабинет J45, корпус B12', 'health')).toEqual([]);
  });

  it('counts ambiguous words only next to another health word', () => {
    expect(valuesOf('анализы данных готовы', 'health')).toEqual([]);
    expect(
      detect('сдать анализы для больничного', { types: ['health'] }).map((d) => d.value),
    ).toEqual(['анализы', 'больничного']);
  });

  it('does not match inside words', () => {
    expect(valuesOf('Иванович, спидометр, вичуга', 'health')).toEqual([]);
    expect(valuesOf('5диагноз, Nдиагноз, әдиагноз', 'health')).toEqual([]);
  });

  it('finds a term right after any punctuation, a no-break space or U+202F', () => {
    expect(valuesOf('справка,диагноз;больничный', 'health')).toEqual([
      'справка',
      'диагноз',
      'больничный',
    ]);
    expect(valuesOf('—ВИЧ, [диагноз], №прививка, «Диагноз»', 'health')).toEqual([
      'ВИЧ',
      'диагноз',
      'прививка',
      'Диагноз',
    ]);
    expect(valuesOf('есть\u00a0диагноз и\u202fбольничный, sick\u00a0leave', 'health')).toEqual([
      'диагноз',
      'больничный',
      'sick\u00a0leave',
    ]);
  });

  it('finds weak terms near a strong one exactly where a try at every word start does (property)', () => {
    const piece = fc.constantFrom(
      ...WEAK_HEALTH_TERMS.map((t) => t.replace('~', 'ы')),
      'Анализы',
      'ВРАЧ',
      'анализ',
      'бауру',
      'аурухана',
      'справкасы',
      'doctors',
      'aids',
      'raids',
      ' ',
      ', ',
      '«',
      '\u00a0',
      'x',
      'ж',
      '5',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.nat(200),
        fc.nat(200),
        fc.nat(50),
        (pieces, a, b, r) => {
          const text = toByteString(pieces.join(''));
          // Bounds inside the text, so that they often fall on a term's first byte.
          const [x, y] = [a % (text.length + 2), b % (text.length + 2)];
          const [from, to] = x <= y ? [x, y] : [y, x];
          const spans: number[] = [];
          findWeak(text, from, to, r, spans);
          expect(spans).toEqual(weakAtEveryStart(text, from, to, r));
        },
      ),
      { numRuns: propertyRuns(2000) },
    );
  });
});
