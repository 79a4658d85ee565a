import { boostedScore, hasContext } from './detectors/context.js';
import { detectorsFor, type Detector } from './detectors/index.js';
import { findCandidates, wantedFor } from './find-candidates.js';
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

  const wanted = wantedFor(detectors, types);

  function detect(text: string, prefixLength = 0, bytes?: Uint8Array): Candidate[] {
    const kept: Candidate[] = [];
    for (const c of findCandidates(text, wanted, bytes)) {
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
