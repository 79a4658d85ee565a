import type { Kysely } from 'kysely';

/** The shared outbox (src/outbox): facts waiting for the ledger and the event bus. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('record_json', 'text', (col) => col.notNull())
    .addColumn('event_json', 'text')
    .addColumn('state', 'varchar(16)', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('ledger_index', 'bigint')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  // The drain and the sequencer's poll look for `pending` rows only; finished rows are deleted
  // by the outbox retention (20261204_2350_outbox_finished adds its index).
  await db.schema.createIndex('outbox_state').on('outbox').columns(['state', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
}
