import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';

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
});
