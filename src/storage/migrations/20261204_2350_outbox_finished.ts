import { type Kysely, sql } from 'kysely';

/**
 * Outbox retention (`outbox/outbox-retention.ts`) deletes finished rows — done, so in the ledger
 * and delivered — older than the retention, oldest first. Ids do not follow time across modules
 * (`chk_…`, `chg_…` and the rest sort by prefix first), so through `outbox_state` it would walk
 * every young done row to find the old ones: a partial index of finished rows by creation time
 * reads only those it deletes, and holds neither the pending rows the sequencer and the drain want
 * nor the parked ones kept for an operator. Both conditions are literals in the retention's query,
 * as for `outbox_unsequenced`, so the planner can show they imply the index's. It leads with
 * `state` like `outbox_state`: SQLite's planner, without statistics, took `outbox_state` (an
 * equality on `state`) over an index on `created_at` alone; here it sees the equality and the range
 * both met. (Each chosen row is still read for `ledger_index`, a page the delete touches anyway.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('outbox_finished')
    .on('outbox')
    .columns(['state', 'created_at'])
    .where(sql.ref('state'), '=', sql.lit('done'))
    .where(sql.ref('ledger_index'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_finished').execute();
}
