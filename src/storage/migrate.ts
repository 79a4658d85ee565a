/**
 * Runs the migration set (the same list on SQLite and PostgreSQL) to the latest version. Called
 * at start and by `qalqan migrate`; safe to run from several processes at once. On PostgreSQL
 * Kysely takes an advisory lock. On SQLite it takes none (its adapter assumes one process), so a
 * second `serve` or a `migrate` beside a starting server would run the same migrations again and
 * fail half-way ("table … already exists"): there the run holds an exclusive lock on a lock file of
 * its own beside the database (`sqliteMigrationLock`), which the others wait for.
 */
import { closeSync, openSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import type { NativeHandle } from './storage.js';

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly latest: string | undefined;
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly list: Readonly<Record<string, Migration>>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.list });
  }
}

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** How long a migration waits for another process's run on the same SQLite file. */
const SQLITE_LOCK_WAIT_MS = 120_000;

/**
 * Holds SQLite's exclusive lock on `<database>-migrate-lock` (an empty database of its own, created
 * owner-only) until released. The lock is the operating system's, so it goes with a process that
 * dies mid-run. Asked without blocking and retried every 50 ms, so that another migration in the
 * same process (whose lock SQLite also honours) can finish meanwhile. Undefined for a database in
 * memory, which no other process can open.
 */
export async function sqliteMigrationLock(
  sqlite: SqliteDatabase.Database,
  waitMs = SQLITE_LOCK_WAIT_MS,
): Promise<{ release(): void } | undefined> {
  if (sqlite.memory) return undefined;
  const file = `${sqlite.name}-migrate-lock`;
  closeSync(openSync(file, 'a', 0o600));
  const lock = new SqliteDatabase(file, { timeout: 0 });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      lock.exec('begin exclusive');
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) {
        lock.close();
        throw new MigrationError(
          (error as { code?: string }).code === 'SQLITE_BUSY'
            ? `another process has been migrating ${sqlite.name} for over ${Math.round(waitMs / 1000)} s`
            : `cannot lock ${file} for migrations: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    release() {
      try {
        lock.exec('rollback');
      } finally {
        lock.close();
      }
    },
  };
}

/**
 * `native`: the storage's engine handle; on SQLite the run is serialised with other processes'
 * (see the module's comment). Without it (tests on a bare Kysely), no lock is taken.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  native?: NativeHandle,
): Promise<MigrationReport> {
  const lock = native?.dialect === 'sqlite' ? await sqliteMigrationLock(native.sqlite) : undefined;
  try {
    return await migrateUnlocked(db);
  } finally {
    lock?.release();
  }
}

async function migrateUnlocked(db: Kysely<Database>): Promise<MigrationReport> {
  // On PostgreSQL the migration tables live in the connection's own schema. Kysely would otherwise
  // find another schema's `kysely_migration` through introspection and skip creating its own.
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]
          ?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let outcome = await migrator.migrateToLatest();
  // Kysely looks for its migration tables by introspecting every schema; a schema another process
  // drops at that moment (test suites running side by side do) fails the catalogue query with
  // 3F000, with 42P01 when a table of it vanishes between the catalogue's rows, or with 42703 when
  // one of its columns is dropped or renamed before the query names it (`pg_get_serial_sequence`),
  // although nothing of ours is wrong. The introspection is read-only, and on PostgreSQL a failed
  // migration rolls back whole (its DDL is transactional), so asking again is safe.
  for (let attempt = 1; attempt <= 3 && isCatalogueScanRace(outcome); attempt++) {
    outcome = await migrator.migrateToLatest();
  }
  const { error, results = [] } = outcome;
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : JSON.stringify(error);
    throw new MigrationError(
      failed ? `migration ${failed.migrationName} failed: ${cause}` : `migrations failed: ${cause}`,
      { cause: error },
    );
  }
  const names = Object.keys(migrations).sort();
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
    latest: names.at(-1),
  };
}

/**
 * Whether a run failed in Kysely's catalogue scan, before any migration ran, because another
 * process changed its own schema under the scan: PostgreSQL's invalid_schema_name,
 * undefined_table or undefined_column. The same codes from a migration of ours are its own
 * failure, reported, not asked again.
 */
export function isCatalogueScanRace(outcome: MigrationResultSet): boolean {
  const { error, results = [] } = outcome;
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  if (results.some((result) => result.status === 'Error')) return false;
  const code = (error as { code?: unknown }).code;
  return code === '3F000' || code === '42P01' || code === '42703';
}
