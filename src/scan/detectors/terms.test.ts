import { describe, expect, it } from 'vitest';
import { fromByteString, toByteString } from '../bytes.js';
import { literalPrefixes, termsSource } from './terms.js';

/** Whether the compiled `terms` match the whole of `text`. */
function matchesAll(terms: readonly string[], text: string): boolean {
  return new RegExp(`^(?:${termsSource(terms)})$`).test(toByteString(text));
}

describe('term lists compiled to byte regexes', () => {
  it('matches a term as written, Capitalised, and in capitals only up to five letters', () => {
    expect(['hiv', 'Hiv', 'HIV', 'hIV'].map((t) => matchesAll(['hiv'], t))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(matchesAll(['abcde'], 'ABCDE')).toBe(true);
    expect(matchesAll(['abcdef'], 'ABCDEF')).toBe(false);
    expect(matchesAll(['abcdef'], 'Abcdef')).toBe(true);
    // Digits and signs do not count as letters: «мкб-10» has three.
    expect(matchesAll(['мкб-10'], 'МКБ-10')).toBe(true);
  });

  it('reads a space as any run of white space and `~` as any word ending', () => {
    expect(matchesAll(['sick leave'], 'sick \t\n\u00a0leave')).toBe(true);
    expect(matchesAll(['sick leave'], 'sickleave')).toBe(false);
    expect(matchesAll(['диагноз~'], 'диагнозами')).toBe(true);
    expect(matchesAll(['диагноз~'], 'диагноз')).toBe(true);
    expect(matchesAll(['диагноз'], 'диагнозы')).toBe(false);
  });

  it('matches punctuation and control characters literally', () => {
    expect(matchesAll(['a.b+c(d)'], 'a.b+c(d)')).toBe(true);
    expect(matchesAll(['a.b+c(d)'], 'axbbc(d)')).toBe(false);
    expect(matchesAll(['086/у'], '086/у')).toBe(true);
    expect(matchesAll(['a\u0003b'], 'a\u0003b')).toBe(true);
    expect(matchesAll(['a\u0003b'], 'axb')).toBe(false);
  });

  it('keeps every term of a list whose terms share a prefix, ending or not', () => {
    const terms = ['вич', 'вичуга~', 'вакцин~', 'вак'];
    for (const t of ['вич', 'вичугами', 'вакцина', 'вак']) expect(matchesAll(terms, t)).toBe(true);
    expect(matchesAll(terms, 'вичу')).toBe(false);
    expect(matchesAll(terms, 'ва')).toBe(false);
  });

  it('gives the literal start of each case variant, up to a space or an open ending', () => {
    const prefixes = literalPrefixes(['hiv', 'sick leave', 'диагноз~']).map((p) =>
      fromByteString(String.fromCharCode(...p)),
    );
    expect(prefixes).toEqual(['hiv', 'Hiv', 'HIV', 'sick', 'Sick', 'диагноз', 'Диагноз']);
  });

  it('matches a term without `~` only as a whole word when searched for inside text', () => {
    const find = (terms: readonly string[], text: string) => {
      const m = new RegExp(termsSource(terms)).exec(toByteString(text));
      return m === null ? null : fromByteString(m[0]);
    };
    expect(find(['вич'], 'вичуга, вич-инфекция')).toBe('вич');
    expect(find(['вич'], 'вичуга')).toBeNull();
    expect(find(['hiv'], 'hive HIV2')).toBeNull();
    expect(find(['больничн~'], 'взял больничный лист')).toBe('больничный');
  });

  it('reads only real white space and word endings for its markers, not the bytes 0x01 and 0x02', () => {
    // The compiler marks a space and an open ending with these two bytes internally.
    expect(matchesAll(['sick leave'], 'sick\u0001leave')).toBe(false);
    expect(matchesAll(['диагноз~'], 'диагноз\u0002')).toBe(false);
    expect(matchesAll(['sick leave', 'диагноз~'], 'sick leave')).toBe(true);
  });
});
