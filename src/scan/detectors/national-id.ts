import { isBinAt, isIinAt } from '../../core/identifiers.js';
import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { isBounded } from './text-utils.js';

/**
 * IIN and BIN: twelve digits proved by the two-pass mod-11 check digit (DOMAIN.md §1, maths in
 * `core/identifiers`). A number cannot be both: digit 5 is 0–3 in an IIN and 4–6 in a BIN, so one
 * look at each 12-digit run serves both. A failing checksum drops the candidate (Presidio): about
 * 0.23 % of random 12-digit numbers pass as IINs; the rest are order numbers and the like.
 *
 * @example
 * const engine = createEngine({ types: ['iin'] });
 * engine.detect(toByteString('ИИН 900515201238')); // [{ type: 'iin', start: 7, end: 19, score: 1, ... }]
 */
export const nationalIdDetector: Detector = {
  types: ['iin', 'bin'],
  context: {
    iin: contextMatcher([
      'иин',
      'жсн',
      'iin',
      'индивидуальный идентификационный',
      'жеке сәйкестендіру',
    ]),
    bin: contextMatcher(['бин', 'бсн', 'bin', 'бизнес-идентификационный', 'бизнес сәйкестендіру']),
  },
  atDigits(text: string, start: number, end: number, out: Candidate[]): void {
    if (end - start !== 12 || !isBounded(text, start, end)) return;
    if (isIinAt(text, start)) out.push({ type: 'iin', start, end, score: 1, validated: true });
    else if (isBinAt(text, start)) out.push({ type: 'bin', start, end, score: 1, validated: true });
  },
};
