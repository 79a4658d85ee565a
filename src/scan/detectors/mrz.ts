import type { Candidate } from '../types.js';
import type { Detector } from './detector.js';

/**
 * ICAO 9303 machine-readable zones. The data line of a passport (TD3, 44 characters), a visa or
 * older ID (TD2, 36) or a Kazakh ID card (TD1 line 2, 30) carries 7-3-1 check digits over the
 * document number, birth date and expiry date; all must pass, which makes a false positive
 * practically impossible. The finding covers the whole zone (the adjacent lines of the same
 * width hold the holder's name and, for TD1, the document number), so redaction masks it all.
 */
const TD3_TD2 = /[A-Z0-9<]{9}\d[A-Z<]{3}\d{7}[MFX<]\d{7}(?:[A-Z0-9<]{14}[0-9<]\d|[A-Z0-9<]{7}\d)/g;
const TD1_LINE2 = /\d{7}[MFX<]\d{7}[A-Z<]{3}[A-Z0-9<]{11}\d/g;

/** The ICAO 9303 check digit: weights 7, 3, 1 repeating; `<` = 0, A = 10 … Z = 35. */
export function mrzCheckDigit(field: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * weights[i % 3]!;
  }
  return sum % 10;
}

function checks(line: string, field: [number, number], check: number): boolean {
  return mrzCheckDigit(line.slice(field[0], field[1])) === line.charCodeAt(check) - 48;
}

function isMrzLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 60)) return false;
  }
  return true;
}

/** Widens `[start, end)` to the neighbouring lines that have the same width and MRZ alphabet. */
function widenToZone(text: string, start: number, end: number): [number, number] {
  const width = end - start;
  let s = start;
  let e = end;
  for (let k = 0; k < 2; k++) {
    const prevEnd = s - 1;
    if (prevEnd < width || text.charCodeAt(prevEnd) !== 10) break;
    const crlf = text.charCodeAt(prevEnd - 1) === 13 ? 1 : 0;
    const prevStart = prevEnd - crlf - width;
    if (prevStart < 0 || (prevStart > 0 && text.charCodeAt(prevStart - 1) !== 10)) break;
    if (!isMrzLine(text, prevStart, prevStart + width)) break;
    s = prevStart;
  }
  for (let k = 0; k < 2; k++) {
    let nextStart = e;
    if (text.charCodeAt(nextStart) === 13) nextStart++;
    if (text.charCodeAt(nextStart) !== 10) break;
    nextStart++;
    const nextEnd = nextStart + width;
    if (nextEnd > text.length || !isMrzLine(text, nextStart, nextEnd)) break;
    if (nextEnd < text.length && text.charCodeAt(nextEnd) !== 10 && text.charCodeAt(nextEnd) !== 13)
      break;
    e = nextEnd;
  }
  return [s, e];
}

function isolated(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : 10;
  const after = end < text.length ? text.charCodeAt(end) : 10;
  const sep = (c: number) =>
    !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 60);
  return sep(before) && sep(after);
}

/**
 * @example
 * const out: Candidate[] = [];
 * mrzDetector.find('P<KAZ...\nN123456784KAZ9005151M3001012<<<<<<<<<<<<<<06', out); // one 'mrz' candidate
 */
export const mrzDetector: Detector = {
  types: ['mrz'],
  context: {},
  find(text: string, out: Candidate[]): void {
    // Every real zone contains filler characters; skipping text without any is the fast path.
    if (!text.includes('<')) return;
    TD3_TD2.lastIndex = 0;
    for (let m = TD3_TD2.exec(text); m !== null; m = TD3_TD2.exec(text)) {
      const line = m[0];
      const end = m.index + line.length;
      if (!isolated(text, m.index, end)) continue;
      if (!checks(line, [0, 9], 9) || !checks(line, [13, 19], 19) || !checks(line, [21, 27], 27))
        continue;
      if (line.length === 44) {
        const composite = line.slice(0, 10) + line.slice(13, 20) + line.slice(21, 43);
        if (mrzCheckDigit(composite) !== line.charCodeAt(43) - 48) continue;
      }
      const [s, e] = widenToZone(text, m.index, end);
      out.push({
        type: 'mrz',
        start: s,
        end: e,
        score: 1,
        validated: true,
        subtype: line.length === 44 ? 'td3' : 'td2',
      });
    }
    TD1_LINE2.lastIndex = 0;
    for (let m = TD1_LINE2.exec(text); m !== null; m = TD1_LINE2.exec(text)) {
      const line = m[0];
      const end = m.index + line.length;
      if (!isolated(text, m.index, end)) continue;
      if (!checks(line, [0, 6], 6) || !checks(line, [8, 14], 14)) continue;
      const [s, e] = widenToZone(text, m.index, end);
      out.push({ type: 'mrz', start: s, end: e, score: 1, validated: true, subtype: 'td1' });
    }
  },
};
