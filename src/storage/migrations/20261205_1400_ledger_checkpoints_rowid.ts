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
 * The rebuild runs in one transaction of its own (Kysely's migrator runs SQLite migrations
 * outside one), so a crash part-way leaves the old table as it was.
 *
 * PostgreSQL keeps `bigint primary key` (its tables are heaps with separate indexes anyway).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!dialectTypes(db).isPostgres) await rebuild(db, 'integer');
}

/** Back to the first migration's `bigint primary key` (a separate index on SQLite). */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (!dialectTypes(db).isPostgres) await rebuild(db, 'bigint');
}

/** The table created anew with `size` of this type, the rows copied, the old one replaced. */
async function rebuild(db: Kysely<unknown>, sizeType: 'integer' | 'bigint'): Promise<void> {
  const { binary } = dialectTypes(db);
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable('ledger_checkpoints_rebuilt')
      .addColumn('size', sizeType, (col) => col.primaryKey())
      .addColumn('root', binary, (col) => col.notNull())
      .addColumn('note', 'text', (col) => col.notNull())
      .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
      .execute();
    await sql`insert into ledger_checkpoints_rebuilt (size, root, note, created_at)
      select size, root, note, created_at from ledger_checkpoints order by size`.execute(trx);
    await trx.schema.dropTable('ledger_checkpoints').execute();
    await trx.schema
      .alterTable('ledger_checkpoints_rebuilt')
      .renameTo('ledger_checkpoints')
      .execute();
  });
}
