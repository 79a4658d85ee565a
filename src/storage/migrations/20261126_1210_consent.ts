import type { Kysely } from 'kysely';

/**
 * Consents and their event log, guardianships, withdrawal grounds, webhook secrets and the
 * webhook delivery outbox. `consents_subject_controller` makes `coveringConsent` read only the
 * subject's consents with one operator, whatever the number of consents stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('consents')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('subject_birth_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('controller_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('systems_json', 'text', (col) => col.notNull())
    .addColumn('purposes_json', 'text', (col) => col.notNull())
    .addColumn('categories_json', 'text', (col) => col.notNull())
    .addColumn('recipients_json', 'text', (col) => col.notNull())
    .addColumn('processing_countries_json', 'text', (col) => col.notNull())
    .addColumn('storage_countries_json', 'text', (col) => col.notNull())
    .addColumn('retention', 'varchar(32)', (col) => col.notNull())
    .addColumn('valid_from', ts)
    .addColumn('valid_until', ts, (col) => col.notNull())
    .addColumn('request_expires_at', ts, (col) => col.notNull())
    .addColumn('collection_method', 'varchar(16)', (col) => col.notNull())
    .addColumn('language', 'varchar(2)', (col) => col.notNull())
    .addColumn('policy_url', 'text', (col) => col.notNull())
    .addColumn('withdrawal_method', 'text', (col) => col.notNull())
    .addColumn('message_json', 'text', (col) => col.notNull())
    .addColumn('callback_url', 'text')
    .addColumn('requested_by', 'varchar(40)', (col) => col.notNull())
    .addColumn('state', 'varchar(16)', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('updated_at', ts, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('consents_subject_controller')
    .on('consents')
    .columns(['subject', 'controller_id'])
    .execute();
  await db.schema
    .createIndex('consents_subject_id')
    .on('consents')
    .columns(['subject', 'id'])
    .execute();
  await db.schema
    .createIndex('consents_requested_by')
    .on('consents')
    .columns(['requested_by', 'id'])
    .execute();
  await db.schema
    .createIndex('consents_state_request_expiry')
    .on('consents')
    .columns(['state', 'request_expires_at'])
    .execute();
  await db.schema
    .createIndex('consents_state_valid_until')
    .on('consents')
    .columns(['state', 'valid_until'])
    .execute();

  await db.schema
    .createTable('consent_events')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('consent_id', 'varchar(40)', (col) => col.notNull().references('consents.id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'varchar(32)', (col) => col.notNull())
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('actor_json', 'text', (col) => col.notNull())
    .addColumn('reason_json', 'text')
    .addUniqueConstraint('consent_events_consent_seq', ['consent_id', 'seq'])
    .execute();

  await db.schema
    .createTable('guardianships')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('guardian', 'varchar(64)', (col) => col.notNull())
    .addColumn('child', 'varchar(64)', (col) => col.notNull())
    .addColumn('child_birth_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('relation', 'varchar(16)', (col) => col.notNull())
    .addColumn('reference', 'text', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('ended_at', ts)
    .addColumn('ended_reason', 'text')
    .addUniqueConstraint('guardianships_guardian_child', ['guardian', 'child'])
    .execute();
  await db.schema.createIndex('guardianships_child').on('guardianships').column('child').execute();
  await db.schema
    .createIndex('guardianships_open_birth')
    .on('guardianships')
    .columns(['ended_at', 'child_birth_date'])
    .execute();

  await db.schema
    .createTable('withdrawal_grounds')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('purpose', 'varchar(100)', (col) => col.notNull())
    .addColumn('reason_json', 'text', (col) => col.notNull())
    .addColumn('reference', 'text', (col) => col.notNull())
    .addColumn('declared_by', 'text', (col) => col.notNull())
    .addColumn('declared_at', ts, (col) => col.notNull())
    .addColumn('valid_until', ts)
    .execute();
  await db.schema
    .createIndex('withdrawal_grounds_system_purpose')
    .on('withdrawal_grounds')
    .columns(['system_id', 'purpose'])
    .execute();

  await db.schema
    .createTable('webhook_secrets')
    .addColumn('system_id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('secret_sealed', 'text', (col) => col.notNull())
    .addColumn('previous_sealed', 'text')
    .addColumn('previous_until', ts)
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('rotated_at', ts, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('consent_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('event_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('event_type', 'varchar(32)', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('payload_json', 'text', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', ts, (col) => col.notNull())
    .addColumn('last_attempt_at', ts)
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', ts)
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_system')
    .on('webhook_deliveries')
    .columns(['system_id', 'id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_consent')
    .on('webhook_deliveries')
    .column('consent_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'webhook_deliveries',
    'webhook_secrets',
    'withdrawal_grounds',
    'guardianships',
    'consent_events',
    'consents',
  ])
    await db.schema.dropTable(table).execute();
}
