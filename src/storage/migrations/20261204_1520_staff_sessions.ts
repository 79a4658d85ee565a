import type { Kysely } from 'kysely';

/**
 * Staff sessions of the web console: found by the hash of their cookie, like citizen sessions;
 * the subject index lists and revokes the sessions begun with one staff credential.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('subject', 'varchar(256)', (col) => col.notNull())
    .addColumn('roles', 'varchar(64)', (col) => col.notNull())
    .addColumn('name', 'varchar(256)', (col) => col.notNull())
    .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('last_seen_at', ts, (col) => col.notNull())
    .addColumn('expires_at', ts, (col) => col.notNull())
    .addColumn('revoked_at', ts)
    .addColumn('revoked_reason', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('staff_sessions_subject')
    .on('staff_sessions')
    .columns(['subject', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staff_sessions').execute();
}
