import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * Unpublished events of the outbox's one-commit path (`outbox.appendWith`, an access check on the
 * sequencing instance). Such an item's record is in the ledger and its index in the caller's own
 * rows (`access_checks.ledger_index`) from the commit on: an `outbox` row (the table, its primary
 * key and two indexes: four B-trees written per check, and a fifth update when marked done) held
 * nothing else but the event waiting to be published. This table holds only that, and a row
 * lives only until its event is out: deleted once published, left with its attempts and error
 * when a publish failed or the process died first, and published by the drain then.
 *
 * On SQLite `WITHOUT ROWID`: the rows are stored in the primary key's own B-tree, so an insert
 * writes one B-tree, not a table and its key index. No other index: the drain reads the table in
 * key order, and it is about empty between publishes. Existing data: none to move; rows the
 * previous version left pending in `outbox` are still drained from there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { isPostgres } = dialectTypes(db);
  let table = db.schema
    .createTable('outbox_events')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('event_json', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text');
  if (!isPostgres) table = table.modifyEnd(sql`without rowid`);
  await table.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox_events').execute();
}
