/**
 * The fast canonical JSON path (shape cache, unescaped plain strings, ToString for numbers) must
 * give exactly what the reference walk gives: the same string, or the same error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonValue, canonicalJson, referenceCanonicalJson } from './canonical-json.js';

type Outcome = { ok: string } | { error: string };

function outcome(run: () => string): Outcome {
  try {
    return { ok: run() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function sameAsReference(value: unknown): void {
  const expected = outcome(() => referenceCanonicalJson(value as JsonValue));
  expect(outcome(() => canonicalJson(value as JsonValue))).toEqual(expected);
}

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: codeUnit }),
  fc.constantFrom('', '"', '\\', '\u2028', '\u007f', 'é', 'Қазақстан', '\ud83d\ude00', '\ud800'),
);
/** A small key vocabulary, so objects repeat shapes and the shape cache is hit. */
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'n', 'decision', 'é', '\ud83d\ude00', '1', '10', '', 'toJSON'),
  anyString,
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER + 2),
);
const oddity = fc.constantFrom<unknown>(
  undefined,
  10n,
  () => 1,
  Symbol('s'),
  new Date(0),
  new Map(),
  Object.create(null) as unknown,
);

const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    anyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6, noNullPrototype: false }),
    oddity,
  ),
})).value;

describe('canonical JSON fast path', () => {
  it('equals the reference on arbitrary JSON values (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), sameAsReference), { numRuns: 2000 });
  });

  it('equals the reference, errors included, on arbitrary values (property)', () => {
    fc.assert(fc.property(value, sameAsReference), { numRuns: 3000 });
  });

  it('equals the reference on the same shapes with other values, in any key order', () => {
    const record = (n: number) => ({
      decision: 'permit',
      n,
      tags: ['x', n],
      nested: { b: n, a: 1 },
    });
    for (let n = 0; n < 50; n++) {
      sameAsReference(record(n));
      sameAsReference(Object.fromEntries(Object.entries(record(n)).reverse()));
      sameAsReference({ ...record(n), decision: n % 2 === 0 ? undefined : 'deny' });
    }
  });

  it('stays exact when one first key starts more shapes than are cached', () => {
    for (let i = 0; i < 40; i++) {
      const shape = Object.fromEntries([
        ['first', i],
        ...[...'zyxwvu'].slice(0, i % 7).map((k) => [k + String(i), k]),
      ]);
      sameAsReference(shape);
      sameAsReference(shape);
    }
  });

  it('refuses deep nesting and lone surrogates in keys as the reference does', () => {
    sameAsReference(JSON.parse('['.repeat(40) + ']'.repeat(40)));
    sameAsReference({ ['\udc00']: 1 });
    sameAsReference({ a: [1, { b: Number.NaN }] });
  });
});
