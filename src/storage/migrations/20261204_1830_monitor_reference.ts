import { type Kysely, sql } from 'kysely';

/**
 * More reference data for the monitoring centre's rules (src/monitor/response.tables.ts): an
 * operator's staff register (subject pseudonyms of its employees, with their actor ids when
 * given), for coworker snooping and self-access, and the destination countries each system
 * declares it transfers to, for the destination-country rule.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitor_staff')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(128)')
    .addColumn('label', 'text')
    .addColumn('added_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('added_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('removed_at', 'varchar(32)')
    .addColumn('removed_by', 'varchar(160)')
    .execute();
  // One live entry per employee and operator, and per actor id (removed entries stay as history).
  await db.schema
    .createIndex('monitor_staff_live')
    .on('monitor_staff')
    .columns(['operator_id', 'subject'])
    .unique()
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('monitor_staff_live_actor')
    .on('monitor_staff')
    .columns(['operator_id', 'actor_id'])
    .unique()
    .where(sql<boolean>`removed_at is null and actor_id is not null`)
    .execute();

  await db.schema
    .createTable('monitor_destinations')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('country', 'varchar(2)', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('added_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('added_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('removed_at', 'varchar(32)')
    .addColumn('removed_by', 'varchar(160)')
    .execute();
  await db.schema
    .createIndex('monitor_destinations_live')
    .on('monitor_destinations')
    .columns(['system_id', 'country'])
    .unique()
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('monitor_destinations').execute();
  await db.schema.dropTable('monitor_staff').execute();
}
