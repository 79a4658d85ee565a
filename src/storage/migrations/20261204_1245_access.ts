import type { Kysely } from 'kysely';

/**
 * Access checks (src/access): the checks with the citizen's and the breach notice's indexes,
 * idempotency keys per system, experimental legal regimes and adequacy-list overrides.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_checks')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(128)', (col) => col.notNull())
    .addColumn('actor_pseudonym', 'varchar(64)')
    .addColumn('actor_code', 'varchar(32)', (col) => col.notNull())
    .addColumn('purpose', 'varchar(64)', (col) => col.notNull())
    .addColumn('legal_basis', 'varchar(32)', (col) => col.notNull())
    .addColumn('basis_reference', 'text')
    .addColumn('categories_json', 'text', (col) => col.notNull())
    .addColumn('action', 'varchar(16)', (col) => col.notNull())
    .addColumn('record_count', 'integer')
    .addColumn('recipient_json', 'text')
    .addColumn('country', 'varchar(2)')
    .addColumn('decision', 'varchar(8)', (col) => col.notNull())
    .addColumn('reasons_json', 'text', (col) => col.notNull())
    .addColumn('basis_json', 'text', (col) => col.notNull())
    .addColumn('transfer_json', 'text')
    .addColumn('signals_json', 'text')
    .addColumn('at', 'varchar(32)', (col) => col.notNull())
    .addColumn('ledger_index', 'bigint')
    .execute();
  // The citizen's view pages by (at, id) descending for one subject.
  await db.schema
    .createIndex('access_checks_subject_at')
    .on('access_checks')
    .columns(['subject', 'at', 'id'])
    .execute();
  // Breach notices: who did this system access in a window; also the throttle window per actor.
  await db.schema
    .createIndex('access_checks_system_at')
    .on('access_checks')
    .columns(['system_id', 'at'])
    .execute();

  await db.schema
    .createTable('access_idempotency')
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('key', 'varchar(128)', (col) => col.notNull())
    .addColumn('body_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('kind', 'varchar(8)', (col) => col.notNull())
    .addColumn('check_ids_json', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addPrimaryKeyConstraint('access_idempotency_pk', ['system_id', 'key'])
    .execute();

  await db.schema
    .createTable('access_regimes')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('act', 'text', (col) => col.notNull())
    .addColumn('systems_json', 'text', (col) => col.notNull())
    .addColumn('purposes_json', 'text', (col) => col.notNull())
    .addColumn('categories_json', 'text', (col) => col.notNull())
    .addColumn('starts_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('ends_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('closed_at', 'varchar(32)')
    .addColumn('created_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('access_adequacy')
    .addColumn('country', 'varchar(2)', (col) => col.primaryKey())
    .addColumn('adequate', 'integer', (col) => col.notNull())
    .addColumn('changed_by', 'varchar(160)', (col) => col.notNull())
    .addColumn('changed_at', 'varchar(32)', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['access_adequacy', 'access_regimes', 'access_idempotency', 'access_checks'])
    await db.schema.dropTable(table).execute();
}
