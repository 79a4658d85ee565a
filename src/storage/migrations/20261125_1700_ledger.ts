import type { Kysely } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * The transparency ledger (src/ledger): public entries, tiles and signed checkpoints, and the
 * private records behind the entries' commitments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { binary, isPostgres } = dialectTypes(db);
  // SQLite: exactly `integer primary key` makes the column the rowid (no second index, fastest
  // appends). PostgreSQL: 64-bit, as a log outlives 2^31 entries.
  const index = isPostgres ? 'bigint' : 'integer';

  await db.schema
    .createTable('ledger_entries')
    .addColumn('idx', index, (col) => col.primaryKey())
    .addColumn('data', binary, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('ledger_records')
    .addColumn('idx', index, (col) => col.primaryKey())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('salt', binary, (col) => col.notNull())
    .addColumn('record', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('ledger_tiles')
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('idx', 'bigint', (col) => col.notNull())
    .addColumn('width', 'integer', (col) => col.notNull())
    .addColumn('hashes', binary, (col) => col.notNull())
    .addColumn('nodes', binary, (col) => col.notNull())
    .addPrimaryKeyConstraint('ledger_tiles_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('ledger_checkpoints')
    .addColumn('size', 'bigint', (col) => col.primaryKey())
    .addColumn('root', binary, (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ledger_checkpoints', 'ledger_tiles', 'ledger_records', 'ledger_entries']) {
    await db.schema.dropTable(table).execute();
  }
}
