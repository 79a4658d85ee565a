import { closeSync, openSync, readSync } from 'node:fs';
import type { Engine } from './engine.js';
import { countNewlines } from './find-candidates.js';
import type { ValueHasher } from './mask.js';
import { findingOf, valueAt, type FindingSink } from './pipeline.js';
import { codePoints } from './readers/text.js';

/**
 * Bytes per window. Small on purpose: a 64 KiB byte string is allocated in V8's young generation
 * and dies there, while a 1 MiB one (what `TextWindows` uses) is an external string in freshly
 * mapped memory — page faults, then old-generation collections. Measured on 200 MB: peak RSS
 * 136 → 76 MiB, and the conversion 40–100 ms → 25 ms. Each window costs ~250 bytes scanned twice
 * (the context and the partial line after the cut), 0.4 %.
 */
const WINDOW = 1 << 16;
/** Longest match that must not be cut at a window's end (as in `TextWindows`). */
const OVERLAP = 512;
/** Bytes of the previous window kept before the next one as context words. */
const CONTEXT = 160;
const READ_CHUNK = 1 << 20;
/** Reads between two turns of the event loop (progress bar, output streams). */
const YIELD_EVERY = 8;

export interface TextFileOptions {
  readonly engine: Engine;
  readonly hasher: ValueHasher;
  readonly sink: FindingSink;
  /** The path findings are attributed to. */
  readonly source: string;
  readonly onProgress?: (bytes: number) => void;
}

/**
 * Scans a plain-text file for findings (not for redaction, which goes through the streaming
 * reader): the file is read into one reused buffer and cut into windows after a newline, as
 * `TextWindows` does, so each window costs one string and no other copy; the result is the same
 * as the reader's (tested). Returns the bytes read.
 *
 * Why one thread: on the project's two-core machine worker threads made a 200 MB scan slower
 * (1.6 s against 0.96 s) and its peak memory three times larger (240 against 76 MiB), with the
 * detectors no longer the larger part of the work (see docs/BENCHMARKS.md).
 */
export async function scanTextFile(path: string, options: TextFileOptions): Promise<number> {
  const { engine, hasher, sink, source } = options;
  let line = 1;
  /** Code points between the start of the current line and byte 0 of the next window. */
  let carry = 0;

  /** Scans `window` and reports the findings starting in `[prefixLength, limit)`. */
  const scanWindow = (window: Buffer, prefixLength: number, limit: number, base: number) => {
    const text = window.toString('latin1');
    let lineStart = prefixLength === 0 ? 0 : text.lastIndexOf('\n', prefixLength - 1) + 1;
    // No newline before the reported part: the line began in an earlier window.
    let lineCarry = lineStart === 0 ? carry : 0;
    let counted = prefixLength;
    // Newlines are counted by the kernel (a window holds ~700 lines and few findings); only the
    // start of the line a finding is on is looked for by hand.
    const countTo = (to: number) => {
      const n = countNewlines(text, counted, to);
      if (n > 0) {
        line += n;
        lineStart = text.lastIndexOf('\n', to - 1) + 1;
        lineCarry = 0;
      }
      counted = to;
    };
    for (const c of engine.detect(text, prefixLength, window)) {
      if (c.start >= limit) break;
      countTo(c.start);
      const offset = base + c.start;
      const finding = findingOf(c, valueAt(text, c.start, c.end), hasher, {
        source,
        line,
        column: lineCarry + codePoints(text, lineStart, c.start) + 1,
        offset,
      });
      sink.finding(finding, { group: null, offset });
    }
    countTo(limit);
    return text;
  };

  const fd = openSync(path, 'r');
  try {
    // One buffer, compacted after each read: no allocation per chunk, and reads land in it
    // directly (a synchronous read from the page cache costs less than the promise round trip
    // and the copy out of a second buffer that reading ahead needed).
    const pending = Buffer.alloc(2 * WINDOW + READ_CHUNK);
    let length = 0;
    let base = 0; // file offset of pending[0]
    let contextLength = 0;
    let bytes = 0;
    for (let reads = 1; ; reads++) {
      const bytesRead = readSync(fd, pending, length, READ_CHUNK, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      bytes += bytesRead;
      options.onProgress?.(bytesRead);
      // Windows are cut from `start` on and the buffer is compacted once per read, not once per
      // window (which would move the rest of the megabyte sixteen times).
      let start = 0;
      while (length - start >= WINDOW + contextLength) {
        const window = pending.subarray(start, start + WINDOW + contextLength);
        const newline = window.lastIndexOf(10);
        const floor = contextLength + ((window.length - contextLength) >> 2);
        const cut = newline >= floor ? newline + 1 : window.length - OVERLAP;
        const text = scanWindow(window, contextLength, cut, base + start);
        const keepFrom = Math.max(0, cut - CONTEXT);
        const lastNewline = text.lastIndexOf('\n', keepFrom - 1);
        carry =
          lastNewline >= 0
            ? codePoints(text, lastNewline + 1, keepFrom)
            : carry + codePoints(text, 0, keepFrom);
        start += keepFrom;
        contextLength = cut - keepFrom;
      }
      pending.copyWithin(0, start, length);
      length -= start;
      base += start;
      if (reads % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (length > contextLength)
      scanWindow(pending.subarray(0, length), contextLength, length, base);
    return bytes;
  } finally {
    closeSync(fd);
  }
}
