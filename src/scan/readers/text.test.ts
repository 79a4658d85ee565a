import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatWords, validCard, validIban, validIin } from '../test-support/arbitraries.js';
import { readAll } from '../test-support/reader.js';
import { createTextReader } from './text.js';

const SMALL_WINDOWS = { window: 96, overlap: 48, context: 24 };
const CHECKSUMMED = ['iin', 'bin', 'iban', 'card'] as const;

describe('plain-text reader', () => {
  it('gives line and column (in characters) of each finding', () => {
    const { findings } = readAll((ctx) => createTextReader(ctx), 'Сәлем!\nИИН: 900515201238\n');
    expect(findings.map((f) => [f.type, f.location.line, f.location.column, f.masked])).toEqual([
      ['iin', 2, 6, '9005********'],
    ]);
  });

  it('redacts in place and leaves everything else byte for byte', () => {
    const text = 'Привет\r\nкарта 4400 4301 2345 6789, ИИН 900515201238\r\nпока';
    const { redacted } = readAll((ctx) => createTextReader(ctx), text);
    expect(redacted).toBe('Привет\r\nкарта 4400 **** **** ****, ИИН 9005********\r\nпока');
  });

  it('never loses or duplicates a match at a window or chunk boundary (property)', () => {
    const line = fc
      .tuple(chatWords, fc.oneof(validIin, validIban, validCard), chatWords)
      .map(([a, v, b]) => [...a, v, ...b].join(' '));
    const document = fc.tuple(
      fc.array(line, { minLength: 1, maxLength: 12 }),
      fc.constantFrom('\n', ' '),
    );
    const pieces = fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(document, pieces, ([lines, joiner], sizes) => {
        const text = lines.join(joiner);
        const whole = readAll((ctx) => createTextReader(ctx), text, { types: CHECKSUMMED });
        const split = readAll((ctx) => createTextReader(ctx, SMALL_WINDOWS), text, {
          types: CHECKSUMMED,
          pieces: sizes,
        });
        const key = (f: (typeof whole.findings)[number]) =>
          `${f.type}@${f.location.offset}@${f.location.line}`;
        expect(split.findings.map(key)).toEqual(whole.findings.map(key));
        expect(split.redacted).toBe(whole.redacted);
      }),
      { numRuns: 200 },
    );
  });
});
