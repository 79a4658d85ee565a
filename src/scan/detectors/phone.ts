import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { isWordAt, isWordBefore } from './text-utils.js';

/**
 * Kazakhstan mobile numbers: `+7` or `8`, then an operator code
 * `7(0[0-25-8]|47|6[0-4]|7[15-8]|85)` and seven digits (DOMAIN.md §1), written with the usual
 * spaces, dashes and brackets: `+7 (701) 123-45-67`, `87011234567`, `+7 701 123 4567`.
 * There is no checksum, so the base score stays below 1 and context words raise it.
 */
const PHONE = /(?:\+7|8)[ \-(]{0,2}7(?:0[0-25-8]|47|6[0-4]|7[15-8]|85)[ \-)]{0,2}\d(?:[ -]?\d){6}/y;

export const PHONE_BASE_SCORE = 0.6;

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 40; // space, dash, opening bracket
}

export const phoneDetector: Detector = {
  types: ['phone'],
  context: {
    phone: contextMatcher([
      'тел',
      'моб',
      'сот',
      'номер',
      'звон',
      'whatsapp',
      'ватсап',
      'вотсап',
      'telegram',
      'телеграм',
      'phone',
      'mobile',
      'call',
      'contact',
      'қоңырау',
      'байланыс',
      'нөмір',
    ]),
  },
  /**
   * Every phone number has a run of three or more digits that starts with the operator code's
   * `7` («+7 701 …», «8(705)…») or with the prefix itself («87011234567», «+77011234567»);
   * from that run the prefix is found by looking back at most three characters.
   */
  atDigits(text: string, start: number, _end: number, out: Candidate[]): void {
    const first = text.charCodeAt(start);
    let from = -1;
    if (first === 56 /* 8 */) from = start;
    else if (first === 55 /* 7 */) {
      if (text.charCodeAt(start - 1) === 43 /* + */) from = start - 1;
      else {
        let p = start - 1;
        while (p >= start - 2 && isSeparator(text.charCodeAt(p))) p--;
        const c = text.charCodeAt(p);
        if (c === 56) from = p;
        else if (c === 55 && text.charCodeAt(p - 1) === 43) from = p - 1;
      }
    }
    if (from < 0) return;
    PHONE.lastIndex = from;
    if (!PHONE.test(text)) return;
    const end = PHONE.lastIndex;
    // A leading `8` or `+` glued to more digits belongs to another number.
    if (isWordBefore(text, from) || (from > 0 && text.charCodeAt(from - 1) === 43)) return;
    if (isWordAt(text, end)) return;
    out.push({ type: 'phone', start: from, end, score: PHONE_BASE_SCORE, validated: false });
  },
};
