import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver } from './sqlite-driver.js';
import { openStorage } from './storage.js';
import {
  FALLBACK_AUTOCHECKPOINT_PAGES,
  SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES,
  startWalCheckpointer,
} from './wal-checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A WAL database with a table, as the storage opens it. */
function openWal() {
  const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const Driver = loadSqliteDriver();
  const sqlite = new Driver(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec('create table t (id integer primary key, body blob not null)');
  const insert = sqlite.prepare('insert into t (body) values (?)');
  const write = (rows: number) =>
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(2000, i));
    })();
  const autocheckpoint = () => Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  return { file, sqlite, write, autocheckpoint };
}

describe('WAL checkpoints on a worker thread', () => {
  it('starts no worker while the WAL is small, and checkpoints every frame on the worker once asked', async () => {
    const db = openWal();
    const checkpointer = startWalCheckpointer({
      file: db.file,
      sqlite: db.sqlite,
      intervalMs: 10_000,
    });
    db.write(10);
    expect(checkpointer.running).toBe(false);
    expect(db.autocheckpoint()).toBe(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);

    db.write(500);
    const result = await checkpointer.checkpointNow();
    expect(checkpointer.running).toBe(true);
    // The main connection checkpoints by itself only far behind while the worker runs.
    expect(db.autocheckpoint()).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    expect(result.busy).toBe(0);
    expect(result.log).toBeGreaterThan(200);
    expect(result.checkpointed).toBe(result.log);
    await checkpointer.close();
    expect(db.autocheckpoint()).toBe(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);
    db.sqlite.close();
  });

  it('keeps the WAL bounded while the main thread writes, with the main connection never checkpointing', async () => {
    const db = openWal();
    const checkpointer = startWalCheckpointer({
      file: db.file,
      sqlite: db.sqlite,
      intervalMs: 5,
      startAtBytes: 0,
    });
    // 40 MB written in 200 transactions, far past SQLite's own 1,000-page checkpoint.
    for (let round = 0; round < 200; round++) {
      db.write(100);
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
    await checkpointer.checkpointNow();
    db.write(1);
    // Restarted from its start after a full backfill: the WAL file stays far below what was written.
    const { checkpointed, log } = await checkpointer.checkpointNow();
    expect(checkpointed).toBe(log);
    expect(statSync(`${db.file}-wal`).size).toBeLessThan(FALLBACK_AUTOCHECKPOINT_PAGES * 4096);
    const rows = db.sqlite.prepare('select count(*) as n from t').get() as { n: number };
    expect(rows.n).toBe(200 * 100 + 1);
    await checkpointer.close();
    db.sqlite.close();
  });

  it("falls back to SQLite's own checkpoints when the worker cannot run", async () => {
    const db = openWal();
    const errors: Error[] = [];
    const checkpointer = startWalCheckpointer({
      file: db.file,
      sqlite: db.sqlite,
      intervalMs: 10_000,
      driverPath: path.join(tmpdir(), 'no-such-sqlite-driver.cjs'),
      onError: (error) => errors.push(error),
    });
    await expect(checkpointer.checkpointNow()).rejects.toThrow();
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(db.autocheckpoint()).toBe(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);
    expect(checkpointer.running).toBe(false);
    // Told once, though the worker both failed and exited.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toHaveLength(1);
    await checkpointer.close();
    db.write(5);
    db.sqlite.close();
  });

  it("tells the storage's owner, once and with the reason, when the storage's worker fails", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-wal-problem-'));
    dirs.push(dataDir);
    const problems: { message: string; error: Error }[] = [];
    const storage = await openStorage({
      dataDir,
      onProblem: (message, error) => problems.push({ message, error }),
    });
    if (storage.native.dialect !== 'sqlite') throw new Error('expected SQLite');
    const sqlite = storage.native.sqlite;
    // The worker opens the file by name when it starts; moved away, the open fails (the main
    // connection keeps its descriptor and goes on writing).
    renameSync(path.join(dataDir, 'qalqan.db'), path.join(dataDir, 'moved.db'));
    sqlite.exec('create table t (id integer primary key, body blob not null)');
    const insert = sqlite.prepare('insert into t (body) values (?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 1500; i++) insert.run(Buffer.alloc(2000, i));
    })();
    await expect.poll(() => problems.length, { timeout: 3000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/WAL checkpoint worker failed/);
    // The reason crosses the thread boundary readable (a SqliteError alone arrives as { code }).
    expect(problems[0]!.error).toBeInstanceOf(Error);
    expect(problems[0]!.error.message).toMatch(
      /cannot open .*qalqan\.db: unable to open database file/,
    );
    expect(Number(sqlite.pragma('wal_autocheckpoint', { simple: true }))).toBe(
      SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES,
    );
    await storage.close();
  });

  it('is started by the storage on a file database and closed with it: the WAL is gone after close', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-wal-storage-'));
    dirs.push(dataDir);
    const storage = await openStorage({ dataDir });
    if (storage.native.dialect !== 'sqlite') throw new Error('expected SQLite');
    const sqlite = storage.native.sqlite;
    sqlite.exec('create table t (id integer primary key, body blob not null)');
    const insert = sqlite.prepare('insert into t (body) values (?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 1500; i++) insert.run(Buffer.alloc(2000, i));
    })();
    // Past the start threshold: the storage's checkpointer takes over within its interval.
    await expect
      .poll(() => Number(sqlite.pragma('wal_autocheckpoint', { simple: true })), {
        timeout: 3000,
      })
      .toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await storage.close();
    // The last connection to close checkpoints and removes the WAL: the worker's closed first.
    expect(existsSync(path.join(dataDir, 'qalqan.db-wal'))).toBe(false);
  });
});
