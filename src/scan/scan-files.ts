import {
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { open } from 'node:fs/promises';
import { DomainError } from '../core/errors.js';
import { kindOf } from '../storage/whole-file.js';
import type { Engine } from './engine.js';
import type { ValueHasher } from './mask.js';
import { createScanContext, type FindingSink } from './pipeline.js';
import { createCsvReader, sniffDelimiter } from './readers/csv.js';
import {
  looksBinary,
  sniffFormat,
  type ConcreteFormat,
  type InputFormat,
} from './readers/format.js';
import { createJsonReader } from './readers/json.js';
import { createTextReader } from './readers/text.js';
import type { Reader, ReaderContext } from './readers/unit.js';
import { createWhatsAppReader } from './readers/whatsapp.js';
import { RedactingWriter } from './redact.js';
import { scanTextFile } from './text-file.js';

/** Read size: large enough for the scanner's windows, small enough to keep memory flat. */
const READ_CHUNK = 1 << 20;

export interface FileScanOptions {
  readonly engine: Engine;
  readonly hasher: ValueHasher;
  readonly sink: FindingSink;
  readonly inputFormat: InputFormat;
  /** Where to write the redacted copy, or undefined for none. */
  readonly redactTo?: string;
  /** Called after each chunk with the number of bytes read. */
  readonly onProgress?: (bytes: number) => void;
  /** Awaited after each chunk: lets the report's output drain so memory stays flat. */
  readonly afterChunk?: () => Promise<void>;
  /** The path as the report shows it, for error messages (default: `path`). */
  readonly shownAs?: string;
}

export interface FileScanResult {
  readonly path: string;
  readonly format: ConcreteFormat | 'binary';
  readonly bytes: number;
  readonly redactedTo?: string;
}

function createReader(format: ConcreteFormat, ctx: ReaderContext, head: string): Reader {
  switch (format) {
    case 'text':
      return createTextReader(ctx);
    case 'csv':
      return createCsvReader(ctx, sniffDelimiter(head.slice(0, head.indexOf('\n') >>> 0)));
    case 'tsv':
      return createCsvReader(ctx, '\t');
    case 'json':
      return createJsonReader(ctx, { telegram: false });
    case 'telegram':
      return createJsonReader(ctx, { telegram: true });
    case 'whatsapp':
      return createWhatsAppReader(ctx);
  }
}

/**
 * Scans one file in streaming fashion: memory stays flat whatever its size (1 MiB reads, readers
 * that keep at most a window or a record). Binary files are skipped (their result says so).
 */
export async function scanFile(path: string, options: FileScanOptions): Promise<FileScanResult> {
  const shown = options.shownAs ?? path;
  if (options.redactTo === undefined) {
    let format: ConcreteFormat | 'binary';
    try {
      format = await choose(path, options.inputFormat);
    } catch (error) {
      throw new DomainError('scan.unreadable_path', `${shown}: ${describeIoError(error)}`);
    }
    if (format === 'text') {
      try {
        const bytes = await scanTextFile(path, {
          engine: options.engine,
          hasher: options.hasher,
          sink: options.sink,
          source: path,
          ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
        });
        return { path, format, bytes };
      } catch (error) {
        throw new DomainError('scan.unreadable_path', `${shown}: ${describeIoError(error)}`);
      }
    }
  }
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  let reader: Reader | null = null;
  let redactor: RedactingWriter | null = null;
  let fd = -1;
  let format: ConcreteFormat | 'binary' = 'text';
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = chunk.toString('latin1');
      if (reader === null) {
        if (looksBinary(text.slice(0, 8192))) {
          format = 'binary';
          break;
        }
        format =
          options.inputFormat === 'auto'
            ? sniffFormat(path, text.slice(0, 65536))
            : options.inputFormat;
        if (options.redactTo !== undefined) {
          const out = openSync(options.redactTo, 'w');
          fd = out;
          redactor = new RedactingWriter((bytes) => writeSync(out, bytes));
        }
        const writer = redactor;
        const ctx = createScanContext({
          engine: options.engine,
          hasher: options.hasher,
          source: path,
          sink: options.sink,
          ...(writer !== null
            ? { redact: (s: number, e: number, b: string) => writer.edit(s, e, b) }
            : {}),
        });
        reader = createReader(format, ctx, text);
      }
      redactor?.append(text);
      reader.push(text);
      redactor?.flush(reader.settled());
      bytes += chunk.length;
      options.onProgress?.(chunk.length);
      if (options.afterChunk !== undefined) await options.afterChunk();
    }
    if (reader === null && format !== 'binary') {
      // An empty file: nothing to scan, but a redacted copy is still expected.
      if (options.redactTo !== undefined) closeSync(openSync(options.redactTo, 'w'));
    }
    reader?.end();
    redactor?.finish();
  } catch (error) {
    if (error instanceof DomainError) {
      throw new DomainError(error.code, `${shown}: ${error.detail}`);
    }
    throw new DomainError('scan.unreadable_path', `${shown}: ${describeIoError(error)}`);
  } finally {
    stream.destroy();
    if (fd >= 0) closeSync(fd);
  }
  return {
    path,
    format,
    bytes,
    ...(options.redactTo !== undefined && format !== 'binary'
      ? { redactedTo: options.redactTo }
      : {}),
  };
}

/** The format of a file from its first 64 KiB (or the one forced by the caller). */
async function choose(path: string, inputFormat: InputFormat): Promise<ConcreteFormat | 'binary'> {
  if (inputFormat !== 'auto') return inputFormat;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.toString('latin1', 0, bytesRead);
    return looksBinary(text.slice(0, 8192)) ? 'binary' : sniffFormat(path, text);
  } finally {
    await handle.close();
  }
}

/** A one-line reason for an I/O failure, without a stack. */
export function describeIoError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

/** An input left out of a scan, as the user named it (or below it), and why. */
export interface SkippedInput {
  readonly path: string;
  readonly reason: string;
}

/**
 * Expands the paths given on the command line: files as they are, directories recursively
 * (sorted, hidden entries skipped). A path that does not exist is an error before any scanning.
 * A path that is neither a regular file nor a directory (a device, a FIFO, a socket) is not
 * scanned and is listed in `skipped`, for the caller to say so.
 */
export function expandPaths(
  paths: readonly string[],
  cwd: string = process.cwd(),
): { files: string[]; totalBytes: number; skipped: SkippedInput[] } {
  const files: string[] = [];
  const skipped: SkippedInput[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;
  // `shown` is the path as the user typed it (or below it), for error messages.
  const visit = (path: string, shown: string, explicit: boolean) => {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new DomainError('scan.unreadable_path', `${shown}: ${describeIoError(error)}`);
    }
    if (stat.isDirectory()) {
      // A symbolic link back up the tree would otherwise make the walk endless.
      const real = realpathSync(path);
      if (seen.has(real)) return;
      seen.add(real);
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (error) {
        throw new DomainError('scan.unreadable_path', `${shown}: ${describeIoError(error)}`);
      }
      for (const entry of entries) {
        if (!entry.startsWith('.')) visit(join(path, entry), join(shown, entry), false);
      }
    } else if (stat.isFile() && (explicit || !isRedactedCopy(path))) {
      files.push(path);
      totalBytes += stat.size;
    } else if (!stat.isFile()) {
      skipped.push({ path: shown, reason: `not a regular file (${kindOf(stat)})` });
    }
  };
  for (const p of paths) visit(resolve(cwd, p), p, true);
  return { files, totalBytes, skipped };
}

/** `chat.redacted.json` for `chat.json`, in `dir` when given, else beside the input. */
export function redactedPath(path: string, dir?: string): string {
  const ext = extname(path);
  const name = `${basename(path, ext)}.redacted${ext}`;
  return join(dir ?? dirname(path), name);
}

/**
 * Where the redacted copies of a scan go: beside each input, or under `dir` keeping each input's
 * path relative to `base` (so `a/x.txt` and `b/x.txt` do not overwrite each other); inputs outside
 * `base` get a numbered name instead. Creates the folders.
 */
export function createRedactedPaths(
  dir: string | undefined,
  base: string,
): (file: string) => string {
  const used = new Set<string>();
  return (file) => {
    if (dir === undefined) return redactedPath(file);
    const rel = relative(base, dirname(file));
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    let target = redactedPath(file, inside ? join(dir, rel) : dir);
    for (let n = 2; used.has(target); n++) {
      const ext = extname(file);
      target = join(dirname(target), `${basename(file, ext)}.redacted-${n}${ext}`);
    }
    used.add(target);
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (error) {
      throw new DomainError(
        'scan.unreadable_path',
        `${dirname(target)}: cannot write the redacted copies there (${describeIoError(error)})`,
      );
    }
    return target;
  };
}

function isRedactedCopy(path: string): boolean {
  return basename(path, extname(path)).endsWith('.redacted');
}
