import type { Candidate, PiiType } from '../types.js';

/**
 * A detector proposes candidates of one or more types in a byte string (see `bytes.ts`). It is a
 * pure function of the text: no state survives between calls.
 *
 * Most identifiers contain a run of three or more digits, so the engine walks such runs once and
 * offers each to every detector's `atDigits` instead of letting nine regular expressions each scan
 * the whole text for digits: that single pass is most of the scanner's speed.
 */
export interface Detector {
  /** The types this detector can emit (used to skip it when `--types` excludes them all). */
  readonly types: readonly PiiType[];
  /** Context words per type; a type without an entry gains nothing from context. */
  readonly context: Partial<Readonly<Record<PiiType, RegExp>>>;
  /** Scans the whole text; for detectors anchored on something other than a digit run. */
  find?(text: string, out: Candidate[]): void;
  /** Called for every maximal run of three or more ASCII digits `text[start, end)`. */
  atDigits?(text: string, start: number, end: number, out: Candidate[]): void;
}
