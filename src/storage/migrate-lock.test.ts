/**
 * Migrations on one SQLite file from several runs at once (two servers starting on a fresh data
 * dir, or `qalqan migrate` beside a starting server): Kysely takes no lock on SQLite, so without
 * `sqliteMigrationLock` the runs interleave and the later ones fail ("table … already exists").
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { migrations } from './migrations/index.js';
import { migrateToLatest, sqliteMigrationLock } from './migrate.js';
import { openStorage, type Storage } from './storage.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-migrate-lock-');
const run = promisify(execFile);
const ALL = Object.keys(migrations).sort();

async function appliedOnce(storage: Storage) {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(
    storage.db,
  );
  return rows.map((row) => row.name).sort();
}

describe('migrations on SQLite from several runs at once', () => {
  it('three runs in one process on a fresh file: one applies everything, the others wait and find nothing to do', async () => {
    const dataDir = tempDir();
    const storages = await Promise.all(
      [1, 2, 3].map(() => openStorage({ dataDir, databaseUrl: undefined })),
    );
    try {
      const reports = await Promise.all(
        storages.map((storage) => migrateToLatest(storage.db, storage.native)),
      );
      expect(reports.map((r) => r.applied.length).sort((a, b) => a - b)).toEqual([
        0,
        0,
        ALL.length,
      ]);
      expect(await appliedOnce(storages[0]!)).toEqual(ALL);
      // The lock file is owner-only, as the database is.
      expect(statSync(path.join(dataDir, 'qalqan.db-migrate-lock')).mode & 0o077).toBe(0);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
  });

  it('two `qalqan migrate` processes on a fresh data dir both succeed, each migration applied once', async () => {
    const dataDir = tempDir();
    const cli = path.resolve('src/cli/run.ts');
    // On SQLite whatever the suite runs against.
    const { DATABASE_URL: _postgres, ...withoutDatabaseUrl } = process.env;
    const migrate = () =>
      run(process.execPath, ['--import', 'tsx', cli, 'migrate', '--data-dir', dataDir], {
        env: withoutDatabaseUrl,
        timeout: 60_000,
      });
    const outputs = await Promise.all([migrate(), migrate()]);
    const said = outputs.map((o) => o.stdout.trim()).sort();
    expect(said[0]).toMatch(/already up to date/);
    expect(said[1]).toMatch(/applied /);
    const storage = await openStorage({ dataDir, databaseUrl: undefined });
    try {
      expect(await appliedOnce(storage)).toEqual(ALL);
    } finally {
      await storage.close();
    }
  }, 90_000);

  it('a run that cannot get the lock in time says so and applies nothing', async () => {
    const dataDir = tempDir();
    const holder = await openStorage({ dataDir, databaseUrl: undefined });
    const waiter = await openStorage({ dataDir, databaseUrl: undefined });
    try {
      if (holder.native.dialect !== 'sqlite' || waiter.native.dialect !== 'sqlite')
        throw new Error('expected SQLite');
      const held = await sqliteMigrationLock(holder.native.sqlite);
      try {
        await expect(sqliteMigrationLock(waiter.native.sqlite, 200)).rejects.toThrow(
          /another process has been migrating .*qalqan\.db for over 0 s/,
        );
      } finally {
        held?.release();
      }
      // Released, it is free again.
      (await sqliteMigrationLock(waiter.native.sqlite, 200))?.release();
    } finally {
      await holder.close();
      await waiter.close();
    }
  });
});
