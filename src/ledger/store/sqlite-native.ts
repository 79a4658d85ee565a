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
 * Durability: `commit` runs with `synchronous = FULL` (an fsync of the WAL before COMMIT
 * returns); if the connection was opened with less, it is raised for the commit and restored.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { LedgerTables } from '../ledger.tables.js';
import type { TileData } from '../tree/tile-data.js';
import {
  type CommitBatch,
  LedgerConflictError,
  type LedgerWriter,
  type PrivateRecord,
} from './ledger-store.js';

const SQLITE_FULL = 2;

const toBuffer = (value: Uint8Array): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export function createSqliteWriter(
  db: Kysely<LedgerTables>,
  sqlite: BetterSqlite3.Database,
): LedgerWriter {
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
   * Runs the batch's transaction with `synchronous` at least FULL. Through `sqlite.pragma()`,
   * which prepares each time: SQLite applies a `synchronous` pragma when it is prepared, so a
   * statement prepared once would not switch the level when run again.
   */
  function writeDurably(batch: CommitBatch): void {
    const current = Number(sqlite.pragma('synchronous', { simple: true }));
    if (current >= SQLITE_FULL) {
      write(batch);
      return;
    }
    sqlite.pragma(`synchronous = ${SQLITE_FULL}`);
    try {
      write(batch);
    } finally {
      sqlite.pragma(`synchronous = ${current}`);
    }
  }

  return {
    commit: (batch) =>
      db.connection().execute(() => {
        writeDurably(batch);
        return Promise.resolve();
      }),
    release: () => Promise.resolve(),
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
