/**
 * The SQLite writer's durability: a batch commits at `synchronous = NORMAL` and is confirmed only
 * after the WAL file's fdatasync (on the thread pool) returns; a failed fsync is never confirmed.
 * The fsync is injected so the tests can hold it open or fail it.
 */
import { fstatSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../storage/migrate.js';
import { openTestStorage } from '../../storage/test-support/storages.js';
import type { LedgerTables } from '../ledger.tables.js';
import { appendMany, openTestLedger, testSigner } from '../test-support/fixtures.js';
import { createKyselyLedgerStore } from './kysely-store.js';
import { type CommitBatch, LedgerDurabilityError } from './ledger-store.js';
import { type FdatasyncFn, createSqliteWriter } from './sqlite-native.js';

type Opened = Awaited<ReturnType<typeof openTestStorage>>;

/** A one-entry batch after `previousSize` entries (the writer does not interpret the bytes). */
const batchAt = (previousSize: number): CommitBatch => ({
  previousSize,
  entries: [Buffer.from(`entry-${previousSize}`)],
  records: [
    {
      index: previousSize,
      type: 'test.event',
      salt: Buffer.alloc(16, 7),
      record: `{"n":${previousSize}}`,
    },
  ],
  tiles: [],
  checkpoint: {
    size: previousSize + 1,
    root: Buffer.alloc(32, previousSize),
    note: `note ${previousSize + 1}`,
    createdAt: new Date(0).toISOString(),
  },
});

/** An fdatasync that waits until the test lets it finish, recording which file it was asked for. */
function heldSync() {
  const calls: { fd: number; finish: (error: Error | null) => void }[] = [];
  const fdatasync: FdatasyncFn = (fd, callback) => {
    calls.push({ fd, finish: (error) => callback(error) });
  };
  return { fdatasync, calls };
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('SQLite ledger writer on a WAL database', () => {
  let opened: Opened;
  const sqlite = () => {
    const native = opened.storage.native;
    if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
    return native.sqlite;
  };
  const db = () => opened.storage.db as unknown as Kysely<LedgerTables>;
  const stored = () =>
    (sqlite().prepare('select count(*) as n from ledger_entries').get() as { n: number }).n;

  beforeEach(async () => {
    opened = await openTestStorage('sqlite');
  });
  afterEach(async () => {
    await opened.dispose();
  });

  it('confirms a batch only after the WAL file is fdatasync-ed, and keeps the connection at FULL', async () => {
    const held = heldSync();
    const writer = createSqliteWriter(db(), sqlite(), { fdatasync: held.fdatasync });
    let confirmed = false;
    const commit = writer.commit(batchAt(0)).then(() => {
      confirmed = true;
    });
    await turns();
    // Written to the WAL (visible to this connection), not yet confirmed: the fsync is pending.
    expect(stored()).toBe(1);
    expect(held.calls).toHaveLength(1);
    expect(confirmed).toBe(false);
    // The descriptor synced is the database's own WAL file.
    const walFile = `${path.resolve(sqlite().name)}-wal`;
    expect(fstatSync(held.calls[0]!.fd).ino).toBe(statSync(walFile).ino);
    held.calls[0]!.finish(null);
    await commit;
    expect(confirmed).toBe(true);
    // The batch ran at NORMAL; every other transaction on the connection still commits at FULL.
    expect(sqlite().pragma('synchronous', { simple: true })).toBe(2);
    await writer.release();
  });

  it('syncs each batch: a second batch waits for its own fdatasync', async () => {
    const held = heldSync();
    const writer = createSqliteWriter(db(), sqlite(), { fdatasync: held.fdatasync });
    const first = writer.commit(batchAt(0));
    await turns();
    held.calls[0]!.finish(null);
    await first;
    let secondDone = false;
    const second = writer.commit(batchAt(1)).then(() => {
      secondDone = true;
    });
    await turns();
    expect(held.calls).toHaveLength(2);
    expect(secondDone).toBe(false);
    held.calls[1]!.finish(null);
    await second;
    expect(stored()).toBe(2);
    await writer.release();
  });

  it('rejects a batch whose fdatasync failed with LedgerDurabilityError', async () => {
    const held = heldSync();
    const writer = createSqliteWriter(db(), sqlite(), { fdatasync: held.fdatasync });
    const commit = writer.commit(batchAt(0));
    await turns();
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    held.calls[0]!.finish(eio);
    const error = await commit.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LedgerDurabilityError);
    expect((error as Error).message).toContain('EIO');
    await writer.release();
  });

  it('syncs with the real fdatasync by default', async () => {
    const writer = createSqliteWriter(db(), sqlite());
    await writer.commit(batchAt(0));
    await writer.commit(batchAt(1));
    expect(stored()).toBe(2);
    await writer.release();
  });

  it('stops the sequencer after a failed fsync: the batch and every later append are refused', async () => {
    let fail = false;
    const fdatasync: FdatasyncFn = (_fd, callback) => {
      if (fail) callback(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      else callback(null);
    };
    const base = createKyselyLedgerStore(opened.storage);
    const store = {
      ...base,
      openWriter: () => Promise.resolve(createSqliteWriter(db(), sqlite(), { fdatasync })),
    };
    const ledger = await openTestLedger(store, testSigner());
    await appendMany(ledger, 3);
    fail = true;
    await expect(appendMany(ledger, 2, 3)).rejects.toMatchObject({ code: 'ledger.unavailable' });
    fail = false;
    // Stopped, not retrying: the instance gives up sequencing until restarted.
    expect(ledger.role).not.toBe('sequencer');
    await expect(appendMany(ledger, 1, 5)).rejects.toMatchObject({ code: 'ledger.unavailable' });
    await ledger.close().catch(() => undefined);
  });
});

describe('SQLite ledger writer on an in-memory database', () => {
  it('commits at FULL without any fdatasync: there is no file to sync', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = new Kysely<LedgerTables>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrateToLatest(db);
    const held = heldSync();
    const writer = createSqliteWriter(db, sqlite, { fdatasync: held.fdatasync });
    await writer.commit(batchAt(0));
    expect(held.calls).toHaveLength(0);
    expect(
      (sqlite.prepare('select count(*) as n from ledger_entries').get() as { n: number }).n,
    ).toBe(1);
    await writer.release();
    await db.destroy();
  });
});
