import type { Kysely } from 'kysely';

/**
 * Subjects keep their birth date (from the IIN), not only the year, for age on a given day.
 * Existing rows stay null: only the sealed IIN holds the date and migrations have no keys; the
 * subjects module fills a row the next time its IIN is presented.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subjects').addColumn('birth_date', 'varchar(10)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subjects').dropColumn('birth_date').execute();
}
