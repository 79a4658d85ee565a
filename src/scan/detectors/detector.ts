import type { Candidate, PiiType } from '../types.js';

/**
 * A detector proposes candidates of one or more types in a byte string (see `bytes.ts`). It is a
 * pure function of the text: no state survives between calls.
 *
 * The engine makes one pass over the bytes (`kernel/byte-kernel.ts`) and hands each detector the
 * positions it cares about: maximal runs of three or more digits to `atDigits`, `@`, dots
 * and colons to the e-mail and IP functions, word starts to the health terms. No detector scans
 * the whole text itself except the MRZ one, and only when the pass saw a `<`.
 */
export interface Detector {
  /** The types this detector can emit (used to skip it when `--types` excludes them all). */
  readonly types: readonly PiiType[];
  /** Context words per type; a type without an entry gains nothing from context. */
  readonly context: Partial<Readonly<Record<PiiType, RegExp>>>;
  /** Scans the whole text (MRZ zones, called only when the text holds a `<`). */
  readonly find?: (text: string, out: Candidate[]) => void;
  /**
   * Called for maximal runs of three or more ASCII digits `text[start, end)`: every run whose
   * length and neighbouring bytes pass the kernel's gate (`kernel/digit-run-gate.ts`), which lists
   * the first check of each detector; a new detector's first check must be added there. A function
   * property, not a method: the engine calls it detached, from a call site of its own.
   */
  readonly atDigits?: (text: string, start: number, end: number, out: Candidate[]) => void;
}
