/**
 * Reading a file whole, bounded: only a regular file, and only up to a limit for its kind. A path
 * naming a device (`/dev/zero` never ends), a FIFO (its open waits for a writer) or a file far
 * larger than its kind can be is refused in one message naming it, before anything is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The per-kind limits, in bytes; docs/OPERATIONS.md lists them. */
export const FILE_LIMITS = {
  /** A key file under the data dir's secrets, a scan --key-file, a ledger verifier key. */
  key: 64 * 1024,
  /** A ledger checkpoint (a signed note of a few lines). */
  checkpoint: 64 * 1024,
  /** A consent receipt (a compact JWS, bare or as the API's JSON). */
  receipt: 1024 * 1024,
  /** A JWKS file. */
  jwks: 1024 * 1024,
  /** A registry or guardianship import file. */
  import: 32 * 1024 * 1024,
} as const;

/** A file refused before reading: not a regular file, or over its limit. */
export class FileLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileLimitError';
  }
}

/** 65536 → '64 KiB', 33554432 → '32 MiB'. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** What a path that is not a regular file is, for messages: 'a FIFO', 'a character device'… */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The whole of `file`, refused with a FileLimitError naming it when it is not a regular file or
 * holds more than `limit` bytes (also when it grows past the limit while being read). Errors of
 * the open itself (ENOENT, EACCES…) are thrown as Node throws them, for the caller's wording.
 * A directory is thrown as EISDIR, as reading one always was. The open does not block: a FIFO
 * is found by fstat instead of waiting for a writer. `shown` names the file in messages.
 */
export function readWholeFile(file: string, limit: number, what: string, shown = file): Buffer {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory())
      throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), {
        code: 'EISDIR',
      });
    if (!stats.isFile())
      throw new FileLimitError(`${shown} is not a regular file (${kindOf(stats)})`);
    const tooLarge = () =>
      new FileLimitError(`${shown} is larger than ${formatBytes(limit)}, the limit for ${what}`);
    if (stats.size > limit) throw tooLarge();
    // Read until the end, or until one byte over the limit shows the file is too large.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - length));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      length += read;
      if (length > limit) throw tooLarge();
    }
    return Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}
