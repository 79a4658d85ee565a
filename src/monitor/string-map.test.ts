import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { stringHash, StringMap } from './string-map.js';

type Op =
  | { readonly kind: 'set'; readonly key: string; readonly value: number }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'clear' };

const key = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `k-${n}`) },
  { weight: 1, arbitrary: fc.string() },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('StringMap', () => {
  it('answers as Map does after any sequence of sets, deletes and clears', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new StringMap<number>();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.key, o.value);
            model.set(o.key, o.value);
          } else if (o.kind === 'delete') expect(map.delete(o.key)).toBe(model.delete(o.key));
          else {
            map.clear();
            model.clear();
          }
          expect(map.size).toBe(model.size);
          if (o.kind !== 'clear') {
            expect(map.get(o.key)).toBe(model.get(o.key));
            expect(map.has(o.key)).toBe(model.has(o.key));
          }
        }
        // Every key ever named, present or not, and the full contents.
        for (const o of ops) if (o.kind !== 'clear') expect(map.get(o.key)).toBe(model.get(o.key));
        const entries: [string, number][] = [];
        map.forEach((value, k) => entries.push([k, value]));
        expect(new Map(entries)).toEqual(model);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps a large table exact through growth and deletions (collisions in the low bits included)', () => {
    const map = new StringMap<number>();
    for (let i = 0; i < 50_000; i += 1) map.set(`psn-${i}`, i);
    for (let i = 0; i < 50_000; i += 2) expect(map.delete(`psn-${i}`)).toBe(true);
    expect(map.size).toBe(25_000);
    for (let i = 0; i < 50_000; i += 1)
      expect(map.get(`psn-${i}`)).toBe(i % 2 === 1 ? i : undefined);
    // Equal texts built apart hash alike; the hash is never 0 (the empty-slot mark).
    expect(stringHash(['psn', '7'].join('-'))).toBe(stringHash('psn-7'));
    expect(stringHash('')).not.toBe(0);
  });
});
