import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { isBounded } from './text-utils.js';

/**
 * Kazakhstan ID card numbers (9 digits) and passport numbers (`N` + 8 digits) carry no checksum,
 * so on their own they look like any other number: the base scores sit below the 0.5 threshold
 * and only a context word («удостоверение», «паспорт», «жеке куәлік») lifts them over it
 * (DOMAIN.md §1).
 */
export const ID_CARD_BASE_SCORE = 0.2;
export const PASSPORT_BASE_SCORE = 0.3;

/**
 * @example
 * const engine = createEngine({ types: ['id-card'] });
 * engine.detect(toByteString('удостоверение личности 043218765')); // id-card, 0.2 + 0.35
 */
export const documentDetector: Detector = {
  types: ['id-card', 'passport'],
  context: {
    'id-card': contextMatcher([
      'удостовер',
      'уд.л',
      'уд. л',
      'уд-е',
      'удв',
      'жеке куәлі',
      'куәлі',
      'id card',
      'id-card',
      'identity card',
      'identification card',
      'national id',
    ]),
    passport: contextMatcher(['паспорт', 'passport', 'төлқұжат']),
  },
  atDigits(text: string, start: number, end: number, out: Candidate[]): void {
    const length = end - start;
    if (length === 9 && isBounded(text, start, end)) {
      out.push({ type: 'id-card', start, end, score: ID_CARD_BASE_SCORE, validated: false });
    } else if (length === 8) {
      // Latin N, or Cyrillic Н (bytes D0 9D) typed on a Russian keyboard.
      const latin = text.charCodeAt(start - 1) === 0x4e;
      const cyrillic = text.charCodeAt(start - 1) === 0x9d && text.charCodeAt(start - 2) === 0xd0;
      const from = start - (latin ? 1 : cyrillic ? 2 : 0);
      if (from < start && isBounded(text, from, end)) {
        out.push({
          type: 'passport',
          start: from,
          end,
          score: PASSPORT_BASE_SCORE,
          validated: false,
        });
      }
    }
  },
};
