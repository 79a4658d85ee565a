import type { Kysely } from 'kysely';

/**
 * Citizen sessions (revocable, surviving restarts) and OIDC sign-ins in progress. Sessions are
 * found by the hash of their cookie; the pseudonym index lists and revokes a citizen's sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('portal_sessions')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('pseudonym', 'varchar(64)', (col) => col.notNull())
    .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('last_seen_at', ts, (col) => col.notNull())
    .addColumn('expires_at', ts, (col) => col.notNull())
    .addColumn('revoked_at', ts)
    .addColumn('revoked_reason', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('portal_sessions_pseudonym')
    .on('portal_sessions')
    .columns(['pseudonym', 'created_at'])
    .execute();
  await db.schema
    .createTable('portal_logins')
    .addColumn('id_hash', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('state', 'varchar(128)', (col) => col.notNull())
    .addColumn('code_verifier', 'varchar(128)', (col) => col.notNull())
    .addColumn('nonce', 'varchar(128)', (col) => col.notNull())
    .addColumn('return_to', 'varchar(512)', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('expires_at', ts, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('portal_logins_expires_at')
    .on('portal_logins')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portal_logins').execute();
  await db.schema.dropTable('portal_sessions').execute();
}
