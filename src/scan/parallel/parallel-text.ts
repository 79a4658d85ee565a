import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FindingSink } from '../pipeline.js';
import { findingOf, valueAt } from '../pipeline.js';
import type { ValueHasher } from '../mask.js';
import type { PiiType } from '../types.js';
import type { Engine } from '../engine.js';
import type { WindowJob, WindowResult } from './protocol.js';
import { scanWindow, type WindowScan } from './window.js';

/** Window size and the context kept before each window (as in `TextWindows`). */
const WINDOW = 1 << 20;
const OVERLAP = 512;
const CONTEXT = 160;
const READ_CHUNK = 1 << 20;

/** Files at least this big are worth the ~100 ms it takes to start workers. */
export const PARALLEL_MIN_BYTES = 16 << 20;

/** How many workers a parallel scan uses: all cores but one for reading, at least two. */
export function parallelWorkers(): number {
  return Math.max(2, Math.min(8, availableParallelism() - 1));
}

function startWorker(workerData: { types: PiiType[]; minScore: number }): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./text-worker.js', import.meta.url), { workerData });
  }
  // Run from source (tests, the benchmark): the worker is TypeScript, and loader hooks are not
  // inherited by worker threads, so the worker registers tsx itself before importing it.
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const target = new URL('./text-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { eval: true, workerData });
}

export interface ParallelTextOptions {
  /** The engine to run here when `workers` is 0; workers build one from its types and threshold. */
  readonly engine: Engine;
  readonly hasher: ValueHasher;
  readonly sink: FindingSink;
  readonly source: string;
  readonly workers: number;
  readonly onProgress?: (bytes: number) => void;
}

/**
 * Scans a plain-text file for findings (not for redaction: the redactor needs every byte in order
 * on one thread). The file is read into one reused buffer and cut into windows after a newline,
 * as `TextWindows` does, so each window costs one string and no copies. With `workers` > 0 the
 * windows go to worker threads and their answers are put back in file order before masking,
 * hashing and reporting here; at most two windows per worker are in flight. With 0 the detectors
 * run on this thread. Either way the findings are the same (tested).
 */
export async function scanTextFile(path: string, options: ParallelTextOptions): Promise<number> {
  const workers = Array.from({ length: options.workers }, () =>
    startWorker({ types: [...options.engine.types], minScore: options.engine.minScore }),
  );
  const done = new Map<number, WindowResult>();
  const bases = new Map<number, number>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  for (const w of workers) {
    w.on('message', (r: WindowResult) => {
      done.set(r.id, r);
      wake?.();
    });
    w.on('error', (e: Error) => {
      failure = e;
      wake?.();
    });
  }
  let sent = 0;
  let next = 0; // next result to report, in order
  let line = 1;
  let bytes = 0;

  const report = (
    scan: WindowScan,
    base: number,
    bytesAt: (start: number, end: number) => string,
  ) => {
    for (const c of scan.candidates) {
      // Only the finding's own bytes are decoded here.
      const bytes = bytesAt(c.start, c.end);
      const finding = findingOf(c, valueAt(bytes, 0, bytes.length), options.hasher, {
        source: options.source,
        line: line + c.newlinesBefore,
        column: c.column,
        offset: base + c.start,
      });
      options.sink.finding(finding, { group: null, offset: base + c.start });
    }
    line += scan.newlines;
  };
  const drain = async (maxInFlight: number) => {
    for (;;) {
      if (failure !== null) throw failure;
      while (done.has(next)) {
        const result = done.get(next)!;
        const bytes = Buffer.from(result.buffer);
        report(result, bases.get(next)!, (start, end) => bytes.toString('latin1', start, end));
        bases.delete(next);
        pool.push(result.buffer);
        done.delete(next);
        next++;
      }
      if (sent - next <= maxInFlight) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  };
  // Window buffers travel to a worker and back and are then reused, so memory stays flat
  // instead of growing until the collector notices a few hundred detached megabytes.
  const pool: ArrayBuffer[] = [];
  const inline = workers.length === 0 ? options.engine : null;
  const send = (window: Buffer, prefixLength: number, limit: number, base: number) => {
    if (inline !== null) {
      // No workers: scan here, one string per window and no copies.
      const text = window.toString('latin1');
      report(scanWindow(inline, text, prefixLength, limit, window), base, (start, end) =>
        text.slice(start, end),
      );
      sent++;
      next++;
      return;
    }
    let buffer = pool.pop();
    if (buffer === undefined || buffer.byteLength < window.length) {
      buffer = new ArrayBuffer(Math.max(window.length, 2 * WINDOW + READ_CHUNK));
    }
    new Uint8Array(buffer).set(window);
    const job: WindowJob = { id: sent, buffer, length: window.length, prefixLength, limit };
    bases.set(sent, base);
    workers[sent % workers.length]!.postMessage(job, [buffer]);
    sent++;
  };

  const handle = await open(path, 'r');
  try {
    // One buffer, compacted after each window: no allocation per chunk.
    const pending = Buffer.alloc(2 * WINDOW + READ_CHUNK);
    let length = 0;
    let base = 0; // file offset of pending[0]
    let contextLength = 0;
    // Two read buffers: the next chunk is read on libuv's thread pool while this one is scanned
    // (reading in turn left the thread idle for a tenth of the run).
    const reads = [Buffer.alloc(READ_CHUNK), Buffer.alloc(READ_CHUNK)];
    let which = 0;
    const readNext = () => {
      const read = handle.read(reads[which]!, 0, READ_CHUNK, null);
      read.catch(() => undefined); // awaited below; a failure while scanning is not unhandled
      return read;
    };
    let nextRead = readNext();
    for (;;) {
      const { bytesRead } = await nextRead;
      if (bytesRead === 0) break;
      const chunk = reads[which]!;
      which ^= 1;
      nextRead = readNext();
      chunk.copy(pending, length, 0, bytesRead);
      length += bytesRead;
      bytes += bytesRead;
      options.onProgress?.(bytesRead);
      while (length >= WINDOW + contextLength) {
        const window = pending.subarray(0, length);
        const newline = window.lastIndexOf(10);
        const floor = contextLength + ((length - contextLength) >> 2);
        const cut = newline >= floor ? newline + 1 : length - OVERLAP;
        send(window, contextLength, cut, base);
        const keepFrom = Math.max(0, cut - CONTEXT);
        pending.copyWithin(0, keepFrom, length);
        length -= keepFrom;
        base += keepFrom;
        contextLength = cut - keepFrom;
      }
      await drain(2 * workers.length);
    }
    if (length > contextLength) send(pending.subarray(0, length), contextLength, length, base);
    await drain(0);
    return bytes;
  } finally {
    await handle.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
