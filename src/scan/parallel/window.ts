import type { Engine } from '../engine.js';
import { countNewlines } from '../find-candidates.js';
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
  bytes?: Uint8Array,
): WindowScan {
  const candidates: WindowResult['candidates'][number][] = [];
  let newlines = 0;
  let lineStart = prefixLength === 0 ? 0 : text.lastIndexOf('\n', prefixLength - 1) + 1;
  let counted = prefixLength;
  // Newlines are counted by the kernel (a window holds ~10 000 lines and few findings); only the
  // start of the line a finding is on is looked for by hand.
  const countTo = (to: number) => {
    const n = countNewlines(text, counted, to);
    if (n > 0) {
      newlines += n;
      lineStart = text.lastIndexOf('\n', to - 1) + 1;
    }
    counted = to;
  };
  for (const c of engine.detect(text, prefixLength, bytes)) {
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
