import type { Kysely } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * The monitoring centre's own tables (src/monitor): the events it has received (the embedded
 * bus's log, replayed to rebuild windows), events it could not read (parked, never dropped),
 * alerts with their history, cases grouping an actor's alerts, and each rule's mode.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { serial } = dialectTypes(db);
  const ts = 'varchar(32)';
  await db.schema
    .createTable('monitor_events')
    .addColumn('seq', serial, (col) => col.primaryKey())
    .addColumn('id', 'varchar(128)', (col) => col.notNull().unique())
    .addColumn('type', 'varchar(128)', (col) => col.notNull())
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('data_json', 'text', (col) => col.notNull())
    .addColumn('received_at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('monitor_events_at').on('monitor_events').column('at').execute();

  await db.schema
    .createTable('monitor_parked')
    .addColumn('seq', serial, (col) => col.primaryKey())
    .addColumn('event_id', 'varchar(128)')
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('input_json', 'text', (col) => col.notNull())
    .addColumn('parked_at', ts, (col) => col.notNull())
    .execute();
  // An event parked again on a replay is not stored twice.
  await db.schema
    .createIndex('monitor_parked_event')
    .on('monitor_parked')
    .columns(['event_id', 'reason'])
    .unique()
    .execute();

  await db.schema
    .createTable('monitor_cases')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('case_key', 'varchar(300)', (col) => col.notNull())
    .addColumn('state', 'varchar(16)', (col) => col.notNull())
    .addColumn('outcome', 'varchar(16)')
    .addColumn('assignee', 'varchar(200)')
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('level', 'varchar(16)', (col) => col.notNull())
    .addColumn('operator', 'varchar(128)')
    .addColumn('system', 'varchar(128)')
    .addColumn('actor_id', 'varchar(200)')
    .addColumn('subject', 'varchar(128)')
    .addColumn('alert_count', 'integer', (col) => col.notNull())
    .addColumn('opened_at', ts, (col) => col.notNull())
    .addColumn('updated_at', ts, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_cases_key_state')
    .on('monitor_cases')
    .columns(['case_key', 'state'])
    .execute();
  await db.schema
    .createIndex('monitor_cases_updated')
    .on('monitor_cases')
    .columns(['updated_at', 'id'])
    .execute();

  await db.schema
    .createTable('monitor_alerts')
    .addColumn('id', 'varchar(300)', (col) => col.primaryKey())
    .addColumn('rule_id', 'varchar(100)', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('level', 'varchar(16)', (col) => col.notNull())
    .addColumn('shadow', 'integer', (col) => col.notNull())
    .addColumn('state', 'varchar(16)', (col) => col.notNull())
    .addColumn('outcome', 'varchar(16)')
    .addColumn('assignee', 'varchar(200)')
    .addColumn('case_id', 'varchar(40)')
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('updated_at', ts, (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('suppressed', 'integer', (col) => col.notNull())
    .addColumn('group_key', 'text', (col) => col.notNull())
    .addColumn('group_json', 'text', (col) => col.notNull())
    .addColumn('events_json', 'text', (col) => col.notNull())
    .addColumn('responses_json', 'text', (col) => col.notNull())
    .addColumn('context_json', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_alerts_created')
    .on('monitor_alerts')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('monitor_alerts_case')
    .on('monitor_alerts')
    .columns(['case_id', 'at'])
    .execute();
  // The live feed reads what changed since it last looked, on whichever instance changed it.
  await db.schema
    .createIndex('monitor_alerts_updated')
    .on('monitor_alerts')
    .columns(['updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('monitor_alerts_rule')
    .on('monitor_alerts')
    .column('rule_id')
    .execute();

  // History of alerts and cases: raised, suppressed (a match folded in), acknowledged, assigned, closed.
  await db.schema
    .createTable('monitor_history')
    .addColumn('seq', serial, (col) => col.primaryKey())
    .addColumn('target_kind', 'varchar(8)', (col) => col.notNull())
    .addColumn('target_id', 'varchar(300)', (col) => col.notNull())
    .addColumn('action', 'varchar(16)', (col) => col.notNull())
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('by_name', 'varchar(200)')
    .addColumn('event_id', 'varchar(128)')
    .addColumn('detail_json', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_history_target')
    .on('monitor_history')
    .columns(['target_kind', 'target_id', 'seq'])
    .execute();
  // A match folded into an alert is recorded once, however often the stream is replayed.
  await db.schema
    .createIndex('monitor_history_event')
    .on('monitor_history')
    .columns(['target_kind', 'target_id', 'action', 'event_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('monitor_rule_modes')
    .addColumn('rule_id', 'varchar(100)', (col) => col.primaryKey())
    .addColumn('mode', 'varchar(8)', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('changed_by', 'varchar(200)', (col) => col.notNull())
    .addColumn('changed_at', ts, (col) => col.notNull())
    .addColumn('ledger_id', 'varchar(40)', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'monitor_rule_modes',
    'monitor_history',
    'monitor_alerts',
    'monitor_cases',
    'monitor_parked',
    'monitor_events',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
