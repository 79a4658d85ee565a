/**
 * Runs the migration set (the same list on SQLite and PostgreSQL) to the latest version. Called
 * at start and by `qalqan migrate`; safe to run concurrently because Kysely takes a lock.
 */
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

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
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
