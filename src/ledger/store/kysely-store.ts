/**
 * The ledger store on the server's Kysely database (SQLite or PostgreSQL).
 *
 * Durability: a batch is one transaction. On SQLite (sqlite-native.ts) a WAL database commits at
 * `synchronous = NORMAL` and the WAL file is then fdatasync'ed before the batch is confirmed; an
 * in-memory or non-WAL database commits at `synchronous = FULL`; either way the connection's own
 * level is put back after. On PostgreSQL the writer's session sets `synchronous_commit = on`,
 * whatever the server's default.
 *
 * One sequencer per log: on PostgreSQL the writer holds a session advisory lock on a dedicated
 * connection and commits through that same connection, so if the session dies the lock and the
 * ability to write go together (no split brain). A second instance gets no writer and runs
 * read-only. SQLite is single-process; the per-batch size check still refuses a second writer.
 *
 * SQLite batches and tile/entry reads go through better-sqlite3 prepared statements
 * (sqlite-native.ts). On PostgreSQL
 * the hot inserts reuse SQL text compiled once per row count: Kysely's compilation of a 256-row
 * insert costs more than executing it.
 */
import { CompiledQuery, type Kysely, type Transaction, sql } from 'kysely';
import { mergedInserts } from '../../storage/compiled-insert.js';
import type { NativeHandle } from '../../storage/storage.js';
import type { LedgerTables } from '../ledger.tables.js';
import type { TileData } from '../tree/tile-data.js';
import {
  type CommitBatch,
  LedgerConflictError,
  type LedgerStore,
  type LedgerWriter,
  type PrivateRecord,
  type StoredCheckpoint,
} from './ledger-store.js';
import { createSqliteReader, createSqliteWriter } from './sqlite-native.js';

export interface KyselyLedgerStoreDeps<DB> {
  /** The server's database; it must have run the ledger migration (tables in `LedgerTables`). */
  readonly db: Kysely<DB>;
  readonly dialect: 'sqlite' | 'postgres';
  /** The engine's own handle: SQLite batches are written through better-sqlite3 directly. */
  readonly native: NativeHandle;
  /** For messages, e.g. the SQLite file or the redacted PostgreSQL URL. */
  readonly location?: string;
}

/** Advisory lock class for "the ledger sequencer"; the second key is the schema, so tests in separate schemas do not contend. */
const LOCK_CLASS = 0x51414c51; // 'QALQ'
/** Rows per INSERT statement (SQLite allows 32,766 parameters, PostgreSQL 65,535). */
const CHUNK = 1000;

type Db = Kysely<LedgerTables>;

const toBuffer = (value: Uint8Array): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Compiles `INSERT … VALUES (…), (…)` once per row count and reuses the SQL text. */
function insertCache(
  db: Db,
  table: 'ledger_entries' | 'ledger_records',
  columns: readonly string[],
) {
  const texts = new Map<number, string>();
  return (rowCount: number): string => {
    let text = texts.get(rowCount);
    if (text === undefined) {
      const row = Object.fromEntries(columns.map((c) => [c, null]));
      const rows = Array.from({ length: rowCount }, () => row);
      text = db
        .insertInto(table)
        .values(rows as never)
        .compile().sql;
      texts.set(rowCount, text);
    }
    return text;
  };
}

export function createKyselyLedgerStore<DB extends LedgerTables>(
  deps: KyselyLedgerStoreDeps<DB>,
): LedgerStore {
  const db = deps.db as unknown as Db;
  const native =
    deps.native.dialect === 'sqlite' ? createSqliteReader(deps.native.sqlite) : undefined;
  const entrySql = insertCache(db, 'ledger_entries', ['idx', 'data']);
  const recordSql = insertCache(db, 'ledger_records', [
    'idx',
    'type',
    'salt',
    'record',
    'idempotency_key',
  ]);

  const toCheckpoint = (row: {
    size: number;
    root: Buffer;
    note: string;
    created_at: string;
  }): StoredCheckpoint => ({
    size: Number(row.size),
    root: row.root,
    note: row.note,
    createdAt: row.created_at,
  });

  const toRecord = (row: {
    idx: number;
    type: string;
    salt: Buffer;
    record: string;
    idempotency_key: string | null;
  }): PrivateRecord => ({
    index: Number(row.idx),
    type: row.type,
    salt: row.salt,
    record: row.record,
    ...(row.idempotency_key === null ? {} : { key: row.idempotency_key }),
  });

  async function writeBatch(trx: Transaction<LedgerTables>, batch: CommitBatch): Promise<void> {
    const { max } = await trx
      .selectFrom('ledger_checkpoints')
      .select((eb) => eb.fn.max('size').as('max'))
      .executeTakeFirstOrThrow();
    const stored = max === null ? 0 : Number(max);
    if (stored !== batch.previousSize) throw new LedgerConflictError(batch.previousSize, stored);

    let index = batch.previousSize;
    for (const part of chunks(batch.entries)) {
      const params: unknown[] = [];
      for (const entry of part) params.push(index++, toBuffer(entry));
      await trx.executeQuery(CompiledQuery.raw(entrySql(part.length), params));
    }
    for (const part of chunks(batch.records)) {
      const params: unknown[] = [];
      for (const r of part) params.push(r.index, r.type, toBuffer(r.salt), r.record, r.key ?? null);
      await trx.executeQuery(CompiledQuery.raw(recordSql(part.length), params));
    }
    // The batch's changed tiles (one per level the commit reaches) in one statement: on
    // PostgreSQL each statement is a round trip inside the transaction every append waits for.
    if (batch.tiles.length > 0)
      await trx
        .insertInto('ledger_tiles')
        .values(
          batch.tiles.map((tile) => ({
            level: tile.level,
            idx: tile.index,
            width: tile.width,
            hashes: toBuffer(tile.hashes),
            nodes: toBuffer(tile.nodes),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['level', 'idx']).doUpdateSet((eb) => ({
            width: eb.ref('excluded.width'),
            hashes: eb.ref('excluded.hashes'),
            nodes: eb.ref('excluded.nodes'),
          })),
        )
        .execute();
    const cp = batch.checkpoint;
    await trx
      .insertInto('ledger_checkpoints')
      .values({ size: cp.size, root: toBuffer(cp.root), note: cp.note, created_at: cp.createdAt })
      .execute();
    // Each statement is a round trip on PostgreSQL, inside the transaction every queued append
    // waits for: the checks' rows go in a few multi-row inserts rather than two statements each.
    for (const query of mergedInserts(batch.alongside ?? [])) await trx.executeQuery(query);
  }

  function openPostgresWriter(): Promise<LedgerWriter | undefined> {
    return new Promise((resolve, reject) => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let held = false;
      const session = db.connection().execute(async (conn) => {
        // A batch commit is durable only with synchronous_commit on; a server or role default of
        // `off` (a tempting tuning) must not silently weaken the ledger, so the writer's session
        // sets it (before the lock, so a failure here leaves no lock behind).
        await sql`set synchronous_commit = on`.execute(conn);
        const { rows } = await sql<{ locked: boolean }>`
          select pg_try_advisory_lock(${LOCK_CLASS}::int4, hashtext(current_schema())) as locked`.execute(
          conn,
        );
        if (rows[0]?.locked !== true) {
          resolve(undefined);
          return;
        }
        held = true;
        resolve({
          commit: (batch) => conn.transaction().execute((trx) => writeBatch(trx, batch)),
          alongside: true,
          async release() {
            release();
            await session;
          },
        });
        await released;
        await sql`select pg_advisory_unlock(${LOCK_CLASS}::int4, hashtext(current_schema()))`.execute(
          conn,
        );
      });
      session.catch((error: unknown) => {
        // Before the lock: report it. After: the session is gone, and with it the lock; the
        // writer's next commit fails on the dead connection and the sequencer stops writing.
        if (!held) reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  return {
    description: deps.location ? `${deps.dialect} ${deps.location}` : deps.dialect,

    async latestCheckpoint() {
      const row = await db
        .selectFrom('ledger_checkpoints')
        .selectAll()
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toCheckpoint(row) : undefined;
    },

    async checkpointsFrom(fromSize, limit) {
      const rows = await db
        .selectFrom('ledger_checkpoints')
        .selectAll()
        .where('size', '>=', fromSize)
        .orderBy('size')
        .limit(limit)
        .execute();
      return rows.map(toCheckpoint);
    },

    async entryCount() {
      const { max } = await db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.max('idx').as('max'))
        .executeTakeFirstOrThrow();
      return max === null ? 0 : Number(max) + 1;
    },

    async readEntries(start, end) {
      if (native) return native.readEntries(start, end);
      const rows = await db
        .selectFrom('ledger_entries')
        .select('data')
        .where('idx', '>=', start)
        .where('idx', '<', end)
        .orderBy('idx')
        .execute();
      return rows.map((row) => row.data);
    },

    async readRecords(start, end) {
      const rows = await db
        .selectFrom('ledger_records')
        .selectAll()
        .where('idx', '>=', start)
        .where('idx', '<', end)
        .orderBy('idx')
        .execute();
      return rows.map(toRecord);
    },

    async recordsByKey(keys) {
      if (native) return native.recordsByKey(keys);
      const found = new Map<string, PrivateRecord>();
      for (const part of chunks(keys)) {
        const rows = await db
          .selectFrom('ledger_records')
          .selectAll()
          .where('idempotency_key', 'in', part)
          .execute();
        for (const row of rows) found.set(row.idempotency_key!, toRecord(row));
      }
      return found;
    },

    async readTile(level, index) {
      if (native) return native.readTile(level, index);
      const row = await db
        .selectFrom('ledger_tiles')
        .selectAll()
        .where('level', '=', level)
        .where('idx', '=', index)
        .executeTakeFirst();
      if (!row) return undefined;
      const tile: TileData = {
        level,
        index,
        width: row.width,
        hashes: row.hashes,
        nodes: row.nodes,
      };
      return tile;
    },

    openWriter: () => {
      if (deps.native.dialect === 'sqlite')
        return Promise.resolve(createSqliteWriter(db, deps.native.sqlite));
      return openPostgresWriter();
    },
  };
}
