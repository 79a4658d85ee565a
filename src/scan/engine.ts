import { boostedScore, hasContext } from './detectors/context.js';
import {
  addHealthFindings,
  isTermStart,
  strongTermEnd,
  strongTermPrefixes,
} from './detectors/health.js';
import { detectorsFor, type Detector } from './detectors/index.js';
import { emailAt, ipv4At, ipv6At } from './detectors/network.js';
import { CHUNK, OTHER, TERM, sharedKernel } from './kernel/byte-kernel.js';
import { PII_TYPES, type Candidate, type PiiType } from './types.js';

/** The single global threshold (Presidio's model, DOMAIN.md §1). */
export const DEFAULT_MIN_SCORE = 0.5;

/** What to look for: the types and the score a candidate needs to become a finding. */
export interface DetectOptions {
  readonly types?: Iterable<PiiType>;
  readonly minScore?: number;
}

/** A compiled, reusable selection of detectors; build once per scan, call many times. */
export interface Engine {
  readonly types: ReadonlySet<PiiType>;
  readonly minScore: number;
  /**
   * Candidates in the byte string `text` (see `bytes.ts`) that reach the threshold, sorted by
   * start, overlaps resolved.
   * `prefixLength` characters at the start are context only: nothing starting there is returned
   * (readers put a CSV header or the text before a Telegram entity there).
   * `bytes`, when the caller holds the text as bytes too, saves converting it once more.
   */
  detect(text: string, prefixLength?: number, bytes?: Uint8Array): Candidate[];
}

/**
 * Builds the detection engine.
 *
 * @example
 * const engine = createEngine({ types: ['iin', 'phone'], minScore: 0.5 });
 * engine.detect(toByteString('ИИН 900515201238, тел. +7 701 123 45 67'));
 * // [{ type: 'iin', start: 7, end: 19, score: 1, validated: true }, { type: 'phone', ..., score: 0.95, context: true }]
 */
export function createEngine(options: DetectOptions = {}): Engine {
  const types = new Set<PiiType>(options.types ?? PII_TYPES);
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) throw new RangeError('minScore must be between 0 and 1');
  const detectors: readonly Detector[] = detectorsFor(types);
  const contextOf = new Map<PiiType, RegExp>();
  for (const d of detectors) {
    for (const [type, re] of Object.entries(d.context) as [PiiType, RegExp][])
      contextOf.set(type, re);
  }

  const whole = detectors.filter((d) => d.find !== undefined);
  const wanted: Wanted = {
    onDigits: detectors.filter((d) => d.atDigits !== undefined),
    email: types.has('email'),
    ip: types.has('ip'),
    health: types.has('health'),
  };

  function detect(text: string, prefixLength = 0, bytes?: Uint8Array): Candidate[] {
    const found: Candidate[] = [];
    const sawAngle = findAtEvents(text, bytes, wanted, found);
    // MRZ candidates come first, as when every detector scanned the whole text.
    const zones: Candidate[] = [];
    if (sawAngle) for (const d of whole) d.find!(text, zones);
    const kept: Candidate[] = [];
    for (const c of zones.length === 0 ? found : zones.concat(found)) {
      if (c.start < prefixLength || !types.has(c.type)) continue;
      if (!c.validated && c.score < 1) {
        const matcher = contextOf.get(c.type);
        if (matcher !== undefined && hasContext(matcher, text, c.start, c.end)) {
          c.score = boostedScore(c.score);
          c.context = true;
        }
      }
      if (c.score >= minScore) kept.push(c);
    }
    return resolveOverlaps(kept);
  }

  return { types, minScore, detect };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** What the event loop feeds: digit-run detectors and the anchored searches that are wanted. */
interface Wanted {
  readonly onDigits: readonly Detector[];
  readonly email: boolean;
  readonly ip: boolean;
  readonly health: boolean;
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
        for (const d of wanted.onDigits) d.atDigits!(text, at, end, digits);
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
        if (after >= termResume && after < text.length && isTermStart(text, after)) term(after);
      }
    }
  }
  for (const list of [emails, ipv4, ipv6]) for (const c of list) raw.push(c);
  addHealthFindings(text, strong, raw);
  for (const c of digits) raw.push(c);
  return sawAngle;
}

/**
 * Keeps one candidate where candidates overlap: the higher score, then the longer span. Overlaps
 * are rare by construction (every detector checks Unicode boundaries), but e.g. an MRZ zone
 * contains a passport number.
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Candidate[] = [];
  for (const c of candidates) {
    const last = out[out.length - 1];
    if (last === undefined || c.start >= last.end) {
      out.push(c);
      continue;
    }
    const better =
      c.score > last.score || (c.score === last.score && c.end - c.start > last.end - last.start);
    if (better) out[out.length - 1] = c;
  }
  return out;
}
