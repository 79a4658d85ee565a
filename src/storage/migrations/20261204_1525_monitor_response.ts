import { type Kysely, sql } from 'kysely';

/**
 * The monitoring centre's reference data (honeytokens, protected persons, working hours,
 * terminated actors), its responses and its incidents (src/monitor/response.tables.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitor_watchlist')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('list', 'varchar(24)', (col) => col.notNull())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('label', 'text')
    .addColumn('added_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('added_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('removed_at', 'varchar(32)')
    .addColumn('removed_by', 'varchar(160)')
    .execute();
  // One live entry per subject and list (removed entries stay as history).
  await db.schema
    .createIndex('monitor_watchlist_live')
    .on('monitor_watchlist')
    .columns(['list', 'subject'])
    .unique()
    .where(sql.ref('removed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('monitor_working_hours')
    .addColumn('operator_id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('time_zone', 'varchar(64)', (col) => col.notNull())
    .addColumn('days_json', 'text', (col) => col.notNull())
    .addColumn('start_time', 'varchar(5)', (col) => col.notNull())
    .addColumn('end_time', 'varchar(5)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_by', 'varchar(160)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('monitor_terminated_actors')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(128)', (col) => col.notNull())
    .addColumn('terminated_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('added_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('added_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('removed_at', 'varchar(32)')
    .addColumn('removed_by', 'varchar(160)')
    .execute();
  await db.schema
    .createIndex('monitor_terminated_actors_live')
    .on('monitor_terminated_actors')
    .columns(['operator_id', 'actor_id'])
    .unique()
    .where(sql.ref('removed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('monitor_responses')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('action', 'varchar(20)', (col) => col.notNull())
    .addColumn('state', 'varchar(12)', (col) => col.notNull())
    .addColumn('mode', 'varchar(20)', (col) => col.notNull())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(128)')
    .addColumn('actor_pseudonym', 'varchar(64)')
    .addColumn('country', 'varchar(2)')
    .addColumn('throttle_limit', 'integer')
    .addColumn('for_ms', 'bigint')
    .addColumn('in_force_from', 'varchar(32)')
    .addColumn('in_force_until', 'varchar(32)')
    .addColumn('alert_id', 'varchar(200)')
    .addColumn('rule_id', 'varchar(64)')
    .addColumn('case_id', 'varchar(40)')
    .addColumn('note', 'text')
    .addColumn('proposed_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('proposed_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by', 'varchar(160)')
    .addColumn('decision_reason', 'text')
    .addColumn('lifted_at', 'varchar(32)')
    .addColumn('lifted_by', 'varchar(160)')
    .addColumn('lift_reason', 'text')
    .execute();
  // An alert delivered twice proposes each of its responses once.
  await db.schema
    .createIndex('monitor_responses_alert')
    .on('monitor_responses')
    .columns(['alert_id', 'action'])
    .unique()
    .execute();
  await db.schema
    .createIndex('monitor_responses_state')
    .on('monitor_responses')
    .columns(['state', 'operator_id'])
    .execute();

  await db.schema
    .createTable('monitor_incidents')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('case_id', 'varchar(40)')
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('window_from', 'varchar(32)', (col) => col.notNull())
    .addColumn('window_to', 'varchar(32)', (col) => col.notNull())
    .addColumn('detected_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('jurisdiction', 'varchar(8)', (col) => col.notNull())
    .addColumn('notify_by', 'varchar(32)', (col) => col.notNull())
    .addColumn('state', 'varchar(8)', (col) => col.notNull())
    .addColumn('affected_count', 'integer', (col) => col.notNull())
    .addColumn('authority_notified_at', 'varchar(32)')
    .addColumn('authority_notified_by', 'varchar(160)')
    .addColumn('notice_json', 'text')
    .addColumn('citizens_cursor', 'varchar(64)')
    .addColumn('citizens_notified', 'integer', (col) => col.notNull())
    .addColumn('citizens_notified_at', 'varchar(32)')
    .addColumn('opened_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('opened_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('closed_at', 'varchar(32)')
    .addColumn('closed_by', 'varchar(160)')
    .addColumn('close_note', 'text')
    .execute();
}
