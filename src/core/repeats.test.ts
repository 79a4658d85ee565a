import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstRepeat } from './repeats.js';

describe('firstRepeat', () => {
  it('names the first repeat and where its value was first listed', () => {
    expect(firstRepeat([])).toBeNull();
    expect(firstRepeat([1, 2, 3])).toBeNull();
    expect(firstRepeat([1, 1])).toEqual({ index: 1, first: 0 });
    expect(firstRepeat([5, 1, 2, 1, 5])).toEqual({ index: 3, first: 1 });
    expect(firstRepeat(['a', 'B', 'b'], (v) => v.toLowerCase())).toEqual({ index: 2, first: 1 });
    expect(firstRepeat([{ a: 1 }, { a: 1 }])).toBeNull();
    expect(firstRepeat([{ a: 1 }, { a: 1 }], (v) => JSON.stringify(v))).toEqual({
      index: 1,
      first: 0,
    });
  });

  it('agrees with the definition: the least index whose key came before, and that key’s first place', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 20 }), (values) => {
        const repeat = firstRepeat(values);
        const index = values.findIndex((v, i) => values.indexOf(v) < i);
        if (index === -1) expect(repeat).toBeNull();
        else expect(repeat).toEqual({ index, first: values.indexOf(values[index]!) });
      }),
    );
  });

  it('finds none exactly when the keys form a set', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 2 }), { maxLength: 20 }), (values) => {
        expect(firstRepeat(values) === null).toBe(new Set(values).size === values.length);
      }),
    );
  });
});
