import {
  addHealthFindings,
  isTermStart,
  mayStartStrongTerm,
  strongTermEnd,
  strongTermPrefixes,
} from './detectors/health.js';
import type { Detector } from './detectors/index.js';
import { emailAt, ipv4At, ipv6At } from './detectors/network.js';
import { CHUNK, OTHER, TERM, sharedKernel } from './kernel/byte-kernel.js';
import type { Candidate, PiiType } from './types.js';

/**
 * Candidate finding: the byte kernel's one pass over the text, and the detectors run at the
 * positions it reports. Scoring, context and overlaps are the engine's (`engine.ts`).
 */

type AtDigits = (text: string, start: number, end: number, out: Candidate[]) => void;

const nothing: AtDigits = () => undefined;

/**
 * Calls every digit-run detector from a call site of its own: a loop over an array of six
 * functions is one megamorphic call that V8 cannot inline, and it runs ~215 000 times per
 * 200 MB of chat text.
 */
function runAll(fns: readonly AtDigits[]): AtDigits {
  if (fns.length > 6) throw new RangeError('runAll takes at most six detectors');
  const [a = nothing, b = nothing, c = nothing, d = nothing, e = nothing, f = nothing] = fns;
  return (text, start, end, out) => {
    a(text, start, end, out);
    b(text, start, end, out);
    c(text, start, end, out);
    d(text, start, end, out);
    e(text, start, end, out);
    f(text, start, end, out);
  };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** What the event loop feeds: digit-run detectors and the anchored searches that are wanted. */
export interface Wanted {
  /** Detectors that scan the whole text (MRZ), run only when it holds a `<`. */
  readonly whole: readonly Detector[];
  /** Every digit-run detector, in order. */
  readonly atDigits: AtDigits;
  readonly email: boolean;
  readonly ip: boolean;
  readonly health: boolean;
}

export function wantedFor(detectors: readonly Detector[], types: ReadonlySet<PiiType>): Wanted {
  return {
    whole: detectors.filter((d) => d.find !== undefined),
    atDigits: runAll(detectors.flatMap((d) => (d.atDigits !== undefined ? [d.atDigits] : []))),
    email: types.has('email'),
    ip: types.has('ip'),
    health: types.has('health'),
  };
}

/**
 * Newlines in `text[from, to)`, counted sixteen bytes at a time by the byte kernel (no copy when
 * `text` is the one just scanned): plain-text findings need line numbers.
 */
export function countNewlines(text: string, from: number, to: number): number {
  const k = sharedKernel(strongTermPrefixes);
  k.load(text);
  return k.count(from, to, 10);
}

/**
 * Runs the byte kernel over `text` and hands each event to the detector that wants it, appending
 * candidates to `raw` in the order the detectors ran before the kernel existed (e-mail, IPv4,
 * IPv6, health, then digit runs), which keeps ties in `resolveOverlaps` as they were. Returns
 * whether the text holds a `<` (MRZ zones are searched only then).
 */
function findAtEvents(
  text: string,
  bytes: Uint8Array | undefined,
  wanted: Wanted,
  raw: Candidate[],
): boolean {
  const k = sharedKernel(strongTermPrefixes);
  k.load(text, bytes);
  const emails: Candidate[] = [];
  const ipv4: Candidate[] = [];
  const ipv6: Candidate[] = [];
  const digits: Candidate[] = [];
  const strong: number[] = [];
  let termResume = 0;
  let ipv4Resume = 0;
  let ipv6Resume = 0;
  let sawAngle = false;
  const term = (start: number) => {
    const end = strongTermEnd(text, start);
    if (end < 0) return;
    strong.push(start, end);
    termResume = end; // terms do not overlap, as with a global regex
  };
  for (let from = 0; from < text.length; from += CHUNK) {
    const count = k.scan(from, Math.min(text.length, from + CHUNK));
    const events = k.events;
    for (let e = 0; e < count; e++) {
      const event = events[e]!;
      const at = event >>> 2;
      if ((event & TERM) !== 0 && wanted.health && at >= termResume) term(at);
      if ((event & OTHER) === 0) continue;
      const c = text.charCodeAt(at);
      if (c <= 57 && c >= 48) {
        let end = at + 3;
        while (end < text.length && isDigit(text.charCodeAt(end))) end++;
        wanted.atDigits(text, at, end, digits);
      } else if (c === 46) {
        if (wanted.ip && at >= ipv4Resume)
          ipv4Resume = Math.max(ipv4Resume, ipv4At(text, at, ipv4));
      } else if (c === 58) {
        if (wanted.ip && at >= ipv6Resume)
          ipv6Resume = Math.max(ipv6Resume, ipv6At(text, at, ipv6));
      } else if (c === 64) {
        if (wanted.email) emailAt(text, at, emails);
      } else if (c === 60) {
        sawAngle = true;
      } else if (wanted.health) {
        // The lead byte of a character that may not be a letter (a no-break space, «, —, …):
        // a term may start right after it.
        const after = at + (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2);
        if (
          after >= termResume &&
          after < text.length &&
          mayStartStrongTerm(text, after) &&
          isTermStart(text, after)
        )
          term(after);
      }
    }
  }
  for (const list of [emails, ipv4, ipv6]) for (const c of list) raw.push(c);
  addHealthFindings(text, strong, raw);
  for (const c of digits) raw.push(c);
  return sawAngle;
}

/**
 * Every candidate the wanted detectors propose in the byte string `text`, before scoring: MRZ
 * zones first, then e-mail, IPv4, IPv6, health and digit-run candidates (the order in which the
 * detectors ran when each scanned the whole text, which decides exact ties in overlaps).
 */
export function findCandidates(text: string, wanted: Wanted, bytes?: Uint8Array): Candidate[] {
  const found: Candidate[] = [];
  const sawAngle = findAtEvents(text, bytes, wanted, found);
  if (!sawAngle || wanted.whole.length === 0) return found;
  const zones: Candidate[] = [];
  for (const d of wanted.whole) d.find!(text, zones);
  return zones.length === 0 ? found : zones.concat(found);
}
