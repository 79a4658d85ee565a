import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBin,
  checkIin,
  computeCheckDigit,
  isBinAt,
  isIinAt,
  isValidBin,
  isValidIin,
  withCheckDigit,
} from './identifiers.js';

/** A straightforward restatement of DOMAIN.md §1 to check the optimised code against. */
function referenceCheckDigit(prefix: string): number | null {
  const d = [...prefix].map(Number);
  const pass = (weights: number[]) =>
    d.reduce((sum, digit, i) => sum + digit * weights[i]!, 0) % 11;
  const first = pass([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (first !== 10) return first;
  const second = pass([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return second === 10 ? null : second;
}

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Valid IINs built from parts: a real date, a century digit and a serial, completed with K. */
const validIin = fc
  .record({
    date: fc.date({
      min: new Date('1800-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    female: fc.boolean(),
    serial: digits(4),
  })
  .map(({ date, female, serial }) => {
    const year = date.getUTCFullYear();
    const century = year < 1900 ? 1 : year < 2000 ? 3 : 5;
    const yymmdd =
      String(year % 100).padStart(2, '0') +
      String(date.getUTCMonth() + 1).padStart(2, '0') +
      String(date.getUTCDate()).padStart(2, '0');
    return withCheckDigit(yymmdd + String(century + (female ? 1 : 0)) + serial);
  })
  .filter((iin): iin is string => iin !== null);

describe('IIN (DOMAIN.md §1 worked examples)', () => {
  it('accepts 900515201238: first pass 140 mod 11 = 8; digit 7 = 2 is a woman born in the 1800s', () => {
    expect(checkIin('900515201238')).toEqual({
      valid: true,
      iin: '900515201238',
      birthDate: '1890-05-15',
      sex: 'female',
    });
  });

  it('accepts 850412100405: first pass gives 10, second pass 104 mod 11 = 5', () => {
    expect(computeCheckDigit('85041210040')).toBe(5);
    expect(checkIin('850412100405')).toMatchObject({
      valid: true,
      birthDate: '1885-04-12',
      sex: 'male',
    });
  });

  it('rejects every IIN with prefix 85041210048: 10 on both passes, never issued', () => {
    expect(computeCheckDigit('85041210048')).toBeNull();
    for (let k = 0; k <= 9; k++)
      expect(checkIin(`85041210048${k}`)).toMatchObject({ valid: false, reason: 'unissued' });
    expect(withCheckDigit('85041210048')).toBeNull();
  });

  it('does not map a check value of 10 to 0', () => {
    expect(isValidIin('850412100480')).toBe(false);
  });

  it.each([
    ['90051520123', 'format'],
    ['9005152012388', 'format'],
    ['90051520123a', 'format'],
    ['９００５１５２０１２３８', 'format'],
    ['900515701238', 'century'],
    ['900515001238', 'century'],
    ['901315201238', 'date'],
    ['900532201238', 'date'],
    ['900229301234', 'date'],
    ['900515201239', 'checksum'],
  ] as const)('rejects %s with reason %s', (iin, reason) => {
    const result = checkIin(iin);
    expect(result).toMatchObject({ valid: false, reason });
    if (!result.valid) expect(result.message).not.toContain(iin);
  });

  it('knows leap years per century: 29 Feb 1900 is no date, 29 Feb 2000 is', () => {
    const iin1900 = withCheckDigit('00022930001');
    const iin2000 = withCheckDigit('00022950001');
    expect(iin1900 && checkIin(iin1900)).toMatchObject({ valid: false, reason: 'date' });
    expect(iin2000 && checkIin(iin2000)).toMatchObject({
      valid: true,
      birthDate: '2000-02-29',
      sex: 'male',
    });
  });

  it('derives sex from the parity of digit 7', () => {
    const female = withCheckDigit('95010160001');
    expect(female && checkIin(female)).toMatchObject({
      valid: true,
      sex: 'female',
      birthDate: '2095-01-01',
    });
  });
});

describe('IIN properties', () => {
  it('the check digit agrees with the reference restatement', () => {
    fc.assert(
      fc.property(
        digits(11),
        (prefix) => computeCheckDigit(prefix) === referenceCheckDigit(prefix),
      ),
    );
  });

  it('every IIN built from a real date, century and serial is valid, and the fast path agrees', () => {
    fc.assert(
      fc.property(validIin, fc.string({ maxLength: 5 }), (iin, pad) => {
        expect(checkIin(iin).valid).toBe(true);
        expect(isIinAt(pad + iin + pad, pad.length)).toBe(true);
      }),
    );
  });

  it('changing the check digit of a valid IIN makes it invalid', () => {
    fc.assert(
      fc.property(validIin, fc.integer({ min: 1, max: 9 }), (iin, delta) => {
        const mutated = iin.slice(0, 11) + String((Number(iin[11]) + delta) % 10);
        expect(isValidIin(mutated)).toBe(false);
      }),
    );
  });

  it('a single-digit change in positions 1-10 is caught whenever the first pass decides both numbers', () => {
    // Weight 11 is 0 mod 11, so position 11 alone is invisible to the first pass: a known
    // weakness of the scheme, which is why the scanner also needs context words.
    fc.assert(
      fc.property(
        validIin,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (iin, position, delta) => {
          const mutated =
            iin.slice(0, position) +
            String((Number(iin[position]) + delta) % 10) +
            iin.slice(position + 1);
          const firstPass = (s: string) =>
            [...s.slice(0, 11)].reduce((sum, d, i) => sum + Number(d) * (i + 1), 0) % 11;
          if (firstPass(iin) !== 10 && firstPass(mutated) !== 10)
            expect(isValidIin(mutated)).toBe(false);
        },
      ),
    );
  });

  it('the fast path agrees with the full validator on arbitrary 12-digit strings', () => {
    fc.assert(
      fc.property(
        digits(12),
        (s) => isIinAt(s, 0) === isValidIin(s) && isBinAt(s, 0) === isValidBin(s),
      ),
      {
        numRuns: 5000,
      },
    );
  });

  it('no 12-digit string is both an IIN and a BIN (digit 5 separates them)', () => {
    fc.assert(
      fc.property(digits(12), (s) => !(isValidIin(s) && isValidBin(s))),
      { numRuns: 5000 },
    );
  });
});

describe('BIN', () => {
  it('accepts 940140000385 (DOMAIN.md example)', () => {
    expect(checkBin('940140000385')).toEqual({
      valid: true,
      bin: '940140000385',
      registered: { yy: 94, month: 1 },
      entityType: 'resident',
      attribute: 'head-office',
    });
  });

  it.each([
    ['94014000038', 'format'],
    ['941340000385', 'month'],
    ['940040000385', 'month'],
    ['940130000385', 'type'],
    ['940174000385', 'type'],
    ['940144000385', 'attribute'],
    ['940140000386', 'checksum'],
  ] as const)('rejects %s with reason %s', (bin, reason) => {
    expect(checkBin(bin)).toMatchObject({ valid: false, reason });
  });

  it('an IIN is not a BIN', () => {
    expect(checkBin('900515201238')).toMatchObject({ valid: false });
  });
});
