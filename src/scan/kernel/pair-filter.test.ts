import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strongTermPrefixes } from '../detectors/health.js';
import { pairTables } from './pair-filter.js';

const passes = (tables: ReturnType<typeof pairTables>, word: Uint8Array) =>
  ((tables.second[word[1]! & 63] ?? 0) & (tables.fourth[(word[3] ?? 0) & 63] ?? 0)) !== 0;

describe('pair filter of the byte kernel', () => {
  it('lets through every word that begins with a registered term start (property)', () => {
    const prefix = fc.uint8Array({ minLength: 3, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(prefix, { minLength: 1, maxLength: 200 }),
        fc.uint8Array({ maxLength: 4 }),
        (prefixes, tail) => {
          const tables = pairTables(prefixes);
          for (const p of prefixes) {
            // A word is the term start followed by anything (a three-byte start by any byte).
            const word = Uint8Array.from([...p, ...tail, 0]);
            expect(passes(tables, word)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops most word starts that no health term shares its first two letters with', () => {
    const tables = pairTables(strongTermPrefixes());
    const words = ['рахмет', 'когда', 'нужно', 'сегодня', 'hello', 'және', 'бүгін', 'where'];
    const dropped = words.filter((w) => !passes(tables, Buffer.from(w)));
    expect(dropped.length).toBeGreaterThanOrEqual(6);
    for (const term of ['диагноз', 'больничный', 'мүгедек', 'ВИЧ', 'hiv', 'Sick leave'])
      expect(passes(tables, Buffer.from(term))).toBe(true);
  });
});
