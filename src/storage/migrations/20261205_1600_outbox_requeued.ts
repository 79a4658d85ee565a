import type { Kysely } from 'kysely';

/**
 * An operator's requeue (`qalqan outbox requeue`, `outbox/outbox-parked.ts`) puts a parked row back
 * to `pending` with its attempts at 0 and its `last_error` cleared, so that what the row shows is
 * its state now, not the refusal it was requeued from. The refusal is not lost: it moves to
 * `requeued_error`, with the time of the requeue in `requeued_at`, so a row parked again after a
 * requeue shows both its new error and that an operator already tried once (and when). Both null
 * for a row never requeued; existing rows keep null (none was recorded before).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('outbox').addColumn('requeued_at', 'varchar(32)').execute();
  await db.schema.alterTable('outbox').addColumn('requeued_error', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('requeued_error').execute();
  await db.schema.alterTable('outbox').dropColumn('requeued_at').execute();
}
