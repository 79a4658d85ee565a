import { fromByteString, toByteString } from '../bytes.js';
import { createEngine, type DetectOptions } from '../engine.js';
import type { PiiType } from '../types.js';

export interface Detected {
  readonly type: PiiType;
  readonly value: string;
  readonly score: number;
  readonly subtype?: string;
}

/** Runs the engine over a JavaScript string and returns the matched values (tests only). */
export function detect(text: string, options: DetectOptions = {}): Detected[] {
  const bytes = toByteString(text);
  return createEngine(options)
    .detect(bytes)
    .map((c) => ({
      type: c.type,
      value: fromByteString(bytes.slice(c.start, c.end)),
      score: c.score,
      ...(c.subtype !== undefined ? { subtype: c.subtype } : {}),
    }));
}

/** The values of one type found in `text`. */
export function valuesOf(text: string, type: PiiType, minScore?: number): string[] {
  return detect(text, { types: [type], ...(minScore !== undefined ? { minScore } : {}) }).map(
    (d) => d.value,
  );
}
