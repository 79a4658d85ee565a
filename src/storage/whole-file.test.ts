import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fifoWithWriter } from '../../test/support/fifo.js';
import { FileLimitError, formatBytes, readWholeFile } from './whole-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-whole-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readWholeFile', () => {
  it('reads a regular file up to its limit, exactly at the limit too', () => {
    const file = path.join(dir, 'key.txt');
    writeFileSync(file, 'abcd');
    expect(readWholeFile(file, 4, 'a key file').toString()).toBe('abcd');
  });

  it('refuses a file over its limit before reading it, naming it and the limit', () => {
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, '');
    truncateSync(file, 64 * 1024 * 1024); // sparse: nothing is written
    expect(() => readWholeFile(file, 32 * 1024 * 1024, 'an import file', 'big.csv')).toThrow(
      new FileLimitError('big.csv is larger than 32 MiB, the limit for an import file'),
    );
  });

  it('refuses a device or a FIFO at once, without reading or waiting', () => {
    expect(() => readWholeFile('/dev/zero', 1024, 'a key file')).toThrow(
      new FileLimitError('/dev/zero is not a regular file (a character device)'),
    );
    const fifo = path.join(dir, 'pipe');
    const stop = fifoWithWriter(fifo);
    try {
      const started = Date.now();
      expect(() => readWholeFile(fifo, 1024, 'a checkpoint', 'pipe')).toThrow(
        new FileLimitError('pipe is not a regular file (a FIFO)'),
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      stop();
    }
  });

  it('keeps the errors of the open and of a directory as Node words them', () => {
    expect(() => readWholeFile(path.join(dir, 'none'), 10, 'x')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(() => readWholeFile(dir, 10, 'x')).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it('words limits in KiB and MiB', () => {
    expect([formatBytes(65536), formatBytes(32 * 1024 * 1024), formatBytes(1000)]).toEqual([
      '64 KiB',
      '32 MiB',
      '1000 bytes',
    ]);
  });
});
