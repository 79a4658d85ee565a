import type { Kysely } from 'kysely';

/**
 * Idempotent ledger appends: a private record may carry the caller's key (an outbox item's id,
 * a change id). The unique index makes a second entry for the same key impossible, whatever a
 * crash or a retry does; records without a key (NULL) are not constrained.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ledger_records')
    .addColumn('idempotency_key', 'varchar(128)')
    .execute();
  await db.schema
    .createIndex('ledger_records_idempotency_key')
    .unique()
    .on('ledger_records')
    .column('idempotency_key')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_records_idempotency_key').execute();
  await db.schema.alterTable('ledger_records').dropColumn('idempotency_key').execute();
}
