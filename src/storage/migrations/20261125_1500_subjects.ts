import type { Kysely } from 'kysely';

/** Data subjects (citizens), keyed by pseudonym; the IIN itself only sealed (AES-256-GCM). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subjects')
    .addColumn('pseudonym', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('iin_sealed', 'text', (col) => col.notNull())
    .addColumn('birth_year', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('subjects').execute();
}
