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
const PHONE = /(?:\+7|8)[ \-(]{0,2}7(?:0[0-25-8]|47|6[0-4]|7[15-8]|85)[ \-)]{0,2}\d(?:[ -]?\d){6}/g;

export const PHONE_BASE_SCORE = 0.6;

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
  find(text: string, out: Candidate[]): void {
    PHONE.lastIndex = 0;
    for (let m = PHONE.exec(text); m !== null; m = PHONE.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      // A leading `8` or `+` glued to more digits belongs to another number.
      const before = start > 0 ? text.charCodeAt(start - 1) : 0;
      if (isWordBefore(text, start) || before === 43 /* + */) continue;
      if (isWordAt(text, end)) continue;
      out.push({ type: 'phone', start, end, score: PHONE_BASE_SCORE, validated: false });
    }
  },
};
