/**
 * Temporary folders for tests, each removed by the suite that made it: a CI machine that runs the
 * suite many times would otherwise fill its disk. test/global-setup.ts names any the run left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A fresh folder in os.tmpdir(), `prefix` and six random characters; the caller removes it. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Removes a folder and everything in it; nothing happens when it is already gone. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A maker of fresh folders in os.tmpdir() (each `prefix` and six random characters), all removed
 * after the last test of the file (or of the describe block) it is called in; call it where a hook
 * may be declared. Hooks run last-declared first, and a describe block's before its file's, so a
 * server or child process stopped in an after-hook declared later or further in is gone before its
 * folder is removed.
 */
export function tempDirsRemovedAfterAll(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) removeTempDir(dir);
  });
  return () => {
    const dir = makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}
