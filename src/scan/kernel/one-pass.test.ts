import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toByteString } from '../bytes.js';
import { STRONG_HEALTH_TERMS, WEAK_HEALTH_TERMS } from '../detectors/health.js';
import { DETECTORS } from '../detectors/index.js';
import { findCandidates, wantedFor } from '../find-candidates.js';
import {
  breakCard,
  breakCheckDigit,
  breakIban,
  printedCard,
  validBin,
  validIban,
  validIin,
} from '../test-support/arbitraries.js';
import { referenceCandidates } from '../test-support/reference.js';
import { WORDS } from '../test-support/text.js';
import { PII_TYPES } from '../types.js';

const wanted = wantedFor(DETECTORS, new Set(PII_TYPES));

/** Terms as people write them: as listed, Capitalised, in capitals, with an ending. */
const term = fc
  .tuple(
    fc.constantFrom(...STRONG_HEALTH_TERMS, ...WEAK_HEALTH_TERMS),
    fc.constantFrom('as is', 'capital', 'upper'),
    fc.constantFrom('', 'а', 'ы', 'ом', 's', 'ге'),
  )
  .map(([t, form, ending]) => {
    const plain = t.replace(/~/g, ending);
    if (form === 'upper') return plain.toUpperCase();
    return form === 'capital' ? plain.charAt(0).toUpperCase() + plain.slice(1) : plain;
  });

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS.kk, ...WORDS.ru, ...WORDS.en, ...WORDS.noise) },
  { weight: 3, arbitrary: term },
  { weight: 1, arbitrary: validIin },
  { weight: 1, arbitrary: validIin.map(breakCheckDigit) },
  { weight: 1, arbitrary: validBin },
  { weight: 1, arbitrary: validIban },
  { weight: 1, arbitrary: validIban.map(breakIban) },
  { weight: 1, arbitrary: printedCard },
  { weight: 1, arbitrary: printedCard.map(breakCard) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '+7 701 123 45 67',
      '87051234567',
      'aigerim.n@mail.kz',
      'a@b',
      '10.2.3.4',
      '1.2.3.4.5',
      '2001:db8::1',
      '12:30',
      'J45.0',
      'Е11',
      'N12345678',
      'Н12345678',
      '043218765',
      '123 ABC 02',
      '1HGCM82633A004352',
      'P<KAZ',
      '\nP<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n',
      '№5',
      'ИИН',
      'тел.',
      'удостоверение',
    ),
  },
);

/** Separators, including none (glued words), punctuation, no-break spaces and typographic marks. */
const separator = fc.constantFrom(
  ' ',
  ' ',
  ' ',
  ', ',
  ',',
  '\n',
  '\u00a0',
  '\u202f',
  '«',
  '» ',
  '—',
  '(',
  '"',
  '.',
  ':',
  '/',
  '-',
  '',
  '5',
  '№',
);

const chatText = fc
  .array(fc.tuple(token, separator), { maxLength: 40 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

describe('one-pass candidate finding (byte kernel)', () => {
  it('finds exactly what the straightforward reference finds, on random kk/ru/en text (property)', () => {
    fc.assert(
      fc.property(chatText, (text) => {
        const bytes = toByteString(text);
        expect(findCandidates(bytes, wanted)).toEqual(referenceCandidates(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the reference across the kernel chunk boundaries of a long text', () => {
    const parts = fc.sample(fc.tuple(token, separator), { numRuns: 40_000, seed: 20261125 });
    const bytes = toByteString(parts.map(([t, s]) => t + s).join(''));
    expect(bytes.length).toBeGreaterThan(3 * 65_536);
    const found = findCandidates(bytes, wanted);
    expect(found.length).toBeGreaterThan(1000);
    expect(found).toEqual(referenceCandidates(bytes));
  });
});
