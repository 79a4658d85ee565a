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
  { weight: 1, arbitrary: validIban.map((iban) => iban.match(/.{1,4}/g)!.join(' ')) },
  { weight: 1, arbitrary: printedCard },
  { weight: 1, arbitrary: printedCard.map(breakCard) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '+7 701 123 45 67',
      '87051234567',
      '87011 23 45 67',
      '+7 (785) 123 45 67',
      '123AAE05',
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
      '123АВС02',
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
  '҂', // U+0482, a sign whose lead byte D2 is shared with Kazakh letters
  'ғ', // U+0493, a Kazakh letter (D2 93): no word start after it
  'ә', // U+04D9 (D3 99)
);

const chatText = fc
  .array(fc.tuple(token, separator), { maxLength: 40 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

/**
 * Text made of what dots and colons sit between in chat and in addresses — digits, hex letters,
 * dots, colons, spaces and a few letters — so that IPv4 and IPv6 shapes, near misses, dates and
 * times are dense: the kernel drops most dots and colons before they reach JavaScript.
 */
const ipLikeText = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'0123456789') },
      { weight: 3, arbitrary: fc.constantFrom('.', ':') },
      { weight: 2, arbitrary: fc.constantFrom(...'abcdefABCDEF') },
      { weight: 1, arbitrary: fc.constantFrom(' ', '\n', 'x', 'ж', '-', '/', '::', '255.', '.1') },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            ...Array.from({ length: 4 }, () =>
              fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 300 })),
            ),
          )
          .map((octets) => octets.join('.')),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 8 })
          .map((groups) => groups.map((g) => g.toString(16)).join(':')),
      },
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

describe('one-pass candidate finding (byte kernel)', () => {
  it('drops no IP address the reference finds: dots and colons narrowed in the kernel (property)', () => {
    fc.assert(
      fc.property(ipLikeText, (text) => {
        const bytes = toByteString(text);
        const ips = (list: readonly { type: string }[]) => list.filter((c) => c.type === 'ip');
        const expected = referenceCandidates(bytes);
        expect(ips(findCandidates(bytes, wanted))).toEqual(ips(expected));
        expect(findCandidates(bytes, wanted)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the addresses among dates, times and versions', () => {
    const text = toByteString(
      '12.05.2024 в 12:30, v1.2.3, сервер 10.20.30.40 и 2001:db8::8a2e:370:7334; 1.2.3.4.5 12:30:45',
    );
    const found = findCandidates(text, wanted).filter((c) => c.type === 'ip');
    expect(found.map((c) => text.slice(c.start, c.end))).toEqual([
      '10.20.30.40',
      '2001:db8::8a2e:370:7334',
    ]);
  });

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
