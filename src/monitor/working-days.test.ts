/**
 * The days of an operator's working hours: input listing a day twice is refused, naming the
 * repeat and the day's first place (`repeatedDay`); stored hours are read as the set of days they
 * name, whatever an older row holds (`daysOf`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayName, daysOf, repeatedDay } from './reference.js';

const day = fc.integer({ min: 1, max: 7 });

describe('repeatedDay', () => {
  it('names the first day listed again and where it was first', () => {
    expect(repeatedDay([1, 2, 3, 4, 5])).toBeNull();
    expect(repeatedDay([])).toBeNull();
    expect(repeatedDay([1, 1])).toEqual({ index: 1, first: 0 });
    expect(repeatedDay([5, 1, 2, 1, 5])).toEqual({ index: 3, first: 1 });
    expect(repeatedDay([7, 6, 5, 4, 3, 2, 1, 7])).toEqual({ index: 7, first: 0 });
  });

  it('finds a repeat exactly when the list is not a set, at its first repeat', () => {
    fc.assert(
      fc.property(fc.array(day, { maxLength: 12 }), (days) => {
        const repeat = repeatedDay(days);
        if (new Set(days).size === days.length) return repeat === null;
        if (repeat === null) return false;
        const { index, first } = repeat;
        return (
          first < index &&
          days[first] === days[index] &&
          days.indexOf(days[index]!) === first &&
          // Nothing before `index` repeats.
          new Set(days.slice(0, index)).size === index
        );
      }),
    );
  });
});

describe('daysOf', () => {
  it('reads any stored list as its set of days in week order', () => {
    fc.assert(
      fc.property(fc.array(day, { maxLength: 20 }), (days) => {
        const read = daysOf(days);
        expect(repeatedDay(read)).toBeNull();
        expect(read).toEqual([...read].sort((a, b) => a - b));
        expect(new Set(read)).toEqual(new Set(days));
      }),
    );
  });
});

it('dayName says which weekday an ISO number is', () => {
  expect([1, 7].map(dayName)).toEqual(['1 (Monday)', '7 (Sunday)']);
});
