/**
 * The SQLite hot paths through better-sqlite3 prepared statements (prepared once, not once per
 * query as Kysely's driver does).
 *
 * Writes: the sequencer's batch in one synchronous transaction, run inside Kysely's connection
 * lock (`db.connection()`) so it never interleaves with another module's Kysely transaction on
 * the same single connection.
 *
 * Reads (tiles and entries, for proofs and serving) skip that lock: only the ledger writes its
 * tables and its transactions are synchronous, so no await point ever sees uncommitted ledger
 * rows — even a read that lands inside another module's open transaction reads committed
 * ledger data, and it does not wait behind that transaction.
 *
 * A batch may carry other modules' rows (`CommitBatch.alongside`, compiled by Kysely): they run
 * in the same synchronous transaction, after the ledger's rows, so both commit or neither.
 *
 * Durability: `commit` resolves only once the batch is on disk. With the database in WAL mode
 * (every file database Qalqan opens), the transaction runs at `synchronous = NORMAL` — SQLite
 * appends the batch's frames to the WAL with plain writes and returns — and the WAL file is then
 * fdatasync'ed on libuv's thread pool (`walSync` below) before `commit` resolves. The event loop
 * keeps reading and deciding requests during the fsync instead of blocking in it, and the next
 * batch gathers meanwhile. Why this is as durable as `synchronous = FULL`: the WAL is a
 * sequential log whose frames SQLite writes with pwrite (never through a memory map), fsync makes
 * every byte written to the file before it durable whichever descriptor wrote it, and recovery
 * replays the WAL's checksummed frames up to the last complete commit — so a commit whose fsync
 * returned survives a power loss along with everything before it. Checkpoints keep their own
 * syncs (at NORMAL SQLite syncs the WAL before a checkpoint and the database file after one).
 * An in-memory database, or one not in WAL mode, commits at `synchronous = FULL` as before.
 * A failed fsync leaves durability unknown (the kernel may have dropped the pages): the commit
 * rejects with `LedgerDurabilityError` and the sequencer stops appending.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { LedgerTables } from '../ledger.tables.js';
import type { TileData } from '../tree/tile-data.js';
import {
  type CommitBatch,
  LedgerConflictError,
  LedgerDurabilityError,
  type LedgerWriter,
  type PrivateRecord,
} from './ledger-store.js';

const SQLITE_NORMAL = 1;
const SQLITE_FULL = 2;

/** `fs.fdatasync`'s shape, injectable so tests can hold or fail the sync. */
export type FdatasyncFn = (
  fd: number,
  callback: (error: NodeJS.ErrnoException | null) => void,
) => void;

export interface SqliteWriterOptions {
  readonly fdatasync?: FdatasyncFn;
}

interface WalSync {
  /** Makes everything written to the WAL so far durable; rejects if the fsync failed. */
  sync(): Promise<void>;
  close(): void;
}

/**
 * The WAL file's fsync on the thread pool, for a file database in WAL mode; undefined otherwise.
 * The descriptor is opened lazily (the WAL exists once a write happened) and reopened if the file
 * at the path is no longer the one held (a WAL deleted and recreated, say on a journal-mode
 * switch), so the sync always reaches the file SQLite writes to.
 */
function walSyncOf(sqlite: BetterSqlite3.Database, sync: FdatasyncFn): WalSync | undefined {
  if (sqlite.memory) return undefined;
  const mode = String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode !== 'wal') return undefined;
  const walPath = `${path.resolve(sqlite.name)}-wal`;
  let fd: number | undefined;
  let inode = 0;
  const descriptor = (): number => {
    const onDisk = statSync(walPath).ino;
    if (fd === undefined || onDisk !== inode) {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      const opened = openSync(walPath, 'r');
      inode = fstatSync(opened).ino;
      fd = opened;
    }
    return fd;
  };
  return {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        let target: number;
        try {
          target = descriptor();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        sync(target, (error) => (error ? reject(error) : resolve()));
      }),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

const toBuffer = (value: Uint8Array): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export function createSqliteWriter(
  db: Kysely<LedgerTables>,
  sqlite: BetterSqlite3.Database,
  options: SqliteWriterOptions = {},
): LedgerWriter {
  const wal = walSyncOf(sqlite, options.fdatasync ?? fdatasync);
  const latest = sqlite.prepare('select max(size) as max from ledger_checkpoints');
  // Rows go in CHUNK at a time through multi-row inserts, the rest one by one: each statement
  // run costs a call into the native module, a bind and a reset, which for these small rows was
  // about as much as SQLite's own work per row.
  const CHUNK = 64;
  const rows = (n: number, width: number) =>
    Array.from({ length: n }, () => `(${Array<string>(width).fill('?').join(', ')})`).join(', ');
  const insertEntry = sqlite.prepare('insert into ledger_entries (idx, data) values (?, ?)');
  const insertEntries = sqlite.prepare(
    `insert into ledger_entries (idx, data) values ${rows(CHUNK, 2)}`,
  );
  const insertRecord = sqlite.prepare(
    'insert into ledger_records (idx, type, salt, record, idempotency_key) values (?, ?, ?, ?, ?)',
  );
  const insertRecords = sqlite.prepare(
    `insert into ledger_records (idx, type, salt, record, idempotency_key) values ${rows(CHUNK, 5)}`,
  );
  const entryParams = new Array<unknown>(2 * CHUNK);
  const recordParams = new Array<unknown>(5 * CHUNK);
  const upsertTile = sqlite.prepare(
    'insert into ledger_tiles (level, idx, width, hashes, nodes) values (?, ?, ?, ?, ?) ' +
      'on conflict (level, idx) do update set width = excluded.width, hashes = excluded.hashes, nodes = excluded.nodes',
  );
  const insertCheckpoint = sqlite.prepare(
    'insert into ledger_checkpoints (size, root, note, created_at) values (?, ?, ?, ?)',
  );

  // Other modules' statements committed with a batch: few distinct texts (an insert per table),
  // prepared once each.
  const alongside = new Map<string, BetterSqlite3.Statement>();
  const prepared = (text: string) => {
    let statement = alongside.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (alongside.size >= 100) alongside.clear();
      alongside.set(text, statement);
    }
    return statement;
  };

  const write = sqlite.transaction((batch: CommitBatch) => {
    const row = latest.get() as { max: number | null };
    const stored = row.max ?? 0;
    if (stored !== batch.previousSize) throw new LedgerConflictError(batch.previousSize, stored);
    const { entries, records } = batch;
    let i = 0;
    for (; i + CHUNK <= entries.length; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        entryParams[2 * j] = batch.previousSize + i + j;
        entryParams[2 * j + 1] = toBuffer(entries[i + j]!);
      }
      insertEntries.run(entryParams);
    }
    for (; i < entries.length; i++) insertEntry.run(batch.previousSize + i, toBuffer(entries[i]!));
    i = 0;
    for (; i + CHUNK <= records.length; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        const r = records[i + j]!;
        recordParams[5 * j] = r.index;
        recordParams[5 * j + 1] = r.type;
        recordParams[5 * j + 2] = toBuffer(r.salt);
        recordParams[5 * j + 3] = r.record;
        recordParams[5 * j + 4] = r.key ?? null;
      }
      insertRecords.run(recordParams);
    }
    for (; i < records.length; i++) {
      const r = records[i]!;
      insertRecord.run(r.index, r.type, toBuffer(r.salt), r.record, r.key ?? null);
    }
    for (const t of batch.tiles)
      upsertTile.run(t.level, t.index, t.width, toBuffer(t.hashes), toBuffer(t.nodes));
    const cp = batch.checkpoint;
    insertCheckpoint.run(cp.size, toBuffer(cp.root), cp.note, cp.createdAt);
    for (const query of batch.alongside ?? []) prepared(query.sql).run(query.parameters);
  });

  /**
   * Runs the batch's transaction at the given `synchronous` level, restoring the connection's
   * own afterwards. Through `sqlite.pragma()`, which prepares each time: SQLite applies a
   * `synchronous` pragma when it is prepared, so a statement prepared once would not switch the
   * level when run again.
   */
  function writeAt(level: number, batch: CommitBatch): void {
    const current = Number(sqlite.pragma('synchronous', { simple: true }));
    if (current === level) {
      write(batch);
      return;
    }
    sqlite.pragma(`synchronous = ${level}`);
    try {
      write(batch);
    } finally {
      sqlite.pragma(`synchronous = ${current}`);
    }
  }

  const inLock = (level: number, batch: CommitBatch) =>
    db.connection().execute(() => {
      writeAt(level, batch);
      return Promise.resolve();
    });

  return {
    commit: async (batch) => {
      if (!wal) {
        await inLock(SQLITE_FULL, batch);
        return;
      }
      await inLock(SQLITE_NORMAL, batch);
      try {
        await wal.sync();
      } catch (error) {
        throw new LedgerDurabilityError(error);
      }
    },
    release: () => {
      wal?.close();
      return Promise.resolve();
    },
    alongside: true,
    blocking: true,
  };
}

export interface SqliteReader {
  readTile(level: number, index: number): TileData | undefined;
  readEntries(start: number, end: number): Buffer[];
  /** Committed records by idempotency key; one prepared statement for any number of keys. */
  recordsByKey(keys: readonly string[]): Map<string, PrivateRecord>;
}

export function createSqliteReader(sqlite: BetterSqlite3.Database): SqliteReader {
  const tile = sqlite.prepare(
    'select width, hashes, nodes from ledger_tiles where level = ? and idx = ?',
  );
  const entries = sqlite
    .prepare('select data from ledger_entries where idx >= ? and idx < ? order by idx')
    .pluck();
  // Prepared on first use: the store may be built before the migration that adds the column ran.
  let byKey: BetterSqlite3.Statement | undefined;
  return {
    recordsByKey(keys) {
      const found = new Map<string, PrivateRecord>();
      byKey ??= sqlite.prepare(
        'select idx, type, salt, record, idempotency_key from ledger_records ' +
          'where idempotency_key in (select value from json_each(?))',
      );
      const rows = byKey.all(JSON.stringify(keys)) as {
        idx: number;
        type: string;
        salt: Buffer;
        record: string;
        idempotency_key: string;
      }[];
      for (const row of rows) {
        found.set(row.idempotency_key, {
          index: row.idx,
          type: row.type,
          salt: row.salt,
          record: row.record,
          key: row.idempotency_key,
        });
      }
      return found;
    },
    readTile(level, index) {
      const row = tile.get(level, index) as
        { width: number; hashes: Buffer; nodes: Buffer } | undefined;
      return row
        ? { level, index, width: row.width, hashes: row.hashes, nodes: row.nodes }
        : undefined;
    },
    readEntries: (start, end) => entries.all(start, end) as Buffer[],
  };
}
