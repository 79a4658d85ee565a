/**
 * The SQLite database is as sensitive as the key files: created owner-only (with its -wal and
 * -shm), and a database others can read stops the start with one line saying how to fix it.
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { openStorage, refuseSharedFiles, StorageError } from './storage.js';

const posix = process.platform !== 'win32';

describe.runIf(posix)('SQLite file permissions', () => {
  const tempDir = tempDirsRemovedAfterAll('qalqan-perm-');

  it('creates the database, -wal and -shm 0600 in a pre-created 0755 data dir', async () => {
    const dataDir = tempDir();
    chmodSync(dataDir, 0o755);
    const storage = await openStorage({ dataDir });
    try {
      await sql`create table t (x integer)`.execute(storage.db);
      await sql`insert into t values (1)`.execute(storage.db);
      const file = path.join(dataDir, 'qalqan.db');
      for (const name of [file, `${file}-wal`, `${file}-shm`]) {
        expect(statSync(name).mode & 0o777, name).toBe(0o600);
      }
    } finally {
      await storage.close();
    }
  });

  it('refuses to open a database file readable by group or others, in one line', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'qalqan.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const opening = openStorage({ dataDir });
    await expect(opening).rejects.toThrow(StorageError);
    await expect(opening).rejects.toThrow(
      `database file ${file} is readable by group or others (mode 644); run: chmod 600 ${file}*`,
    );
    await opening.catch((error: Error) => expect(error.message).not.toContain('\n'));
  });

  it('also refuses a shared -wal file left beside an owner-only database', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'qalqan.db');
    writeFileSync(file, '', { mode: 0o600 });
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o640);
    expect(() => refuseSharedFiles(file)).toThrow(`${file}-wal is readable by group or others`);
    chmodSync(`${file}-wal`, 0o600);
    expect(() => refuseSharedFiles(file)).not.toThrow();
    chmodSync(file, 0o604);
    expect(() => refuseSharedFiles(file, 'win32')).not.toThrow();
  });
});
