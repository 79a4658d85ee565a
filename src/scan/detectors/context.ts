/**
 * Presidio-style context scoring (DOMAIN.md §1): a context word among the ~5 words before a
 * candidate, or the 3 words just after it (Russian and Kazakh often name the thing after the
 * number: «900515201238 — мой ИИН»), adds 0.35 to its score with a floor of 0.4.
 */

import { BYTE_WORD_CHAR, termsSource } from './terms.js';

export const CONTEXT_BOOST = 0.35;
export const CONTEXT_FLOOR = 0.4;
const WORDS_BEFORE = 5;
const WORDS_AFTER = 3;
// Byte limits: five Cyrillic words take about twice as many bytes as characters.
const MAX_CHARS_BEFORE = 120;
const MAX_CHARS_AFTER = 60;

/**
 * Builds the matcher for a detector's context words (byte strings, see `terms.ts`). Words are
 * stems: «удостовер» matches «удостоверение» and «удостоверения»; each must start at a word
 * boundary so that «бин» does not fire inside «комбинат».
 */
export function contextMatcher(stems: readonly string[]): RegExp {
  const source = termsSource(stems.map((s) => (s.endsWith('~') ? s : `${s}~`)));
  return new RegExp(`(?<!${BYTE_WORD_CHAR})${source}`);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The start of the window holding up to five words before `start`. */
function windowStart(text: string, start: number): number {
  const limit = Math.max(0, start - MAX_CHARS_BEFORE);
  let words = 0;
  let i = start;
  while (i > limit) {
    // skip spaces, then one word
    while (i > limit && isSpace(text.charCodeAt(i - 1))) i--;
    if (i === limit) break;
    while (i > limit && !isSpace(text.charCodeAt(i - 1))) i--;
    words++;
    if (words === WORDS_BEFORE) break;
  }
  return i;
}

function windowEnd(text: string, end: number): number {
  const limit = Math.min(text.length, end + MAX_CHARS_AFTER);
  let words = 0;
  let i = end;
  while (i < limit) {
    while (i < limit && isSpace(text.charCodeAt(i))) i++;
    if (i === limit) break;
    while (i < limit && !isSpace(text.charCodeAt(i))) i++;
    words++;
    if (words === WORDS_AFTER) break;
  }
  return i;
}

/** Whether a context word sits near `text[start, end)`. */
export function hasContext(matcher: RegExp, text: string, start: number, end: number): boolean {
  const before = text.slice(windowStart(text, start), start);
  if (matcher.test(before)) return true;
  return matcher.test(text.slice(end, windowEnd(text, end)));
}

/** The score after a context word was found. */
export function boostedScore(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, CONTEXT_FLOOR));
}
