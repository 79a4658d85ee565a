import { type Kysely, sql } from 'kysely';

/**
 * The sequencer's poll (every 250 ms) asks for pending rows not yet in the ledger. Through
 * `outbox_state` it walked every pending row — under load thousands already sequenced and waiting
 * to be published — reading each to test `ledger_index`: about 10 ms of blocked event loop a
 * poll. A partial index holds exactly the rows the poll wants, so it reads only those; it leads
 * with `state` like `outbox_state`, so SQLite's planner, which has no statistics to tell the two
 * apart, sees one more condition met and takes it. The poll writes both conditions as literals:
 * a planner uses a partial index only when the query's condition implies the index's, which a
 * bound parameter cannot show (`outbox.ts`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('outbox_unsequenced')
    .on('outbox')
    .columns(['state', 'id'])
    .where(sql.ref('state'), '=', sql.lit('pending'))
    .where(sql.ref('ledger_index'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_unsequenced').execute();
}
