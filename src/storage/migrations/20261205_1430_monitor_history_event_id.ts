import { type Kysely, sql } from 'kysely';

/**
 * Event retention (`monitor/event-retention.ts`) keeps an old monitoring event while an alert
 * names it, among them the matches a dedup window folded into an alert: it asks
 * `monitor_history` for the folded rows of each batch of old events by `event_id` alone. The
 * unique index on (target_kind, target_id, action, event_id) cannot answer that, so every batch of
 * a thousand events read the whole history — a table that gains a row per folded match, thousands
 * a minute under load — on the evaluator's instance, whose thread answers requests too. A partial
 * index on `event_id` (only the rows that name an event) answers it from the index. Its inserts
 * append near the index's end: event ids are time-ordered (`newId`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('monitor_history_event_id')
    .on('monitor_history')
    .column('event_id')
    .where(sql.ref('event_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('monitor_history_event_id').execute();
}
