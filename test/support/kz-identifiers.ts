/**
 * An independent reference for Kazakhstan's IIN and BIN, written from DOMAIN.md §1 and nothing
 * else: tests build and judge identifiers with it, so a bug in the production check digit
 * (`src/core/identifiers.ts`) cannot also be a bug in the expected values. It is plain on
 * purpose — arrays, `reduce`, `Date` — where the production code is tuned for the scanner.
 *
 *   IIN `YYMMDD C SSSS K`; BIN `YYMM T A SSSSS K`. K: Σ d[i]·w[i] mod 11 with weights 1..11; if
 *   that is 10, again with weights 3,4,5,6,7,8,9,10,11,1,2; 10 again means "never issued".
 */
import fc from 'fast-check';

export const PASS_1_WEIGHTS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
export const PASS_2_WEIGHTS: readonly number[] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** How the check digit of an 11-digit prefix came out (DOMAIN.md's worked examples show sums). */
export interface CheckDigitTrace {
  readonly sum1: number;
  readonly sum2: number | null;
  /** Which pass decided the digit; `never` when both passes give 10. */
  readonly decidedBy: 1 | 2 | 'never';
  readonly digit: number | null;
}

export function traceCheckDigit(prefix11: string): CheckDigitTrace {
  if (!/^[0-9]{11}$/.test(prefix11)) throw new RangeError('need exactly 11 ASCII digits');
  const digits = prefix11.split('').map((c) => Number(c));
  const weighted = (weights: readonly number[]) =>
    digits.reduce((sum, digit, i) => sum + digit * weights[i]!, 0);
  const sum1 = weighted(PASS_1_WEIGHTS);
  if (sum1 % 11 !== 10) return { sum1, sum2: null, decidedBy: 1, digit: sum1 % 11 };
  const sum2 = weighted(PASS_2_WEIGHTS);
  if (sum2 % 11 !== 10) return { sum1, sum2, decidedBy: 2, digit: sum2 % 11 };
  return { sum1, sum2, decidedBy: 'never', digit: null };
}

/** The 12-digit identifier an 11-digit prefix completes to, or null when it is never issued. */
export function completeWithReference(prefix11: string): string | null {
  const { digit } = traceCheckDigit(prefix11);
  return digit === null ? null : `${prefix11}${digit}`;
}

const isRealDate = (year: number, month: number, day: number) => {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
};

const CENTURY_OF_DIGIT: Readonly<Record<string, number>> = {
  '1': 1800,
  '2': 1800,
  '3': 1900,
  '4': 1900,
  '5': 2000,
  '6': 2000,
};

/** DOMAIN.md §1 read literally: is `s` a valid IIN? */
export function referenceIsIin(s: string): boolean {
  if (!/^[0-9]{12}$/.test(s)) return false;
  const century = CENTURY_OF_DIGIT[s[6]!];
  if (century === undefined) return false;
  if (!isRealDate(century + Number(s.slice(0, 2)), Number(s.slice(2, 4)), Number(s.slice(4, 6))))
    return false;
  return completeWithReference(s.slice(0, 11)) === s;
}

/** DOMAIN.md §1 read literally: is `s` a valid BIN? */
export function referenceIsBin(s: string): boolean {
  if (!/^[0-9]{12}$/.test(s)) return false;
  const month = Number(s.slice(2, 4));
  if (month < 1 || month > 12) return false;
  if (!'456'.includes(s[4]!) || !'0123'.includes(s[5]!)) return false;
  return completeWithReference(s.slice(0, 11)) === s;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The century-and-sex digit (DOMAIN.md §1: 1/2 1800s, 3/4 1900s, 5/6 2000s; odd is male). */
export function centuryDigitOf(year: number, female: boolean): number {
  const base = year < 1900 ? 1 : year < 2000 ? 3 : 5;
  return base + (female ? 1 : 0);
}

/** The 11-digit IIN prefix for a birth date, sex and serial. */
export function iinPrefix(
  year: number,
  month: number,
  day: number,
  female: boolean,
  serial: number,
) {
  return `${pad(year % 100, 2)}${pad(month, 2)}${pad(day, 2)}${centuryDigitOf(year, female)}${pad(serial, 4)}`;
}

/** The 11-digit BIN prefix for a registration year and month, entity type, attribute and serial. */
export function binPrefix(
  yy: number,
  month: number,
  type: number,
  attribute: number,
  serial: number,
) {
  return `${pad(yy, 2)}${pad(month, 2)}${type}${attribute}${pad(serial, 5)}`;
}

/**
 * Rewrites an 11-digit prefix so that the first pass gives 10 and the second decides, changing
 * only serial digits: position 10 (weight 10 in pass 1) picks the pass-1 residue, position 11
 * (weight 11 ≡ 0 in pass 1, 2 in pass 2) moves pass 2 off 10 without disturbing pass 1. Returns
 * null for the one residue position 10 cannot reach; the caller falls back to its plain prefix.
 */
export function forceSecondPass(prefix11: string): string | null {
  for (let d9 = 0; d9 <= 9; d9++) {
    let candidate = `${prefix11.slice(0, 9)}${d9}${prefix11[10]}`;
    if (traceCheckDigit(candidate).sum1 % 11 !== 10) continue;
    if (traceCheckDigit(candidate).decidedBy === 'never')
      candidate = `${candidate.slice(0, 10)}${(Number(candidate[10]) + 1) % 10}`;
    return candidate;
  }
  return null;
}

const birthDate = fc.date({
  min: new Date('1800-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});

/** 11-digit IIN prefixes built from a real birth date, a sex and a serial (DOMAIN.md §1). */
export const iinPrefixes: fc.Arbitrary<string> = fc
  .record({ date: birthDate, female: fc.boolean(), serial: fc.integer({ min: 0, max: 9999 }) })
  .map(({ date, female, serial }) =>
    iinPrefix(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), female, serial),
  );

/** 11-digit BIN prefixes: registration year and month, entity type 4–6, attribute 0–3, serial. */
export const binPrefixes: fc.Arbitrary<string> = fc
  .record({
    yy: fc.integer({ min: 0, max: 99 }),
    month: fc.integer({ min: 1, max: 12 }),
    type: fc.integer({ min: 4, max: 6 }),
    attribute: fc.integer({ min: 0, max: 3 }),
    serial: fc.integer({ min: 0, max: 99_999 }),
  })
  .map(({ yy, month, type, attribute, serial }) => binPrefix(yy, month, type, attribute, serial));

/**
 * Valid identifiers constructed directly from their prefixes: about one in eleven plain prefixes
 * reaches the second pass, so a quarter of the draws are steered there (`forceSecondPass`) to
 * exercise it often; the never-issued prefixes (10 twice) are rejected.
 */
function validFrom(prefixes: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: prefixes },
      { weight: 1, arbitrary: prefixes.map((p) => forceSecondPass(p) ?? p) },
    )
    .map(completeWithReference)
    .filter((id): id is string => id !== null);
}

export const validIin: fc.Arbitrary<string> = validFrom(iinPrefixes);
export const validBin: fc.Arbitrary<string> = validFrom(binPrefixes);

/** One digit of `id` changed (position and amount chosen by the generator). */
export const oneDigitChanged = (id: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(id, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }))
    .map(([s, at, delta]) => `${s.slice(0, at)}${(Number(s[at]) + delta) % 10}${s.slice(at + 1)}`);

/**
 * Twelve-digit strings worth validating: valid IINs and BINs, each with one digit changed, and
 * arbitrary digits — where arbitrary digits alone are valid about 0.23 % of the time.
 */
export const twelveDigitCandidates: fc.Arbitrary<string> = fc.oneof(
  validIin,
  validBin,
  oneDigitChanged(validIin),
  oneDigitChanged(validBin),
  fc.stringMatching(/^[0-9]{12}$/),
);
