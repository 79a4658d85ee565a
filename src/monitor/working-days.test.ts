/**
 * The days of an operator's working hours: input listing a day twice is refused (the store, with
 * core's `firstRepeat`); stored hours are read as the set of days they name, whatever an older row
 * holds (`daysOf`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstRepeat } from '../core/repeats.js';
import { dayName, daysOf } from './reference.js';

const day = fc.integer({ min: 1, max: 7 });

describe('daysOf', () => {
  it('reads any stored list as its set of days in week order', () => {
    fc.assert(
      fc.property(fc.array(day, { maxLength: 20 }), (days) => {
        const read = daysOf(days);
        expect(firstRepeat(read)).toBeNull();
        expect(read).toEqual([...read].sort((a, b) => a - b));
        expect(new Set(read)).toEqual(new Set(days));
      }),
    );
  });
});

it('dayName says which weekday an ISO number is', () => {
  expect([1, 7].map(dayName)).toEqual(['1 (Monday)', '7 (Sunday)']);
});
