import type { Kysely } from 'kysely';

/**
 * The registry's version: one row, bumped in the transaction of every registry change (history.ts
 * `recordChange`). Instances keep credentials and system profiles in memory and compare this one
 * number to know whether anything in the registry changed since they read it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registry_version')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute();
  await (db as Kysely<{ registry_version: { id: number; version: number } }>)
    .insertInto('registry_version')
    .values({ id: 1, version: 0 })
    .execute();
}
