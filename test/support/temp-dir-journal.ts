/**
 * A setup file (vitest.config.ts): every folder a test process makes with `mkdtempSync` or
 * `fs.promises.mkdtemp` directly in os.tmpdir() is noted in a journal in the run's fixtures
 * folder. At the end of the run test/global-setup.ts names the noted folders that still exist:
 * those this run left behind, told apart from what anything else on the machine (a benchmark,
 * another run) makes meanwhile.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The file where test processes note the temporary folders they make, one path a line. */
    tempDirJournal: string;
  }
}

// Test files share a process (and its `fs`) one after another: wrap `mkdtemp` once.
const WRAPPED = Symbol.for('qalqan.tempDirJournal');

function noteTempDirs(journal: string): void {
  const fsWithMark = fs as typeof fs & { [WRAPPED]?: true };
  if (fsWithMark[WRAPPED]) return;
  fsWithMark[WRAPPED] = true;
  const note = (dir: string | Buffer): void => {
    const made = dir.toString();
    if (path.dirname(made) === tmpdir()) fs.appendFileSync(journal, `${made}\n`);
  };
  const mkdtempSync = fs.mkdtempSync.bind(fs) as (...args: unknown[]) => string | Buffer;
  fs.mkdtempSync = ((...args: unknown[]) => {
    const dir = mkdtempSync(...args);
    note(dir);
    return dir;
  }) as typeof fs.mkdtempSync;
  const mkdtemp = fs.promises.mkdtemp.bind(fs.promises) as (
    ...args: unknown[]
  ) => Promise<string | Buffer>;
  fs.promises.mkdtemp = (async (...args: unknown[]) => {
    const dir = await mkdtemp(...args);
    note(dir);
    return dir;
  }) as typeof fs.promises.mkdtemp;
  // `import { mkdtempSync } from 'node:fs'` sees the wrapped function only after this.
  syncBuiltinESMExports();
}

noteTempDirs(inject('tempDirJournal'));
