import { describe, expect, it } from 'vitest';
import { iinProblem } from './iin';

describe('the console’s IIN check', () => {
  it('accepts a valid IIN and names each reason for a wrong one', () => {
    expect(iinProblem('900515201238')).toBeUndefined();
    expect(iinProblem('900515201239')).toBe('checksum');
    expect(iinProblem('90051520123')).toBe('format');
    expect(iinProblem('9005152012a8')).toBe('format');
    expect(iinProblem(' 900515201238')).toBe('format');
    expect(iinProblem('900515701238')).toBe('century');
    expect(iinProblem('900230201238')).toBe('date');
  });

  it('knows 29 February only in leap years, in the century digit 7 encodes', () => {
    /** An IIN of someone born on 29 February of the year 00 in the century of `digit`. */
    const leapDay = (digit: number) => {
      // The date is checked before the check digit: any last digit shows a wrong date; for a
      // right one, the first last digit that passes.
      for (let last = 0; last < 100_000; last++) {
        const iin = `000229${digit}${String(last).padStart(5, '0')}`;
        if (iinProblem(iin) !== 'checksum' && iinProblem(iin) !== 'unissued') return iin;
      }
      throw new Error('no issued number');
    };
    // 2000 is a leap year (digits 5, 6); 1900 and 1800 are not (3, 4; 1, 2).
    expect(iinProblem(leapDay(5))).toBeUndefined();
    expect(iinProblem(leapDay(6))).toBeUndefined();
    for (const digit of [1, 2, 3, 4]) expect(iinProblem(leapDay(digit))).toBe('date');
  });
});
