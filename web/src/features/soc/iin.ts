/**
 * The IIN check the server makes (`src/core/identifiers.ts`, DOMAIN.md §1), for the console's
 * forms: a typo is caught before the number leaves the page, with the reason in the reader's
 * language. The server checks again and stays the authority (`400 core.invalid_iin`). A copy, not
 * an import: the web app does not bundle server modules; `iin.test.ts` holds the two together.
 */
export type IinFailure = 'format' | 'century' | 'date' | 'unissued' | 'checksum';

const FIRST = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

const weighted = (digits: readonly number[], weights: readonly number[]) =>
  weights.reduce((sum, weight, i) => sum + weight * digits[i]!, 0) % 11;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Why `input` is not a valid IIN, or undefined when it is one. */
export function iinProblem(input: string): IinFailure | undefined {
  if (!/^\d{12}$/.test(input)) return 'format';
  const digits = [...input].map(Number);
  const centuryDigit = digits[6]!;
  if (centuryDigit < 1 || centuryDigit > 6) return 'century';
  const year = 1800 + 100 * Math.floor((centuryDigit - 1) / 2) + Number(input.slice(0, 2));
  const month = Number(input.slice(2, 4));
  const day = Number(input.slice(4, 6));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return 'date';
  let check = weighted(digits, FIRST);
  // A first pass of 10 takes the second weights; 10 again means the prefix is never issued.
  if (check === 10) check = weighted(digits, SECOND);
  if (check === 10) return 'unissued';
  return check === digits[11] ? undefined : 'checksum';
}
