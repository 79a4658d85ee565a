/**
 * Secret material on disk: generated once into the data directory with owner-only permissions,
 * or supplied by the operator through the environment. A key file that others can read is
 * refused rather than used, as ssh does, because these keys unlock every pseudonym.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { FILE_LIMITS, FileLimitError, readWholeFile } from '../storage/whole-file.js';

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** Decodes a 32-byte key given as 64 hex characters or base64 / base64url. */
export function decodeKey(value: string, setting: string, bytes = 32): Buffer {
  const trimmed = value.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length === bytes * 2)
    key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (!key || key.length !== bytes) {
    throw new SecretError(
      `${setting} must be ${bytes} bytes as ${bytes * 2} hex characters or base64`,
    );
  }
  return key;
}

/** Creates `dir` (and parents) with mode 0700 if it does not exist. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Reads the key in `file`, or creates it with `generate()` if the file does not exist.
 * Creation uses O_EXCL so two processes starting together cannot both write a different key.
 */
export function readOrCreateKeyFile(
  file: string,
  generate: () => Buffer = () => randomBytes(32),
): Buffer {
  ensurePrivateDir(path.dirname(file));
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, generate().toString('base64') + '\n');
    } finally {
      closeSync(fd);
    }
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyFile(file);
}

/** Reads a base64/hex key file, refusing files that group or others can read. */
export function readKeyFile(file: string, bytes = 32): Buffer {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new SecretError(`key file ${file} cannot be read`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretError(
      `key file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  return decodeKey(readKeyText(file, 'key file'), `key file ${file}`, bytes);
}

/**
 * The text of a key file: a regular file of at most FILE_LIMITS.key bytes, else a SecretError
 * naming it (a FIFO would hang the start, /dev/zero would never end).
 */
export function readKeyText(file: string, what: string): string {
  try {
    return readWholeFile(file, FILE_LIMITS.key, `a ${what}`).toString('utf8');
  } catch (error) {
    if (error instanceof FileLimitError) throw new SecretError(`${what} ${error.message}`);
    throw new SecretError(
      `${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}
