import type { Engine } from '../engine.js';
import { codePoints } from '../readers/text.js';
import type { WindowResult } from './protocol.js';

export type WindowScan = Pick<WindowResult, 'candidates' | 'newlines'>;

/**
 * Runs the detectors over one window of a text file (a byte string) and locates the candidates
 * that start in `[prefixLength, limit)`: newlines before each (the caller knows the window's first
 * line) and the column in code points. Also counts the window's newlines up to `limit`.
 */
export function scanWindow(
  engine: Engine,
  text: string,
  prefixLength: number,
  limit: number,
): WindowScan {
  const candidates: WindowResult['candidates'][number][] = [];
  let newlines = 0;
  let lineStart = prefixLength === 0 ? 0 : text.lastIndexOf('\n', prefixLength - 1) + 1;
  let counted = prefixLength;
  const countTo = (to: number) => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) {
      newlines++;
      lineStart = i + 1;
    }
    counted = to;
  };
  for (const c of engine.detect(text, prefixLength)) {
    if (c.start >= limit) break;
    countTo(c.start);
    candidates.push({
      type: c.type,
      start: c.start,
      end: c.end,
      score: c.score,
      validated: c.validated,
      ...(c.subtype !== undefined ? { subtype: c.subtype } : {}),
      newlinesBefore: newlines,
      column: codePoints(text, lineStart, c.start) + 1,
    });
  }
  countTo(limit);
  return { candidates, newlines };
}
