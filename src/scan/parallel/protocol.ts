import type { PiiType } from '../types.js';

/** A window of a text file sent to a worker (the buffer is transferred, not copied). */
export interface WindowJob {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  /** Bytes of `buffer` in use (buffers are pooled and reused). */
  readonly length: number;
  /** Leading bytes that are context only. */
  readonly prefixLength: number;
  /** Report only candidates starting before this offset. */
  readonly limit: number;
}

/** What a worker answers: candidate spans, and newlines in `[prefixLength, limit)`. */
export interface WindowResult {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly candidates: readonly {
    readonly type: PiiType;
    readonly start: number;
    readonly end: number;
    readonly score: number;
    readonly validated: boolean;
    readonly subtype?: string;
    /** Newlines between `prefixLength` and the candidate. */
    readonly newlinesBefore: number;
    readonly column: number;
  }[];
  readonly newlines: number;
}
