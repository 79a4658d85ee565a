import type { Kysely } from 'kysely';

/**
 * The citizen inbox: notifications (one per event and subject, so redelivery stores nothing new)
 * and per-category preferences.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('event_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('category', 'varchar(32)', (col) => col.notNull())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('data_json', 'text', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('read_at', ts)
    .addUniqueConstraint('notifications_event_subject', ['event_id', 'subject'])
    .execute();
  await db.schema
    .createIndex('notifications_subject_id')
    .on('notifications')
    .columns(['subject', 'id'])
    .execute();
  await db.schema
    .createTable('notification_preferences')
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('category', 'varchar(32)', (col) => col.notNull())
    .addColumn('notify', 'integer', (col) => col.notNull())
    .addColumn('updated_at', ts, (col) => col.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['subject', 'category'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('notifications').execute();
}
