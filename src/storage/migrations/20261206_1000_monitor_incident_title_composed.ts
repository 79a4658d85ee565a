import type { Kysely } from 'kysely';

/**
 * An incident opened without a title gets one the server composes (`monitor/incidents.ts`
 * `composedTitle`: the breach, its operator and system, in English), and `title_composed` says so
 * (1), so that a client shows its own wording of those facts in the reader's language instead. An
 * analyst's own title (0) is shown as written. Existing rows keep 0: every title stored before
 * this column was one the caller wrote.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('monitor_incidents')
    .addColumn('title_composed', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('monitor_incidents').dropColumn('title_composed').execute();
}
