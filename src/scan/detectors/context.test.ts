import { describe, expect, it } from 'vitest';
import { toByteString } from '../bytes.js';
import {
  CONTEXT_BOOST,
  CONTEXT_FLOOR,
  boostedScore,
  contextMatcher,
  hasContext,
} from './context.js';

const IIN = contextMatcher(['иин']);

/** Whether «иин» counts as context for the number in `before` + `123` + `after`. */
function near(before: string, after: string): boolean {
  const text = toByteString(`${before}123${after}`);
  const start = toByteString(before).length;
  return hasContext(IIN, text, start, start + 3);
}

describe('context words', () => {
  it('counts a word among the five words before a number', () => {
    expect(near('иин ', '')).toBe(true);
    expect(near('иин a b c d ', '')).toBe(true);
    expect(near('иин a b c d e ', '')).toBe(false);
    // Tabs, newlines and carriage returns separate words as spaces do.
    expect(near('иин\ta\nb\rc\r\nd ', '')).toBe(true);
    expect(near('иин\ta\nb\rc\r\nd\te ', '')).toBe(false);
    expect(near('иин   ', '')).toBe(true);
  });

  it('counts a word among the three words after a number', () => {
    expect(near('', ' — иин')).toBe(true);
    expect(near('', ' a b иин')).toBe(true);
    expect(near('', ' a b c иин')).toBe(false);
    expect(near('', '\ta\nb\rиин')).toBe(true);
    expect(near('', '\ta\nb\rc иин')).toBe(false);
    expect(near('', '   иин')).toBe(true);
  });

  it('looks no further than 120 bytes before and 60 after', () => {
    // «иин » is 7 bytes: with 113 more the window starts exactly at its first byte.
    expect(near(`иин ${'x'.repeat(113)}`, '')).toBe(true);
    expect(near(`иин ${'x'.repeat(114)}`, '')).toBe(false);
    // After the number: «иин» (6 bytes) must end within 60 bytes.
    expect(near('', ` ${'x'.repeat(52)} иин`)).toBe(true);
    expect(near('', ` ${'x'.repeat(53)} иин`)).toBe(false);
  });

  it('needs the word to start at a word boundary, and only before or after the number', () => {
    expect(near('комбиин ', '')).toBe(false);
    expect(near('', ' комбиин')).toBe(false);
    const text = toByteString('иин 123 456');
    expect(hasContext(IIN, text, 7, 10)).toBe(true);
    expect(hasContext(IIN, text, 11, 14)).toBe(true);
    expect(hasContext(IIN, toByteString('123 456 иин'), 0, 3)).toBe(true);
    expect(hasContext(IIN, toByteString('123 456 иин'), 4, 7)).toBe(true);
  });

  it('raises a score by the boost, to at least the floor and at most 1', () => {
    expect(boostedScore(0.2)).toBeCloseTo(0.2 + CONTEXT_BOOST);
    expect(boostedScore(0)).toBe(CONTEXT_FLOOR);
    expect(boostedScore(0.9)).toBe(1);
  });
});
