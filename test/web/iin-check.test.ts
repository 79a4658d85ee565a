/**
 * The web console checks an IIN before it leaves the page (web/src/features/soc/iin.ts, a copy:
 * the web app imports nothing from src/); this holds the copy to the server's own check
 * (src/core/identifiers.ts), verdict and reason, so a number the console lets through is one the
 * server takes and the reason it gives is the server's.
 */
import { describe, expect, it } from 'vitest';
import { checkIin, withCheckDigit } from '../../src/core/identifiers.js';
import { iinProblem } from '../../web/src/features/soc/iin.js';

/**
 * Numbers near real IINs (a month 00–13, a day 00–32, a century digit 0–7), half of them with
 * their check digit; deterministic, so a failure names a number that can be replayed.
 */
function* numbers(count: number): Generator<string> {
  let state = 7;
  const next = (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(state / 65_536) % below; // the high bits: the low ones cycle short
  };
  const two = (below: number) => String(next(below)).padStart(2, '0');
  for (let i = 0; i < count; i++) {
    const serial = String(next(10_000)).padStart(4, '0');
    const prefix = `${two(100)}${two(14)}${two(33)}${next(8)}${serial}`;
    const completed = i % 2 === 0 ? withCheckDigit(prefix) : null;
    yield completed ?? `${prefix}${next(10)}`;
  }
}

describe('the web console’s IIN check against the server’s', () => {
  it('gives the same verdict and reason as the server’s check on 20,000 numbers', () => {
    let valid = 0;
    for (const number of numbers(20_000)) {
      const server = checkIin(number);
      expect(iinProblem(number), number).toBe(server.valid ? undefined : server.reason);
      if (server.valid) valid++;
    }
    // Enough of them valid that the comparison covers both answers.
    expect(valid).toBeGreaterThan(1_000);
  });
});
