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
  requireBin,
  requireIin,
  withCheckDigit,
} from './identifiers.js';
import { DomainError } from './errors.js';
import {
  completeWithReference,
  referenceIsBin,
  referenceIsIin,
  traceCheckDigit,
  twelveDigitCandidates,
  validBin,
  validIin,
} from '../../test/support/kz-identifiers.js';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

describe('the independent reference reproduces DOMAIN.md §1', () => {
  it('900515201238: pass 1 sum 140, 140 mod 11 = 8', () => {
    expect(traceCheckDigit('90051520123')).toEqual({
      sum1: 140,
      sum2: null,
      decidedBy: 1,
      digit: 8,
    });
    expect(referenceIsIin('900515201238')).toBe(true);
  });

  it('850412100405: pass 1 gives 10, pass 2 sum 104 -> 5', () => {
    expect(traceCheckDigit('85041210040')).toMatchObject({ sum2: 104, decidedBy: 2, digit: 5 });
    expect(traceCheckDigit('85041210040').sum1 % 11).toBe(10);
    expect(referenceIsIin('850412100405')).toBe(true);
  });

  it('prefix 85041210048 gives 10 twice: no valid IIN', () => {
    expect(traceCheckDigit('85041210048')).toMatchObject({ decidedBy: 'never', digit: null });
    for (let k = 0; k <= 9; k++) expect(referenceIsIin(`85041210048${k}`)).toBe(false);
  });

  it('940140000385 is a valid BIN and not an IIN', () => {
    expect(referenceIsBin('940140000385')).toBe(true);
    expect(referenceIsIin('940140000385')).toBe(false);
  });

  it('the generators reach the second pass at a measurable rate, and every draw is valid', () => {
    const iins = fc.sample(validIin, { numRuns: 2000, seed: 1 });
    const bins = fc.sample(validBin, { numRuns: 2000, seed: 2 });
    const secondPass = (ids: string[]) =>
      ids.filter((id) => traceCheckDigit(id.slice(0, 11)).decidedBy === 2).length / ids.length;
    // Plain prefixes reach pass 2 about 1 time in 11; a quarter of the draws are steered there.
    expect(secondPass(iins)).toBeGreaterThan(0.2);
    expect(secondPass(bins)).toBeGreaterThan(0.2);
    expect(iins.every(referenceIsIin)).toBe(true);
    expect(bins.every(referenceIsBin)).toBe(true);
    const candidates = fc.sample(twelveDigitCandidates, { numRuns: 2000, seed: 3 });
    const validShare =
      candidates.filter((s) => referenceIsIin(s) || referenceIsBin(s)).length / candidates.length;
    expect(validShare).toBeGreaterThan(0.3);
  });
});

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
    const iin1900 = completeWithReference('00022930001');
    const iin2000 = completeWithReference('00022950001');
    expect(iin1900 && checkIin(iin1900)).toMatchObject({ valid: false, reason: 'date' });
    expect(iin2000 && checkIin(iin2000)).toMatchObject({
      valid: true,
      birthDate: '2000-02-29',
      sex: 'male',
    });
  });

  it('derives sex from the parity of digit 7', () => {
    const female = completeWithReference('95010160001');
    expect(female && checkIin(female)).toMatchObject({
      valid: true,
      sex: 'female',
      birthDate: '2095-01-01',
    });
  });
});

describe('IIN properties', () => {
  it('the check digit agrees with the independent reference, on both passes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          digits(11),
          validIin.map((iin) => iin.slice(0, 11)),
        ),
        (prefix) => {
          expect(computeCheckDigit(prefix)).toBe(traceCheckDigit(prefix).digit);
          expect(withCheckDigit(prefix)).toBe(completeWithReference(prefix));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the validators agree with the reference on valid, nearly valid and arbitrary numbers', () => {
    fc.assert(
      fc.property(twelveDigitCandidates, fc.string({ maxLength: 3 }), (s, pad) => {
        expect(isValidIin(s)).toBe(referenceIsIin(s));
        expect(isValidBin(s)).toBe(referenceIsBin(s));
        expect(isIinAt(pad + s, pad.length)).toBe(referenceIsIin(s));
        expect(isBinAt(pad + s, pad.length)).toBe(referenceIsBin(s));
      }),
      { numRuns: 3000 },
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

  it('the fast path agrees with the full validator on valid, nearly valid and arbitrary strings', () => {
    fc.assert(
      fc.property(
        twelveDigitCandidates,
        (s) => isIinAt(s, 0) === isValidIin(s) && isBinAt(s, 0) === isValidBin(s),
      ),
      {
        numRuns: 5000,
      },
    );
  });

  it('no 12-digit string is both an IIN and a BIN (digit 5 separates them)', () => {
    fc.assert(
      fc.property(twelveDigitCandidates, (s) => !(isValidIin(s) && isValidBin(s))),
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

  it('every BIN built from its parts is valid and read back part by part', () => {
    fc.assert(
      fc.property(validBin, (bin) => {
        const check = checkBin(bin);
        expect(check).toMatchObject({
          valid: true,
          bin,
          registered: { yy: Number(bin.slice(0, 2)), month: Number(bin.slice(2, 4)) },
        });
        expect(isBinAt(`x${bin}`, 1)).toBe(true);
        const wrong = bin.slice(0, 11) + String((Number(bin[11]) + 1) % 10);
        expect(checkBin(wrong)).toMatchObject({ valid: false, reason: 'checksum' });
      }),
      { numRuns: 1000 },
    );
  });

  it('names each entity type and attribute', () => {
    const types = ['resident', 'non-resident', 'individual-entrepreneur-joint'];
    const attributes = ['head-office', 'branch', 'representative-office', 'farm'];
    for (const [t, type] of types.entries())
      for (const [a, attribute] of attributes.entries()) {
        const bin =
          completeWithReference(`0101${t + 4}${a}00001`) ??
          completeWithReference(`0101${t + 4}${a}00002`)!;
        expect(checkBin(bin)).toMatchObject({ valid: true, entityType: type, attribute });
      }
  });

  it('an IIN is not a BIN', () => {
    expect(checkBin('900515201238')).toMatchObject({ valid: false });
  });
});

describe('edges a mutant would cross', () => {
  it('knows the length of every month: the last day is a date, the day after is not', () => {
    const lastDay = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (const [i, days] of lastDay.entries()) {
      const mm = String(i + 1).padStart(2, '0');
      for (const [day, valid] of [
        [days, true],
        [days + 1, false],
      ] as const) {
        const iin = completeWithReference(`01${mm}${day}30123`)!;
        expect(referenceIsIin(iin)).toBe(valid);
        expect(isValidIin(iin), `${iin}`).toBe(valid);
        expect(isIinAt(`x${iin}`, 1), `${iin}`).toBe(valid);
        if (!valid) expect(checkIin(iin)).toMatchObject({ reason: 'date' });
      }
    }
  });

  it('refuses month 00 in an IIN and in a BIN, and accepts month 12 but not 13 in a BIN', () => {
    const iin = completeWithReference('90001520123')!;
    expect(checkIin(iin)).toMatchObject({ valid: false, reason: 'date' });
    expect(isIinAt(iin, 0)).toBe(false);
    const december = completeWithReference('94124000038')!;
    expect(checkBin(december)).toMatchObject({ valid: true, registered: { month: 12 } });
    expect(isBinAt(december, 0)).toBe(true);
    const thirteen = completeWithReference('94134000038')!;
    expect(checkBin(thirteen)).toMatchObject({ valid: false, reason: 'month' });
    expect(isBinAt(thirteen, 0)).toBe(false);
  });

  it('a BIN prefix that gives 10 twice is never issued', () => {
    expect(traceCheckDigit('94014000096').decidedBy).toBe('never');
    for (let k = 0; k <= 9; k++) {
      expect(checkBin(`94014000096${k}`)).toMatchObject({ valid: false, reason: 'unissued' });
      expect(isBinAt(`94014000096${k}`, 0)).toBe(false);
    }
  });

  it('a non-digit whose code lands on a valid weighted sum is still refused', () => {
    // Position 11 has weight 11 (≡ 0 mod 11) in pass 1, so ';' (code 59 = '0' + 11) there leaves
    // the first-pass sum of 900515201238 unchanged: only the digit check refuses these.
    for (const s of ['9005152012;8', '9401400003C5']) {
      expect(isIinAt(s, 0)).toBe(false);
      expect(isBinAt(s, 0)).toBe(false);
      expect(checkIin(s)).toMatchObject({ valid: false, reason: 'format' });
      expect(checkBin(s)).toMatchObject({ valid: false, reason: 'format' });
    }
  });

  it('the fast paths refuse a window that runs past the end of the text', () => {
    expect(isIinAt('900515201238', 1)).toBe(false);
    expect(isIinAt('x90051520123', 1)).toBe(false);
    expect(isBinAt('940140000385', 1)).toBe(false);
    expect(isBinAt('x94014000038', 1)).toBe(false);
  });

  it('explains each failure without repeating the number', () => {
    const cases: [string, string][] = [
      ['90051520123', 'an IIN is exactly 12 digits, got 11 digits'],
      ['90051520123x', 'an IIN is exactly 12 digits, got 12 characters including non-digits'],
      ['900515701238', 'IIN digit 7 must be 1–6 (century and sex), got 7'],
      ['901315201238', 'IIN digits 1–6 are not a real birth date in 1800s'],
      ['850412100480', 'the first 11 IIN digits give a check value of 10 twice: never issued'],
      ['900515201239', 'IIN check digit is 9, expected 8'],
    ];
    for (const [iin, message] of cases) expect(checkIin(iin)).toMatchObject({ message });
    const binCases: [string, string][] = [
      ['9401400003855', 'a BIN is exactly 12 digits, got 13 digits'],
      ['94014000038a', 'a BIN is exactly 12 digits, got 12 characters including non-digits'],
      ['941340000385', 'BIN digits 3–4 are the registration month 01–12, got 13'],
      ['940170000385', 'BIN digit 5 must be 4, 5 or 6 (entity type), got 7'],
      [
        '940144000385',
        'BIN digit 6 must be 0–3 (head office, branch, representative office, farm), got 4',
      ],
      ['940140000960', 'the first 11 BIN digits give a check value of 10 twice: never issued'],
      ['940140000386', 'BIN check digit is 6, expected 5'],
    ];
    for (const [bin, message] of binCases) expect(checkBin(bin)).toMatchObject({ message });
  });

  it('withCheckDigit takes exactly 11 ASCII digits', () => {
    for (const bad of ['9005152012', '900515201238', 'a9005152012', '9005152012a'])
      expect(() => withCheckDigit(bad)).toThrow(
        new RangeError('withCheckDigit needs exactly 11 digits'),
      );
  });

  it('requireIin / requireBin return a valid number and throw a coded error naming the field', () => {
    expect(requireIin('900515201238', 'subject')).toBe('900515201238');
    expect(requireBin('940140000385', 'operator')).toBe('940140000385');
    const iinError = (() => {
      try {
        requireIin('900515201239', 'subject');
      } catch (error) {
        return error;
      }
    })();
    expect(iinError).toBeInstanceOf(DomainError);
    expect(iinError).toMatchObject({
      code: 'core.invalid_iin',
      detail: 'subject: IIN check digit is 9, expected 8',
      extensions: { field: 'subject', reason: 'checksum' },
    });
    expect(() => requireBin('940140000386', 'operator')).toThrow(
      expect.objectContaining({
        code: 'core.invalid_bin',
        detail: 'operator: BIN check digit is 6, expected 5',
        extensions: { field: 'operator', reason: 'checksum' },
      }),
    );
  });
});
