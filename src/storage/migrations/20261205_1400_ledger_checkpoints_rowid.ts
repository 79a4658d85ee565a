import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * SQLite: `ledger_checkpoints` keyed by its rowid. The first ledger migration declared `size`
 * as `bigint primary key`, which in SQLite is not the rowid (only exactly `integer primary key`
 * is), so every checkpoint — one per ledger commit — was written to two B-trees: the table and
 * a separate index on `size`. A lone access check's commit writes about 27 pages, and this index
 * was one of them (docs/BENCHMARKS.md, "22 B-trees, 27 pages"). The table is rebuilt with the
 * same columns and rows; `size` is then the rowid, so `max(size)` (read in every commit) and
 * lookups by size read the table itself.
 *
 * PostgreSQL keeps `bigint primary key` (its tables are heaps with separate indexes anyway).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { binary, isPostgres } = dialectTypes(db);
  if (isPostgres) return;
  await db.schema
    .createTable('ledger_checkpoints_rowid')
    .addColumn('size', 'integer', (col) => col.primaryKey())
    .addColumn('root', binary, (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await sql`insert into ledger_checkpoints_rowid (size, root, note, created_at)
    select size, root, note, created_at from ledger_checkpoints order by size`.execute(db);
  await db.schema.dropTable('ledger_checkpoints').execute();
  await db.schema.alterTable('ledger_checkpoints_rowid').renameTo('ledger_checkpoints').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { binary, isPostgres } = dialectTypes(db);
  if (isPostgres) return;
  await db.schema
    .createTable('ledger_checkpoints_keyed')
    .addColumn('size', 'bigint', (col) => col.primaryKey())
    .addColumn('root', binary, (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await sql`insert into ledger_checkpoints_keyed (size, root, note, created_at)
    select size, root, note, created_at from ledger_checkpoints order by size`.execute(db);
  await db.schema.dropTable('ledger_checkpoints').execute();
  await db.schema.alterTable('ledger_checkpoints_keyed').renameTo('ledger_checkpoints').execute();
}
