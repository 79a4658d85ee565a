import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import {
  breakCard,
  breakCheckDigit,
  breakIban,
  chatWords,
  printedCard,
  validBin,
  validCard,
  validIban,
  validIin,
} from '../test-support/arbitraries.js';
import { detect } from '../test-support/detect.js';
import type { PiiType } from '../types.js';

/** `value` between two runs of chat words. */
const embedded = (value: fc.Arbitrary<string>) =>
  fc.tuple(chatWords, value, chatWords).map(([before, v, after]) => ({
    value: v,
    text: [...before, v, ...after].join(' '),
  }));

const found = (text: string, type: PiiType) =>
  detect(text, { types: [type] })
    .filter((d) => d.type === type)
    .map((d) => d.value);

describe('checksummed identifiers in kk/ru/en text (property)', () => {
  const cases: [PiiType, fc.Arbitrary<string>, (v: string) => string][] = [
    ['iin', validIin, breakCheckDigit],
    ['bin', validBin, breakCheckDigit],
    ['iban', validIban, breakIban],
    ['card', validCard, breakCard],
  ];
  for (const [type, valid, broken] of cases) {
    it(`finds every valid ${type}`, () => {
      fc.assert(
        fc.property(embedded(valid), ({ value, text }) => {
          expect(found(text, type)).toContain(value);
        }),
        { numRuns: propertyRuns(300) },
      );
    });

    it(`never reports a ${type} with a broken check digit`, () => {
      fc.assert(
        fc.property(embedded(valid.map(broken)), ({ value, text }) => {
          expect(found(text, type)).not.toContain(value);
        }),
        { numRuns: propertyRuns(300) },
      );
    });
  }

  it('finds cards written compact, with spaces or with dashes', () => {
    fc.assert(
      fc.property(embedded(printedCard), ({ value, text }) => {
        expect(found(text, 'card')).toContain(value);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
