import type { FindingLocation, PiiType } from '../types.js';

/**
 * A piece of text a reader hands to the scanner: a message, a CSV record, a JSON string, a window
 * of a plain-text file. `text` is a byte string (see `bytes.ts`).
 */
export interface Unit {
  readonly text: string;
  /** Leading bytes that are context only (a CSV header, the tail of the previous window). */
  readonly prefixLength: number;
  /** Only candidates starting before this offset are reported (the rest belong to the next window). */
  readonly limit: number;
  /** Maps an offset in `text` to the byte offset in the source file, for redaction and SARIF. */
  toSource(offset: number): number;
  /** How worst cases are found: health data in the same unit (a message), or within ~300 bytes. */
  readonly proximity: 'unit' | 'distance';
}

/** Where a candidate sits, given its offset in the unit (readers add line numbers, paths, chats). */
export type Locate = (offset: number) => Omit<FindingLocation, 'source'>;

/** A masked span ready to be written in place of source bytes. */
export interface Mask {
  readonly start: number;
  readonly end: number;
  /** The masked value as a byte string. */
  readonly masked: string;
}

export interface ScanUnitOptions {
  /** Drops a finding from the report (its value is still redacted), e.g. a duplicate. */
  readonly accept?: (type: PiiType, hash: string) => boolean;
  /**
   * Takes over redaction of this unit's findings (offsets are unit offsets): a JSON number must
   * become a quoted string when masked, which only the JSON reader knows.
   */
  readonly redactUnit?: (masks: readonly Mask[]) => void;
}

/** What every reader receives: the scanner to hand units to, and the redactor. */
export interface ReaderContext {
  scan(unit: Unit, locate: Locate, options?: ScanUnitOptions): void;
  /** Replaces source bytes `[start, end)` by `bytes` in the redacted copy (no-op without one). */
  redact(start: number, end: number, bytes: string): void;
}

/** A push-based reader of one file: chunks in, units out, constant memory. */
export interface Reader {
  /** Feeds the next bytes of the file (as a byte string). */
  push(chunk: string): void;
  /** Signals the end of the file; throws a `DomainError` if the file is malformed. */
  end(): void;
  /** Source bytes before this offset will get no more redaction edits and may be written out. */
  settled(): number;
}

/** A unit whose text is a verbatim slice of the file starting at byte `base`. */
export function verbatimUnit(
  text: string,
  base: number,
  prefixLength = 0,
  limit = text.length,
  proximity: Unit['proximity'] = 'distance',
): Unit {
  return { text, prefixLength, limit, proximity, toSource: (offset) => base + offset };
}

/** Window sizes for streamed text: big enough to amortise the scan, small enough to stay flat. */
export interface WindowOptions {
  /** Bytes collected before a window is scanned. */
  readonly window: number;
  /** Longest match (an MRZ zone, an e-mail address) that must not be cut at a window's end. */
  readonly overlap: number;
  /** Bytes of the previous window kept before the next one as context words. */
  readonly context: number;
}

export const DEFAULT_WINDOW: WindowOptions = { window: 1 << 20, overlap: 512, context: 160 };

/**
 * Cuts a stream of text into overlapping windows so that memory stays flat and no match is lost
 * at a window's edge. Once `window` bytes are buffered, the buffer is scanned whole but only
 * matches starting before the cut are reported; the cut is after the last newline when there is
 * one in the buffer's last three quarters (the partial line is scanned again with its end), else
 * `overlap` bytes before the end, so a match that starts before the cut is always seen whole. The
 * next window starts at the cut, preceded by `context` bytes that only serve as context words.
 * Scanning the buffer as it is (not a copy up to the cut) keeps it to one copy per byte.
 */
export class TextWindows {
  private buffer = '';
  /** Source offset of `buffer[0]`. */
  private base: number;
  /** Leading bytes of `buffer` that were already reported (context only). */
  private contextLength = 0;

  constructor(
    private readonly onWindow: (unit: Unit, windowBase: number) => void,
    base = 0,
    private readonly options: WindowOptions = DEFAULT_WINDOW,
  ) {
    this.base = base;
  }

  push(chunk: string): void {
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    while (this.buffer.length >= this.options.window + this.contextLength) this.cut(false);
  }

  end(): void {
    if (this.buffer.length > this.contextLength) this.cut(true);
    this.buffer = '';
  }

  /** Source offset up to which text has been scanned and reported. */
  settled(): number {
    return this.base + this.contextLength;
  }

  private cut(final: boolean): void {
    const { overlap, context } = this.options;
    const length = this.buffer.length;
    let cut = length;
    if (!final) {
      const newline = this.buffer.lastIndexOf('\n');
      const floor = this.contextLength + ((length - this.contextLength) >> 2);
      cut = newline >= floor ? newline + 1 : length - overlap;
    }
    this.onWindow(verbatimUnit(this.buffer, this.base, this.contextLength, cut), this.base);
    const keepFrom = Math.max(0, cut - context);
    this.buffer = this.buffer.slice(keepFrom);
    this.base += keepFrom;
    this.contextLength = cut - keepFrom;
  }
}
