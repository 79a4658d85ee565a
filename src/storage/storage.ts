/**
 * Storage: one Kysely `Database` over two engines — better-sqlite3 embedded in the data dir (the
 * default) or PostgreSQL when `DATABASE_URL` is set. Stores use `storage.db` and stay dialect-free;
 * the few real differences live in `dialect-types.ts` and in the capability flags here.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { loadSqliteDriver, withStatementCache } from './sqlite-driver.js';
import { type WalCheckpointer, startWalCheckpointer } from './wal-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

/** The engine's own handle, for the rare hot path that must bypass the query builder. */
export type NativeHandle =
  | { readonly dialect: 'sqlite'; readonly sqlite: SqliteDatabase.Database }
  | { readonly dialect: 'postgres'; readonly pool: pg.Pool };

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly native: NativeHandle;
  /** Where the data lives, for messages: a file path or a redacted connection URL. */
  readonly location: string;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageOptions {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (created if missing); tests isolate themselves with it. */
  readonly schema?: string | undefined;
  /** SQLite file name inside `dataDir`, or ':memory:'. */
  readonly sqliteFile?: string | undefined;
  readonly poolSize?: number | undefined;
  /**
   * SQLite: refuse a data dir without a database instead of creating one (default true). For
   * commands that only look: a mistyped --data-dir must not leave an empty database behind.
   */
  readonly create?: boolean | undefined;
  /**
   * Told of a problem storage works around by itself, which an operator should still see: the
   * WAL checkpoint worker failed (SQLite then checkpoints inside commits again). Storage has no
   * logger of its own; the server passes one that logs it.
   */
  readonly onProblem?: ((message: string, error: Error) => void) | undefined;
}

export class StorageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options);
}

function openSqlite(options: StorageOptions): Storage {
  const file =
    options.sqliteFile === ':memory:'
      ? ':memory:'
      : path.join(options.dataDir, options.sqliteFile ?? 'qalqan.db');
  if (file !== ':memory:' && options.create === false && !existsSync(file)) {
    throw new StorageError(
      `no database in ${path.dirname(file)} (is --data-dir right? qalqan migrate creates one)`,
    );
  }
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StorageError(
        code === 'EEXIST' || code === 'ENOTDIR'
          ? `data directory ${path.dirname(file)} is not a directory (it, or a folder on its path, is a file)`
          : `cannot create data directory ${path.dirname(file)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    createOwnerOnly(file);
  }
  let sqlite: SqliteDatabase.Database;
  try {
    const Driver = loadSqliteDriver();
    sqlite = new Driver(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL makes every commit durable (an fsync of the WAL). Every write here is audit-relevant
    // and hot paths batch many rows per transaction, so the cost is paid once per batch.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('integrity_check(1)');
  } catch (error) {
    throw new StorageError(`cannot open SQLite database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Checked once SQLite has opened it, so a damaged file is reported as damaged first.
  if (file !== ':memory:') {
    try {
      refuseSharedFiles(file);
    } catch (error) {
      sqlite.close();
      throw error;
    }
  }
  // Statements reused by their SQL text: Kysely's dialect would prepare every query anew.
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  // Checkpoints on a worker thread, so no commit stalls the event loop copying the WAL.
  const checkpointer: WalCheckpointer | undefined =
    file === ':memory:'
      ? undefined
      : startWalCheckpointer({
          file,
          sqlite,
          // Nothing is lost, but commits stall on checkpoints again: the p99 an operator would
          // otherwise see worsen without a word in the log.
          onError: (error) =>
            options.onProblem?.(
              "the WAL checkpoint worker failed; SQLite's own checkpoints inside commits take over (slower commits, durability unchanged)",
              error,
            ),
        });
  return {
    db,
    dialect: 'sqlite',
    native: { dialect: 'sqlite', sqlite },
    location: file,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await checkpointer?.close();
      await db.destroy();
      // Kysely opens its connection on first use; one never used is closed here.
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Runs `work` in one transaction of derived data (see `derivedTransactions`). */
export type DerivedTransaction<DB> = <T>(work: (trx: Transaction<DB>) => Promise<T>) => Promise<T>;

/**
 * Transactions for derived data — rows a consumer re-derives from a durable source when they
 * are lost: the citizen inbox's and the monitoring feed's rows (from the outbox, whose rows are
 * marked done only in a later durable commit, and delivered again until then) and the rule
 * evaluator's (from the replay every start performs). Their commits need not each wait for the
 * disk, and on SQLite an fsync blocks the event loop (better-sqlite3 is synchronous): about
 * 1.5 ms each on an idle disk, tens of milliseconds on a busy one, several per publish round.
 *
 * SQLite in WAL mode: the transaction runs at `synchronous = NORMAL`, so its commit appends its
 * frames to the WAL without an fsync. A process crash loses nothing (the frames are in the OS's
 * cache); a power loss can lose the commit, but only together with every later commit, because
 * the WAL is sequential and recovery replays it up to the last complete commit — so a NORMAL
 * commit becomes durable with the next durable commit's fsync, whichever connection level made
 * it. The ledger batch and every ordinary write are such commits. (The outbox's done mark, when
 * it commits on its own, is derived too: a lost mark only publishes its event again.)
 * Runs inside Kysely's connection lock, so no other module's transaction runs at the lowered
 * level; the level is restored before the lock is released.
 *
 * PostgreSQL: `set local synchronous_commit = off`, the same guarantee — a later commit that
 * waits for its WAL flush flushes every earlier commit record with it.
 *
 * Other databases (in memory, or not in WAL mode): an ordinary transaction.
 */
export function derivedTransactions<DB>(
  db: Kysely<DB>,
  native: NativeHandle | undefined,
): DerivedTransaction<DB> {
  if (native?.dialect === 'postgres')
    return (work) =>
      db.transaction().execute(async (trx) => {
        await sql`set local synchronous_commit = off`.execute(trx);
        return work(trx);
      });
  const sqlite = native?.sqlite;
  const wal =
    sqlite !== undefined &&
    String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  if (!sqlite || !wal) return (work) => db.transaction().execute(work);
  return (work) =>
    db.connection().execute(async (connection) => {
      // Through `pragma()`, prepared each time: SQLite applies a `synchronous` pragma when the
      // statement is prepared, so a cached statement would not switch the level again.
      const current = Number(sqlite.pragma('synchronous', { simple: true }));
      if (current <= SQLITE_NORMAL) return connection.transaction().execute(work);
      sqlite.pragma(`synchronous = ${SQLITE_NORMAL}`);
      try {
        return await connection.transaction().execute(work);
      } finally {
        sqlite.pragma(`synchronous = ${current}`);
      }
    });
}

const SQLITE_NORMAL = 1;

/**
 * The database holds sealed identifiers, pseudonyms and the private ledger records, so it is as
 * sensitive as the key files: created 0600 before SQLite opens it (SQLite gives its -wal and -shm
 * the main file's mode), and a file others can read stops the start, as a key file does.
 */
function createOwnerOnly(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StorageError(`cannot create SQLite database ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

export function refuseSharedFiles(file: string, platform: string = process.platform): void {
  if (platform === 'win32') return;
  for (const candidate of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(candidate)) continue;
    const mode = statSync(candidate).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new StorageError(
        `database file ${candidate} is readable by group or others (mode ${mode.toString(8)}); run: chmod 600 ${file}*`,
      );
    }
  }
}

async function openPostgres(databaseUrl: string, options: StorageOptions): Promise<Storage> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StorageError(
      `PostgreSQL schema name '${schema}' must be lower-case letters, digits and _`,
    );
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    types: { getTypeParser: typeParserFor },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const location = redactUrl(databaseUrl);
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StorageError(
      `cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    native: { dialect: 'postgres', pool },
    location,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

const INT8_OID = 20;

/**
 * int8 (`bigint`, `bigserial`, `count(*)`) as a JS number, as better-sqlite3 returns it, so rows
 * read the same on both engines. Ledger indexes and counters stay far below 2^53; a value that
 * does not fit fails loudly instead of silently losing precision.
 */
function typeParserFor(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) {
    return (value: string) => {
      const parsed = Number(value);
      if (!Number.isSafeInteger(parsed)) throw new StorageError(`int8 value ${value} exceeds 2^53`);
      return parsed;
    };
  }
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/**
 * Hides the password of a connection URL so it can be printed: the one after the user name, and
 * one given as a parameter (`?password=…`, `sslpassword`), which pg reads too.
 */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    for (const name of [...url.searchParams.keys()])
      if (/pass/i.test(name)) url.searchParams.set(name, '***');
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
